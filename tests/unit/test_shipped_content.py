"""The content the app ships: nine panes in order, every citation, link and
anchor resolving, a full glossary, identified references, and the rules
written for tired readers (key points first, small files)."""

from __future__ import annotations

import re

import pytest

from ldn_tui.content.check import check_library
from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir

PANES = ["overview", "mechanism", "studies", "dosing", "side-effects", "sourcing", "claims", "glossary", "references"]


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def test_nine_panes_in_order(shipped):
    assert [p.id for p in shipped.panes] == PANES
    assert [p.order for p in shipped.panes] == sorted(p.order for p in shipped.panes)
    assert shipped.pane("glossary").kind == "glossary"
    assert shipped.pane("references").kind == "references"


def test_check_is_clean(shipped):
    assert [str(p) for p in check_library(shipped)] == []


def test_every_citation_resolves_and_every_reference_is_cited(shipped):
    cited = set()
    for pane in shipped.panes:
        for citation in shipped.document(pane.id).citations:
            assert citation.key in shipped.references, f"{pane.id}: {citation.key}"
            cited.add(citation.key)
    assert cited == set(shipped.references)


def test_every_internal_link_and_anchor_resolves(shipped):
    internal = 0
    for pane in shipped.panes:
        for link in shipped.document(pane.id).links:
            if link.target.startswith(("https://", "http://")):
                continue
            internal += 1
            name, _, anchor = link.target.partition("#")
            target = shipped.pane_by_file(name) if name else pane
            assert target is not None, f"{pane.id}:{link.line}: {link.target}"
            if anchor:
                assert shipped.document(target.id).heading(anchor), f"{pane.id}:{link.line}: {link.target}"
    assert internal > 50  # panes link terms to the glossary and to each other


def test_glossary_has_at_least_35_terms(shipped):
    terms = [h for h in shipped.document("glossary").headings if h.level == 3]
    assert len(terms) >= 35
    assert len({t.slug for t in terms}) == len(terms)
    for slug in (
        "microglia",
        "tlr4",
        "trpm3",
        "nk-cell",
        "cytokine",
        "endorphin",
        "pem",
        "esr",
        "p-value",
        "half-life",
        "enantiomer",
    ):
        assert any(t.slug == slug for t in terms), slug


def test_every_reference_has_an_identifier_and_evidence_type(shipped):
    for key, ref in shipped.references.items():
        assert ref.identifiers, key
        assert ref.evidence, key
        for _label, url in ref.identifiers:
            assert url.startswith("https://"), (key, url)


def test_every_pane_opens_with_key_points_and_shows_its_review_date(shipped):
    for pane in shipped.panes:
        headings = shipped.document(pane.id).headings
        assert headings[0].slug == "key-points", pane.id
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", pane.reviewed)


def test_pane_files_are_small(shipped):
    for pane in shipped.panes:
        assert pane.path.stat().st_size < 20_000, pane.id


def test_negative_trials_stand_beside_positive_ones(shipped):
    studies = " ".join(b.text for b in shipped.document("studies").blocks)
    cited = {c.key for c in shipped.document("studies").citations}
    # the FINAL trial, the Danish crossover trial and the null meta-analysis
    assert {"bruun2024", "bested2023", "ologunowa2025"} <= cited
    assert "placebo" in studies.lower()


def test_claims_pane_checks_at_least_twelve_claims(shipped):
    blocks = shipped.document("claims").blocks
    verdicts = [b for b in blocks if b.text.startswith("Verdict:")]
    assert len(verdicts) >= 12
    for verdict in verdicts:
        word = verdict.text.split(":", 1)[1].strip().split()[0].strip(".").lower()
        assert word in {"supported", "mixed", "unsupported", "wrong"}, verdict.text


def test_dosing_is_reported_not_prescribed(shipped):
    text = " ".join(b.text for b in shipped.document("dosing").blocks).lower()
    for instruction in ("you should take", "take 4.5", "start at 1.5 mg and", "increase your dose"):
        assert instruction not in text


# --- Facts corrected after the 2026-12 content audit -------------------------
# (shared/reference/findings/content-audit.md, section 2). Each test pins one
# correction so that a later edit cannot quietly bring the error back.


def pane_text(shipped, pane_id: str) -> str:
    """All reader-visible text of a pane, tables included, on one line."""
    return " ".join(b.text for b in shipped.document(pane_id).blocks).replace("\n", " ").replace("\t", " ")


def table_rows(shipped, pane_id: str, first_cell: str) -> list[list[str]]:
    """Rows (as cell texts) of the pane's tables whose first cell starts with ``first_cell``."""
    rows = []
    for block in shipped.document(pane_id).blocks:
        if block.kind == "table":
            for row in block.rows[1:]:
                cells = ["".join(s.text for s in cell) for cell in row]
                if cells and cells[0].startswith(first_cell):
                    rows.append(cells)
    return rows


def test_final_lasted_12_weeks_in_total(shipped):
    """FINAL gave LDN for 12 weeks including the 4-week build-up, not 4 + 12."""
    (row,) = table_rows(shipped, "studies", "Bruun et al. (FINAL)")
    assert "12 wk in total" in row[4] and "4-wk build-up" in row[4], row
    (dosing_row,) = table_rows(shipped, "dosing", "FINAL trial (Bruun")
    assert "12 weeks in all" in dosing_row
    for pane in shipped.panes:
        text = pane_text(shipped, pane.id)
        assert not re.search(r"build-up, then 12 w", text), pane.id


