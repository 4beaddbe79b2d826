"""The content the app ships: nine panes in order, every citation, link and
anchor resolving, a full glossary, identified references, and the rules
written for tired readers (key points first, small files)."""

from __future__ import annotations

import re

import pytest

from ldn_tui.check import check_library
from ldn_tui.content import load_library
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
    for slug in ("microglia", "tlr4", "trpm3", "nk-cell", "cytokine", "endorphin", "pem", "esr", "p-value", "half-life", "enantiomer"):
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
