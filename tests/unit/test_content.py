"""Loading content: front matter, pane order, slugs, citations, links, the
generated references pane, and the per-pane document cache."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldn_tui.content import document as document_module
from ldn_tui.content.document import parse_markdown, slugify
from ldn_tui.content.library import ContentError, Library, load_library, parse_front_matter
from ldn_tui.content.models import EVIDENCE_TYPES, Heading, Link, PaneMeta


def front(pane_id: str = "gamma", **fields: str) -> str:
    """A front matter block; keyword ``None``-like empty strings drop a field."""
    values = {"id": pane_id, "title": "Gamma", "order": "5", "summary": "A pane.", "reviewed": "2026-02-03"}
    values.update(fields)
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


KEY_POINTS = "## Key points\n\n- One.\n- Two.\n- Three.\n"


def write(content: Path, name: str, text: str) -> Path:
    path = content / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(content)
    return [str(p) for p in caught.value.problems]


# -- front matter -------------------------------------------------------------------


def test_front_matter_fields(library: Library, fixture_content: Path):
    alpha = library.pane("alpha")
    assert alpha == PaneMeta(
        id="alpha",
        title="Alpha",
        order=1,
        summary="The first fixture pane.",
        reviewed="2026-01-02",
        path=fixture_content / "alpha.md",
        kind="page",
        body_line=8,
    )
    assert library.pane("glossary").kind == "glossary"
    assert library.pane("references").kind == "references"
    assert library.pane("nope") is None


def test_body_excludes_front_matter(library: Library):
    body = library.body("alpha")
    assert not body.lstrip().startswith("---")
    assert "title: Alpha" not in body
    assert body.split("\n")[1] == "## Key points"  # file line 9 = body_line + 1


def test_front_matter_quotes_comments_and_bom(tmp_path: Path):
    path = tmp_path / "gamma.md"
    text = "\ufeff---\n# a comment\nid: gamma\ntitle: \"Quoted: with colon\"\norder: 5\nsummary: 'Single'\nreviewed: 2026-02-03\n---\nBody\n"
    problems: list = []
    meta, body = parse_front_matter(path, text.removeprefix("\ufeff"), problems)
    assert problems == []
    assert meta.title == "Quoted: with colon"
    assert meta.summary == "Single"
    assert meta.body_line == 9
    assert body == "Body\n"


def test_windows_line_endings(fixture_content: Path):
    for name in ("beta.md", "references.toml"):
        path = fixture_content / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    library = load_library(fixture_content)
    assert library.pane("beta").title == "Beta" and library.pane("beta").reviewed == "2026-01-03"
    assert [(h.slug, h.line) for h in library.document("beta").headings] == [
        ("key-points", 9),
        ("details", 15),
        ("more", 19),
    ]
    assert library.references["jones2019"].line == 10


def test_bom_is_ignored_when_loading(fixture_content: Path):
    beta = fixture_content / "beta.md"
    beta.write_bytes(b"\xef\xbb\xbf" + beta.read_bytes())
    assert load_library(fixture_content).pane("beta").title == "Beta"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        pytest.param("id: gamma\n---\n", 1, "missing front matter", id="missing"),
        pytest.param(front().removesuffix("---\n") + "\nBody\n", 1, "not closed", id="unclosed"),
        pytest.param(front(order="five"), 4, "not a whole number", id="bad-order"),
        pytest.param(front(reviewed="2026-02-30"), 6, "not a date", id="bad-date"),
        pytest.param(front(reviewed="03/02/2026"), 6, "not a date", id="bad-date-format"),
        pytest.param(front(pane_id="delta"), 2, "must match the file name", id="id-not-stem"),
        pytest.param(front(pane_id="Gamma"), 2, "lower-case", id="id-upper-case"),
        pytest.param(front(kind="poster"), 7, "kind 'poster'", id="bad-kind"),
        pytest.param(front(colour="blue"), 7, "unknown front matter key 'colour'", id="unknown-key"),
        pytest.param(front(title=None), 6, "missing 'title'", id="no-title"),
        pytest.param(front(summary=""), 7, "missing 'summary'", id="empty-summary"),
        pytest.param(
            "---\nid: gamma\nid: gamma\ntitle: G\norder: 1\nsummary: s\nreviewed: 2026-01-01\n---\n",
            3,
            "given twice",
            id="key-twice",
        ),
        pytest.param("---\nid gamma\n---\n", 2, "not 'key: value'", id="no-colon"),
    ],
)
def test_broken_front_matter(fixture_content: Path, text: str, line: int, words: str):
    path = write(fixture_content, "gamma.md", text + "\n" + KEY_POINTS)
    problems = problems_of(fixture_content)
    assert any(p.startswith(f"{path}:{line}: ") and words in p for p in problems), problems


def test_broken_front_matter_leaves_other_problems_out(fixture_content: Path):
    """One broken pane: every problem names that pane's file."""
    path = write(fixture_content, "gamma.md", front(order="x") + KEY_POINTS)
    assert problems_of(fixture_content) == [f"{path}:4: order 'x' is not a whole number"]