def test_dose_finding_trial_is_cited_with_its_identifiers(shipped):
    ref = shipped.references["bruunplesner2020"]
    assert (ref.doi, ref.pmid, ref.year) == ("10.1093/pm/pnaa001", "32068870", 2020)
    assert "Pain Med 2020" in ref.venue
    for pane_id in ("studies", "dosing", "mechanism", "claims"):
        assert "bruunplesner2020" in {c.key for c in shipped.document(pane_id).citations}, pane_id
    for pane_id in ("studies", "dosing"):
        text = pane_text(shipped, pane_id)
        assert "3.88 mg" in text and "5.40 mg" in text, pane_id


NO_DOSE_TRIAL = re.compile(r"\bno\b[^.]{0,30}\btrials?\s+(?:has|have)\s+(?:yet\s+)?compared\s+doses", re.IGNORECASE)


def test_no_pane_says_no_trial_has_compared_doses(shipped):
    """The 2020 dose-finding trial exists, so this sentence is wrong everywhere."""
    assert NO_DOSE_TRIAL.search("The best dose. No trial has yet compared doses; a planned one will.")
    for pane in shipped.panes:
        assert not NO_DOSE_TRIAL.search(pane_text(shipped, pane.id)), pane.id


def claims_verdicts(shipped) -> tuple[dict[str, str], dict[str, str]]:
    """(summary-table verdict, section verdict) per claim slug, lower case."""
    blocks = shipped.document("claims").blocks
    summary: dict[str, str] = {}
    for block in blocks:
        if block.kind == "table" and "Verdict" in [("".join(s.text for s in c)).strip() for c in block.rows[0]]:
            for row in block.rows[1:]:
                link = next(s.link for s in row[0] if s.link)
                summary[link.lstrip("#")] = "".join(s.text for s in row[1]).strip().lower()
    section: dict[str, str] = {}
    slug = ""
    for block in blocks:
        if block.kind == "heading":
            slug = block.slug
        elif block.kind == "paragraph" and block.text.startswith("Verdict:") and slug not in section:
            section[slug] = block.text.split(":", 1)[1].strip().strip(".").lower()
    return summary, section


def test_long_covid_verdict_is_unsupported_in_table_and_section(shipped):
    """Only uncontrolled studies exist, and the pane's own rule makes that "Unsupported"."""
    summary, section = claims_verdicts(shipped)
    assert summary["ldn-helps-long-covid"] == "unsupported"
    assert section["ldn-helps-long-covid"] == "unsupported"


def test_every_claims_summary_verdict_matches_its_section(shipped):
    summary, section = claims_verdicts(shipped)
    assert len(summary) >= 12
    assert summary == {slug: section[slug] for slug in summary}


def test_innova_is_in_studies_overview_and_claims(shipped):
    ref = shipped.references["innovaresults"]
    assert ref.registry == "NCT04739995"
    assert "not confirmed" in ref.venue  # the results paper's journal could not be confirmed
    protocol = shipped.references["innovaprotocol2022"]
    assert (protocol.doi, protocol.pmid) == ("10.1136/bmjopen-2021-055351", "34992118")
    for pane_id in ("studies", "overview", "claims"):
        assert "innovaresults" in {c.key for c in shipped.document(pane_id).citations}, pane_id
        assert "INNOVA" in pane_text(shipped, pane_id), pane_id
    (row,) = table_rows(shipped, "studies", "Rodríguez-Freire et al. (INNOVA")
    assert row[2] == "98 women" and row[3] == "4.5 mg" and row[4] == "12 months"


def test_registered_mecfs_studies_are_not_called_randomised_or_under_way(shipped):
    for pane in shipped.panes:
        text = pane_text(shipped, pane.id)
        assert "under way, two of them" not in text, pane.id
        assert "Two are registered" not in text, pane.id
    studies = pane_text(shipped, "studies")
    assert "no placebo group" in studies and "not yet recruiting" in studies


def test_references_show_readers_no_authoring_notes(shipped):
    authoring = re.compile(r"added by|claims writer|confirmed in|fact sheet|audit", re.IGNORECASE)
    for key, ref in shipped.references.items():
        for field in (ref.authors, ref.title, ref.venue, ref.note):
            assert not authoring.search(field), (key, field)


def test_reference_metadata_corrections(shipped):
    refs = shipped.references
    assert refs["parkitny2017"].evidence == "crossover"
    assert refs["yang2023"].evidence == "review"
    assert refs["vatvani2024"].pmid == "39344363"
    assert refs["naik2024"].pmid == "38740499"
    assert {"hegde2025", "rassimariani2024", "annmedsurg2025"} <= {c.key for c in shipped.document("studies").citations}
    assert "bruun2025cns" in {c.key for c in shipped.document("mechanism").citations}


def test_half_lives_cite_a_source_that_states_them(shipped):
    """The US label page does not give 4 h / 13 h; the Swiss prescribing information does."""
    found = 0
    for pane in shipped.panes:
        for block in shipped.document(pane.id).blocks:
            if "13 hours" in block.text:
                found += 1
                keys = {s.cite for s in block.spans if s.cite}
                assert "swissfachinfo" in keys and "naltrexonelabel" not in keys, (pane.id, block.text)
    assert found >= 4


def test_action_panes_carry_a_disclaimer(shipped):
    for pane_id in ("side-effects", "sourcing"):
        assert "not medical advice" in pane_text(shipped, pane_id), pane_id
