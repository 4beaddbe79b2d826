"""The PDF handout, CSL-JSON references and CSV for Excel (issue 12).

The PDF is read back with pypdf: every note, heading and identifier must be
in its text. Text extraction puts line breaks where the PDF wrapped, so
comparisons drop all whitespace on both sides (:func:`squash`).
"""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from ldn_tui.cli import main
from ldn_tui.content.library import load_library
from ldn_tui.export import FORMATS, ExportError
from ldn_tui.export import request as ex
from ldn_tui.export.csl import csl_authors, render_csl
from ldn_tui.export.pdf import NOTE_LIMIT, printable
from ldn_tui.notes import Store
from ldn_tui.notes.models import Bookmark, Note
from ldn_tui.outline import build_outline
from ldn_tui.paths import bundled_content_dir

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
CSL_SCHEMA = ROOT / "tests" / "fixtures" / "csl-data.json"
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
STAMP = "2026-01-02T10:00:00+00:00"

#: every hostile case of the end-to-end tier, in one note
HOSTILE = (
    "[bold]Ask Dr. Lee[/] about **6β-naltrexol** ✓ → dose\n"
    "ANSI \x1b[31mred\x1b[0m and OSC \x1b]8;;https://evil.example\x07a link\x1b]8;;\x07 done\n"
    "controls \x00\x07\x08\x7f\x9b end\n"
    "bidi \u202eevil\u202c and \u2067isolate\u2069 end\n"
    "CJK 中文 emoji 😀 and a combining e\u0301\n"
    "tab\there, CR\rthere\n"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FOOTER = re.compile(r"Education, not medical advice\s*·\s*page \d+ of \d+")


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    """The PDF's text, page footers left out (so text running over a page
    break reads on)."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(FOOTER.sub("", page.extract_text()) for page in reader.pages), reader


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def cited_places(library, want: int = 4):
    """At least ``want`` headings of the shipped content that cite sources,
    with a DOI, a PMID and a trial registry number between them."""
    places = []
    kinds: set[str] = set()
    for pane in library.panes:
        document = library.document(pane.id)
        by_slug: dict[str, list[str]] = {}
        for citation in document.citations:
            by_slug.setdefault(citation.slug, []).append(citation.key)
        for heading in document.headings:
            refs = [library.references[k] for k in by_slug.get(heading.slug, []) if k in library.references]
            new = {kind for ref in refs for kind in ("doi", "pmid", "registry") if getattr(ref, kind)} - kinds
            if new or (refs and len(places) < want):
                kinds |= new
                places.append((pane.id, heading))
        if len(places) >= want and kinds == {"doi", "pmid", "registry"}:
            break
    assert kinds == {"doi", "pmid", "registry"}
    return places


def make(places, texts):
    bookmarks = [Bookmark(pane, h.slug, h.text, STAMP) for pane, h in places]
    notes = [
        Note(f"{i:032x}", pane, h.slug, h.text, text, STAMP, STAMP)
        for i, ((pane, h), text) in enumerate(zip(places, texts))
    ]
    return bookmarks, notes


def render(fmt, library, bookmarks, notes, scope="bookmarked", **options) -> bytes:
    return ex.render_export(fmt, ex.select(scope, bookmarks, notes), library, NOW, **options)


# ---------------------------------------------------------------- PDF


def test_pdf_holds_every_note_heading_and_identifier(shipped):
    places = cited_places(shipped)
    texts = [f"Question {i}: ask about the café dose, 6β-naltrexol ✓ → {i}" for i in range(len(places))]
    bookmarks, notes = make(places, texts)
    data = render("pdf", shipped, bookmarks, notes)
    assert data.startswith(b"%PDF-")
    text, reader = pdf_text(data)
    flat = squash(text)
    for note in notes:
        assert squash(note.text) in flat
    for _, heading in places:
        assert squash(heading.text) in flat
    outline = build_outline(shipped, bookmarks, notes)
    assert outline.references
    for ref in outline.references:
        for ident in (ref.doi, ref.pmid, ref.registry):
            if ident:
                assert squash(ident) in flat, ident
    for needle in (
        "LDN notes and bookmarks",
        "Education, not medical advice",
        "My questions and notes",
        "References",
        "Key points",
        "2026-02-01",
    ):
        assert squash(needle) in flat, needle
    # page numbers and the footer on every page
    for number, page in enumerate(reader.pages, 1):
        page_text = squash(page.extract_text())
        assert squash(f"page {number} of {len(reader.pages)}") in page_text
        assert squash("Education, not medical advice") in page_text
    assert 2 <= len(reader.pages) <= 12
    # identifiers are links a clinician can click
    uris = {
        a["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", []) or []
        if a.get_object().get("/A", {}).get("/URI")
    }
    assert any(u.startswith("https://doi.org/") for u in uris)
    assert any(u.startswith("https://pubmed.ncbi.nlm.nih.gov/") for u in uris)


def test_pdf_embeds_the_font_and_body_type_is_large(shipped):
    places = cited_places(shipped)[:1]
    data = render("pdf", shipped, *make(places, ["β"]))
    assert b"DejaVuSans" in data and b"/FontFile2" in data
    sizes = {float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", _content(data))}
    assert min(sizes) >= 11  # footer and small print 11 pt, body 12.5 pt
    assert 12.5 in sizes


def _content(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    return b"".join(page.get_contents().get_data() for page in reader.pages)


def test_pdf_prints_hostile_notes_literally_and_fast(shipped):
    places = cited_places(shipped)[:2]
    huge = HOSTILE + "W" * 3000 + " " + ("lorem ipsum dolor " * 60_000)  # > 1 MB
    assert len(huge.encode()) > 1_000_000
    bookmarks, notes = make(places, [huge, "x" * 5000])
    start = time.perf_counter()
    data = render("pdf", shipped, bookmarks, notes)
    elapsed = time.perf_counter() - start
    assert elapsed < 20, f"{elapsed:.1f} s"
    text, reader = pdf_text(data)
    flat = squash(text)
    for visible_text in (
        "[bold]Ask Dr. Lee[/] about **6β-naltrexol** ✓ → dose",
        "ANSI ⟨ESC⟩[31mred⟨ESC⟩[0m and OSC ⟨ESC⟩]8;;https://evil.example⟨BEL⟩a link⟨ESC⟩]8;;⟨BEL⟩ done",
        "controls ⟨NUL⟩⟨BEL⟩⟨BS⟩⟨DEL⟩\\x9b end",
        "bidi ⟨RLO⟩evil⟨PDF⟩ and ⟨RLI⟩isolate⟨PDI⟩ end",
        "CJK ⟨U+4E2D⟩⟨U+6587⟩ emoji 😀",
        "tab    here, CR\nthere",  # a lone CR is a line break, as in the Markdown export
        "W" * 3000,  # a word longer than a line wraps, nothing lost
        "x" * 5000,
        f"{len(huge) - NOTE_LIMIT:,} more characters are not printed here",
    ):
        assert squash(visible_text) in flat, visible_text
    for raw in ("\x1b", "\x07", "\u202e", "\u2067", "\x00"):
        assert raw not in text
    assert 5 <= len(reader.pages) <= 30


def test_pdf_cuts_a_note_of_many_lines(shipped):
    note = "line\n" * 20_000
    data = render("pdf", shipped, *make(cited_places(shipped)[:1], [note]))
    text, reader = pdf_text(data)
    assert text.count("line") >= 300
    assert "more characters are not printed here" in text
    assert len(reader.pages) <= 15


def test_cut_note():
    from ldn_tui.export.pdf import cut_note

    assert cut_note("short") == ("short", 0)
    assert cut_note("abcdef", limit=4) == ("abcd", 2)
    assert cut_note("a\nb\nc\nd", lines=2) == ("a\nb", 4)
    assert cut_note("a\nb", lines=2) == ("a\nb", 0)


def test_printable_names_what_the_font_cannot_show():
    assert printable("a\x1bb") == "a⟨ESC⟩b"
    assert printable("x\u202ey") == "x⟨RLO⟩y"
    assert printable("中") == "⟨U+4E2D⟩"
    assert printable("[bold]é β ✓ → ←[/]") == "[bold]é β ✓ → ←[/]"
    assert printable("a\r\nb\rc") == "a\nb\nc"
    assert printable("\ud800") == "⟨U+D800⟩"  # a lone surrogate never reaches the PDF


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(shipped, paper, size):
    data = render("pdf", shipped, *make(cited_places(shipped)[:1], ["n"]), paper=paper)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_is_one_clear_error(shipped):
    with pytest.raises(ExportError, match="paper size"):
        render("pdf", shipped, *make(cited_places(shipped)[:1], ["n"]), paper="a3")


# ---------------------------------------------------------------- CLI


def seed(data: Path, bookmarks, notes) -> None:
    store = Store.open(data)
    try:
        for note in notes:
            store.merge_note(note)
        for bookmark in bookmarks:
            store.merge_bookmark(bookmark)
    finally:
        store.close()


def test_cli_pdf_remembers_the_paper_size(shipped, tmp_path, capsys):
    data = tmp_path / "data"
    seed(data, *make(cited_places(shipped)[:2], ["first note", "second note"]))
    args = ["export", "--data-dir", str(data), "--content", str(bundled_content_dir()), "-f", "pdf"]
    assert main([*args, "--paper", "letter", "-o", str(tmp_path / "a.pdf")]) == 0
    assert main([*args, "-o", str(tmp_path / "b.pdf")]) == 0  # no --paper: the one used last
    for name in ("a.pdf", "b.pdf"):
        box = PdfReader(tmp_path / name).pages[0].mediabox
        assert round(float(box.width)) == 612, name
    store = Store.open(data)
    try:
        assert store.state().extra["paper"] == "letter"
    finally:
        store.close()
    assert main([*args, "--paper", "a4", "-o", str(tmp_path / "c.pdf")]) == 0
    assert round(float(PdfReader(tmp_path / "c.pdf").pages[0].mediabox.width)) == 595
    assert "b.pdf" in capsys.readouterr().out


def test_cli_excel_csv_has_a_bom_and_plain_csv_has_none(shipped, tmp_path):
    data = tmp_path / "data"
    seed(data, *make(cited_places(shipped)[:1], ["Bring the 2024 trial — « café » ✓"]))
    args = ["export", "--data-dir", str(data), "--content", str(bundled_content_dir()), "-f", "csv"]
    assert main([*args, "--excel", "-o", str(tmp_path / "excel.csv")]) == 0
    assert main([*args, "-o", str(tmp_path / "plain.csv")]) == 0
    excel, plain = (tmp_path / "excel.csv").read_bytes(), (tmp_path / "plain.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain
    assert "— « café » ✓" in excel.decode("utf-8-sig")


def test_cli_csl_scope_all_exports_every_reference_even_with_no_notes(shipped, tmp_path):
    out = tmp_path / "refs.csl.json"
    args = ["export", "--data-dir", str(tmp_path / "empty"), "--content", str(bundled_content_dir())]
    assert main([*args, "-f", "csl", "--scope", "all", "-o", str(out)]) == 0
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == list(shipped.references)


def test_default_csl_file_name_does_not_clash_with_the_json_backup():
    assert ex.default_filename("csl").endswith(".csl.json")
    assert ex.default_filename("csl") != ex.default_filename("json")


# ---------------------------------------------------------------- CSL-JSON


def test_csl_is_valid_against_the_csl_schema(shipped):
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    items = json.loads(render_csl(shipped.references.values()))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(items)]
    assert errors == []
    for item, ref in zip(items, shipped.references.values()):
        assert item["type"] and item["title"] and item["author"]
        if ref.year:
            assert item["issued"] == {"date-parts": [[ref.year]]}
    by_id = {item["id"]: item for item in items}
    bruun = shipped.references["bruun2024"]
    assert by_id["bruun2024"]["DOI"] == bruun.doi
    assert by_id["bruun2024"]["type"] == "article-journal"
    assert by_id["bruun2024"]["container-title"] == "Lancet Rheumatol"
    assert any("PMID" in item for item in items)
    assert any("container-title" in item for item in items)


def test_csl_holds_only_the_references_cited_by_exported_headings(shipped):
    places = cited_places(shipped)
    bookmarks, notes = make(places, ["n"] * len(places))
    items = json.loads(render("csl", shipped, bookmarks, notes))
    assert [i["id"] for i in items] == [r.key for r in build_outline(shipped, bookmarks, notes).references]
    assert len(items) < len(shipped.references)


def test_csl_of_headings_citing_nothing_is_nothing_to_export(tmp_path):
    library = load_library(FIXTURE)
    bookmark = Bookmark("gone", "old", "Removed", STAMP)
    with pytest.raises(ex.NothingToExport, match="no sources are cited"):
        render("csl", library, [bookmark], [])


def test_csl_authors():
    assert csl_authors("Younger J, Mackey S") == [
        {"family": "Younger", "given": "J"},
        {"family": "Mackey", "given": "S"},
    ]
    assert csl_authors("Bolton MJ, Van Marwijk H, et al.") == [
        {"family": "Bolton", "given": "MJ"},
        {"family": "Van Marwijk", "given": "H"},
    ]
    assert csl_authors("Lavender Sky Health") == [{"literal": "Lavender Sky Health"}]
    assert csl_authors("Compounder, The (compounding pharmacy)") == [
        {"literal": "Compounder, The (compounding pharmacy)"}
    ]


def test_csl_formats_in_citeproc_py(shipped):
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON

    items = json.loads(render_csl([shipped.references["bruun2024"], shipped.references["younger2013"]]))
    source = CiteProcJSON(items)
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
    for key in ("bruun2024", "younger2013"):
        bibliography.register(citeproc.Citation([citeproc.CitationItem(key)]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == 2
    joined = " ".join(entries)
    assert "Bruun" in joined and "2024" in joined and "Younger" in joined
    assert shipped.references["bruun2024"].title.split(":")[0] in joined


# ---------------------------------------------------------------- the app


async def _export_from_dialog(ldn, pilot, downs: int, *, paper_downs: int = 0, excel: bool = False):
    """Open the dialog with ``e``, step the format ``downs`` times, maybe
    change the paper size or tick Excel, and export."""
    from helpers import SIZE  # noqa: F401 - the same terminal size as the other flows
    from textual.widgets import Checkbox

    from ldn_tui.tui.screens.export_dialog import ChoiceSet, ExportDialog

    await pilot.press("e")
    await pilot.pause()
    dialog = ldn.screen
    assert isinstance(dialog, ExportDialog)
    await pilot.press(*["down"] * downs)
    await pilot.pause()
    paper = dialog.query_one("#export-paper", ChoiceSet)
    box = dialog.query_one("#export-excel", Checkbox)
    fmt = dialog.query_one("#export-format", ChoiceSet).value
    assert paper.display == (fmt == "pdf") and box.display == (fmt == "csv")
    if paper_downs:
        paper.focus()
        await pilot.press(*["down"] * paper_downs)
    if excel:
        box.value = True
    await pilot.press("enter")
    await pilot.pause()
    await ldn.workers.wait_for_complete()
    await pilot.pause()
    return fmt


async def test_app_exports_pdf_remembers_letter_and_csv_for_excel(tmp_path, monkeypatch):
    """The real app on the shipped content: ``e``, PDF, US Letter; the next
    dialog opens on US Letter; CSV with the Excel box has a BOM."""
    from helpers import SIZE, ready, seen_data_dir

    from ldn_tui.tui.app import create_app
    from ldn_tui.tui.screens.export_dialog import ChoiceSet

    monkeypatch.setenv("HOME", str(tmp_path))
    data = tmp_path / "data"
    seen_data_dir(data)
    ldn = create_app(load_library(bundled_content_dir()), data)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        pane, slug, heading = ldn.reader.place()
        ldn.store.add_note(pane, slug, heading, "Ask about 6β-naltrexol [bold]✓[/] \x1b[31m")
        assert await _export_from_dialog(ldn, pilot, list(FORMATS).index("pdf"), paper_downs=1) == "pdf"
        assert ldn.store.state().extra["paper"] == "letter"
        await pilot.press("e")
        await pilot.pause()
        assert ldn.screen.query_one("#export-paper", ChoiceSet).value == "letter"
        await pilot.press("escape")
        await pilot.pause()
        assert await _export_from_dialog(ldn, pilot, list(FORMATS).index("csv"), excel=True) == "csv"
    pdfs = sorted(tmp_path.glob("ldn-notes-*.pdf"))
    assert len(pdfs) == 1
    reader = PdfReader(pdfs[0])
    assert round(float(reader.pages[0].mediabox.width)) == 612
    text = squash(FOOTER.sub("", "".join(p.extract_text() for p in reader.pages)))
    assert squash("Ask about 6β-naltrexol [bold]✓[/] ⟨ESC⟩[31m") in text
    assert squash(heading) in text
    csvs = sorted(tmp_path.glob("ldn-notes-*.csv"))
    assert len(csvs) == 1 and csvs[0].read_bytes().startswith(b"\xef\xbb\xbf")


async def test_dialog_renames_csl_json_both_ways(tmp_path):
    from textual.app import App

    from ldn_tui.tui.screens.export_dialog import ExportDialog

    class Tiny(App):
        def on_mount(self):
            self.push_screen(ExportDialog(format="json", directory=tmp_path))

    app = Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        assert field.value.endswith(".json") and not field.value.endswith(".csl.json")
        steps = list(FORMATS).index("csl") - list(FORMATS).index("json")
        await pilot.press(*["down"] * steps)
        assert field.value.endswith(".csl.json")
        await pilot.press(*["up"] * steps)
        assert field.value.endswith(".json") and not field.value.endswith(".csl.json")