def test_first_line_of_a_content_error(fixture_content: Path):
    a = write(fixture_content, "gamma.md", front(order="x") + KEY_POINTS)
    write(fixture_content, "delta.md", front("delta", reviewed="soon") + KEY_POINTS)
    with pytest.raises(ContentError) as caught:
        load_library(fixture_content)
    first = caught.value.first_line
    assert "\n" not in first
    assert first.startswith(str(fixture_content / "delta.md") + ":6: ")
    assert "(and 1 more problem)" in first
    assert "ldn-tui check" in first
    assert str(a) in str(caught.value)


def test_non_utf8_pane(fixture_content: Path):
    path = fixture_content / "gamma.md"
    path.write_bytes(b"\xff")
    assert problems_of(fixture_content) == [f"{path}:1: not UTF-8 (byte 0xff); save the file as UTF-8"]


def test_non_utf8_line_number(fixture_content: Path):
    path = fixture_content / "gamma.md"
    path.write_bytes((front() + KEY_POINTS).encode() + b"caf\xe9\n")
    problems = problems_of(fixture_content)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:13: not UTF-8")


def test_missing_directory_and_empty_directory(tmp_path: Path):
    assert problems_of(tmp_path / "missing")[0].startswith(f"{tmp_path / 'missing'}:0: content directory not found")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("ignored")
    assert "no pane files" in problems_of(tmp_path / "empty")[0]


def test_other_files_are_ignored(fixture_content: Path):
    (fixture_content / "README.txt").write_text("not a pane")
    (fixture_content / "image.png").write_bytes(b"\x89PNG\xff")
    assert [p.id for p in load_library(fixture_content).panes] == ["alpha", "beta", "glossary", "references"]


# -- pane order ----------------------------------------------------------------------


def test_panes_in_order(library: Library):
    assert [p.id for p in library.panes] == ["alpha", "beta", "glossary", "references"]
    assert [p.order for p in library.panes] == [1, 2, 3, 4]


def test_order_not_file_name_decides(fixture_content: Path):
    for name, order in [("alpha", "40"), ("beta", "-1"), ("glossary", "3")]:
        path = fixture_content / f"{name}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(next(line for line in text.splitlines() if line.startswith("order:")), f"order: {order}"),
            encoding="utf-8",
        )
    write(fixture_content, "aardvark.md", front("aardvark", order="3") + KEY_POINTS)
    ids = [p.id for p in load_library(fixture_content).panes]
    # beta (-1), then the two order-3 panes by id, references (4), alpha (40)
    assert ids == ["beta", "aardvark", "glossary", "references", "alpha"]


def test_pane_by_file_and_references_pane(library: Library):
    assert library.pane_by_file("beta.md").id == "beta"
    assert library.pane_by_file("beta").id == "beta"
    assert library.pane_by_file("gamma.md") is None
    assert library.references_pane.id == "references"


# -- slugs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Key points", "key-points"),
        ("Side effects & cautions", "side-effects-cautions"),
        ("  Dose: 4.5 mg  ", "dose-4-5-mg"),
        ("Café au lait", "cafe-au-lait"),
        ("What's LDN?", "what-s-ldn"),
        ("!!!", "section"),
        ("UPPER lower", "upper-lower"),
    ],
)
def test_slugify(text: str, slug: str):
    assert slugify(text) == slug


@pytest.mark.parametrize(("text", "slug"), [("Dose–response", "dose-response"), ("Émile—Zola", "emile-zola")])
def test_slugify_non_ascii_punctuation_separates_words(text: str, slug: str):
    assert slugify(text) == slug


@given(st.text(max_size=60))
def test_slugify_is_a_clean_stable_anchor(text: str):
    slug = slugify(text)
    assert slug
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert slugify(slug) == slug


def test_duplicate_headings_get_numbered_slugs():
    document = parse_markdown("## Notes\n\n### Notes\n\n## Other\n\n## Notes\n")
    assert [h.slug for h in document.headings] == ["notes", "notes-2", "other", "notes-3"]
    assert [h.slug for h in document.headings] == [
        h.slug for h in parse_markdown("## Notes\n\n### Notes\n\n## Other\n\n## Notes\n").headings
    ]


def test_slug_does_not_collide_with_a_numbered_heading():
    document = parse_markdown("## Notes 2\n\n## Notes\n\n## Notes\n")
    slugs = [h.slug for h in document.headings]
    assert slugs[0] == "notes-2" and slugs[1] == "notes"
    assert len(set(slugs)) == 3


def test_headings_with_levels_and_lines(library: Library):
    assert library.document("alpha").headings == (
        Heading(2, "Key points", "key-points", 9),
        Heading(2, "Background", "background", 15),
        Heading(2, "Details", "details", 25),
        Heading(3, "Deeper", "deeper", 29),
    )
    assert library.document("alpha").heading("details").line == 25
    assert library.document("alpha").heading("nope") is None
    assert [h.slug for h in library.document("glossary").headings if h.level == 3] == ["widget", "gadget"]


# -- citations ---------------------------------------------------------------------------


def cites(library: Library, pane_id: str) -> list[tuple[str, str | None, str | None]]:
    return [
        (span.text, span.link, span.cite)
        for block in library.document(pane_id).blocks
        for span in block.spans + tuple(s for row in block.rows for cell in row for s in cell)
        if span.cite
    ]


def test_citations_resolve_to_labels_and_reference_anchors(library: Library):
    assert cites(library, "alpha") == [("Smith 2020", "references.md#smith2020", "smith2020")] * 3
    assert cites(library, "beta") == [("Jones 2019", "references.md#jones2019", "jones2019")]
    document = library.document("alpha")
    assert [(c.key, c.line, c.slug) for c in document.citations] == [
        ("smith2020", 12, "key-points"),
        ("smith2020", 17, "background"),
        ("smith2020", 23, "background"),
    ]
    item = next(b for b in document.blocks if b.line == 12)
    assert item.text == "It links to beta and cites a trial (Smith 2020)."


def test_several_citations_in_one_marker(library: Library, fixture_content: Path):
    document = parse_markdown("Both agree [@smith2020; @jones2019].\n", library)
    assert document.blocks[0].text == "Both agree (Smith 2020; Jones 2019)."
    assert [c.key for c in document.citations] == ["smith2020", "jones2019"]


def test_same_author_and_year_get_letters(fixture_content: Path):
    with (fixture_content / "references.toml").open("a", encoding="utf-8") as refs:
        refs.write(
            '\n[smith2020b]\nauthors = "Smith Z"\nyear = 2020\ntitle = "Another"\nevidence = "review"\npmid = "1"\n'
        )
    library = load_library(fixture_content)
    assert library.labels["smith2020"] == "Smith 2020a"
    assert library.labels["smith2020b"] == "Smith 2020b"
    assert library.labels["jones2019"] == "Jones 2019"


def test_unknown_citation_key_keeps_the_key_as_label(library: Library):
    document = parse_markdown("A claim [@nobody1999].\n", library)
    span = next(s for s in document.blocks[0].spans if s.cite)
    assert (span.text, span.link) == ("nobody1999", "references.md#nobody1999")


def test_citation_inside_code_is_not_a_citation(library: Library):
    document = parse_markdown("Write `[@smith2020]` to cite.\n", library)
    assert document.citations == ()


# -- links ---------------------------------------------------------------------------------


def test_links_collected_with_lines(library: Library):
    assert library.document("alpha").links == (
        Link("beta.md#details", "beta", 12),
        Link("https://example.org", "web link", 13),
        Link("#background", "the background", 27),
        Link("glossary.md#widget", "term", 27),
    )
    assert library.document("beta").links == (Link("alpha.md", "alpha", 13),)


def test_any_scheme_is_kept_as_a_link():
    document = parse_markdown("[bad](javascript:alert(1)) and [mail](mailto:a@b.c)\n")
    assert [link.target for link in document.links] == ["javascript:alert(1)", "mailto:a@b.c"]


def test_links_in_table_cells_are_collected():
    document = parse_markdown("| A | B |\n|---|---|\n| [x](alpha.md) | y |\n", first_line=20)
    assert document.links == (Link("alpha.md", "x", 22),)


# -- the generated references pane ---------------------------------------------------------


def test_references_pane_grouped_by_evidence_with_key_anchors(library: Library):
    document = library.document("references")
    generated = [(h.level, h.text, h.slug) for h in document.headings][1:]
    assert generated == [
        (2, EVIDENCE_TYPES["rct"], "randomised-controlled-trials"),
        (3, "Smith 2020 (RCT)", "smith2020"),
        (2, EVIDENCE_TYPES["lab"], "lab-and-animal-studies"),
        (3, "Jones 2019 (lab study)", "jones2019"),
    ]
    entry = document.blocks[[b.slug for b in document.blocks].index("smith2020") + 1]
    assert entry.text.startswith("Smith A, Brown B. 2020. A fixture trial. J Fixtures 2020;1:1-2.")
    assert [(s.text, s.link) for s in entry.spans if s.link] == [
        ("doi:10.1000/fixture.1", "https://doi.org/10.1000/fixture.1"),
        ("PMID 12345678", "https://pubmed.ncbi.nlm.nih.gov/12345678/"),
    ]


def test_references_follow_evidence_order_and_sort_by_author(fixture_content: Path):
    with (fixture_content / "references.toml").open("a", encoding="utf-8") as refs:
        for key, author, evidence in [
            ("zed2001", "Zed Q", "meta-analysis"),
            ("adams2005", "Adams P", "rct"),
            ("old1990", "Old O", "anecdote"),
        ]:
            refs.write(
                f'\n[{key}]\nauthors = "{author}"\nyear = {key[-4:]}\ntitle = "T"\nevidence = "{evidence}"\ndoi = "10.1/{key}"\n'
            )
    with (fixture_content / "references.toml").open("a", encoding="utf-8") as refs:
        refs.write(
            '\n[noted2000]\nauthors = "Noted N"\ntitle = "T"\nevidence = "rct"\nregistry = "NCT01234567"\nnote = "PMID not confirmed."\n'
        )
    document = load_library(fixture_content).document("references")
    order = [h.slug for h in document.headings if h.level == 3]
    assert order == ["zed2001", "adams2005", "noted2000", "smith2020", "jones2019", "old1990"]
    groups = [h.text for h in document.headings if h.level == 2][1:]
    assert groups == [EVIDENCE_TYPES[k] for k in ("meta-analysis", "rct", "lab", "anecdote")]
    index = [b.slug for b in document.blocks].index("noted2000")
    entry, note = document.blocks[index + 1], document.blocks[index + 2]
    assert ("NCT01234567", "https://clinicaltrials.gov/study/NCT01234567") in [(s.text, s.link) for s in entry.spans]
    assert note.text == "PMID not confirmed." and note.spans[0].italic


def test_only_the_references_kind_gets_the_list(library: Library):
    for pane_id in ("alpha", "beta", "glossary"):
        assert "smith2020" not in [h.slug for h in library.document(pane_id).headings]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        pytest.param(
            'authors = "A"\ntitle = "T"\nevidence = "rct"\n', "has no doi, pmid, registry or url", id="no-identifier"
        ),
        pytest.param('title = "T"\nevidence = "rct"\ndoi = "1"\n', "missing 'authors'", id="no-authors"),
        pytest.param(
            'authors = "A"\ntitle = "T"\nevidence = "hunch"\ndoi = "1"\n', "unknown evidence 'hunch'", id="bad-evidence"
        ),
        pytest.param(
            'authors = "A"\ntitle = "T"\nevidence = "rct"\nyear = "2020"\ndoi = "1"\n',
            "year must be a whole number",
            id="year-string",
        ),
        pytest.param(
            'authors = "A"\ntitle = "T"\nevidence = "rct"\nurl = "ftp://x"\n',
            "url must start with https://",
            id="ftp-url",
        ),
        pytest.param(
            'authors = "A"\ntitle = "T"\nevidence = "rct"\ndoi = "1"\nabstract = "x"\n',
            "unknown field 'abstract'",
            id="unknown-field",
        ),
    ],
)
def test_broken_references(fixture_content: Path, entry: str, words: str):
    refs = fixture_content / "references.toml"
    line = len(refs.read_text(encoding="utf-8").splitlines()) + 2
    with refs.open("a", encoding="utf-8") as handle:
        handle.write(f"\n[broken2020]\n{entry}")
    problems = problems_of(fixture_content)
    assert problems == [p for p in problems if p.startswith(f"{refs}:{line}: ")], problems
    assert any(words in p for p in problems), problems


def test_invalid_toml_names_the_line(fixture_content: Path):
    refs = fixture_content / "references.toml"
    refs.write_text(refs.read_text(encoding="utf-8").replace("year = 2019", "year = = 2019"), encoding="utf-8")
    problems = problems_of(fixture_content)
    assert len(problems) == 1 and problems[0].startswith(f"{refs}:12: not valid TOML")


def test_no_references_file_is_allowed(fixture_content: Path):
    (fixture_content / "references.toml").unlink()
    library = load_library(fixture_content)
    assert library.references == {}
    assert [h.slug for h in library.document("references").headings] == ["key-points"]


# -- the document cache ------------------------------------------------------------------------


def test_document_is_parsed_once_and_cached(library: Library, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    real = document_module.parse_pane

    def counting(lib, meta):
        calls.append(meta.id)
        return real(lib, meta)

    monkeypatch.setattr(document_module, "parse_pane", counting)
    first = library.document("alpha")
    assert library.document("alpha") is first
    library.document("beta")
    assert calls == ["alpha", "beta"]


def test_document_cache_is_thread_safe(library: Library, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    real = document_module.parse_pane
    gate = threading.Barrier(8)

    def slow(lib, meta):
        calls.append(meta.id)
        time.sleep(0.05)  # widen the window in which a second parse could start
        return real(lib, meta)

    monkeypatch.setattr(document_module, "parse_pane", slow)
    results: list[object] = []

    def read() -> None:
        gate.wait()
        results.append(library.document("glossary"))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["glossary"]
    assert all(r is results[0] for r in results)


def test_loading_reads_front_matter_only(fixture_content: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    monkeypatch.setattr(document_module, "parse_pane", lambda lib, meta: calls.append(meta.id))
    load_library(fixture_content)
    assert calls == []


def test_unknown_pane_document_raises(library: Library):
    with pytest.raises(KeyError):
        library.document("gamma")
