"""Export formats, the JSON schema, import parsing and the export dialog.

Golden files live in ``tests/golden``; after changing a format on purpose,
regenerate them with ``LDN_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_export.py``
and read the diff before committing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ldn_tui.content.document import markdown_parser
from ldn_tui.content.library import load_library
from ldn_tui.export import FORMATS, ExportError, importer
from ldn_tui.export import request as ex
from ldn_tui.export.formats import csv_cell, md_fence, md_note_text
from ldn_tui.notes.models import AppState, Bookmark, Note

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
GOLDEN = ROOT / "tests" / "golden"
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
UPDATE = os.environ.get("LDN_UPDATE_GOLDEN") == "1"


def _id(char: str) -> str:
    return char * 32


BOOKMARKS = (
    Bookmark("alpha", "background", "Background", "2026-01-02T10:00:00+00:00"),
    Bookmark("beta", "details", "Details", "2026-01-03T10:00:00+00:00"),
    Bookmark("gone", "old-place", "A heading that was removed", "2026-01-01T08:00:00+00:00"),
)
NOTES = (
    Note(
        _id("a"),
        "alpha",
        "background",
        "Background",
        "# Not a heading\n---\n```python\nprint('hi')\n```\n<script>alert(1)</script> [link](javascript:x) *star*\n",
        "2026-01-02T11:00:00+00:00",
        "2026-01-05T12:00:00+00:00",
    ),
    Note(
        _id("b"),
        "alpha",
        "background",
        "Background",
        "Second note: dose 1.5 mg, then 3 mg. Sleep worse for a week.",
        "2026-01-04T09:00:00+00:00",
        "2026-01-04T09:00:00+00:00",
    ),
    Note(
        _id("c"),
        "alpha",
        "deeper",
        "Deeper",
        '=1+1 (starts like a formula)\r\nWindows line end, "quotes", commas, and a tab\there.',
        "2026-01-06T09:00:00+00:00",
        "2026-01-06T09:00:00+00:00",
    ),
    Note(
        _id("d"),
        "beta",
        "details",
        "Details",
        "Ask about vivid dreams — « ünïcödé » ✓",
        "2026-01-07T09:00:00+00:00",
        "2026-01-08T09:00:00+00:00",
    ),
    Note(
        _id("e"),
        "gone",
        "old-place",
        "A *heading* that was <removed>",
        "Orphaned note, kept under its stored heading.",
        "2026-01-01T09:00:00+00:00",
        "2026-01-01T09:00:00+00:00",
    ),
    Note(
        _id("f"),
        "glossary",
        "widget",
        "Widget",
        "A note on an unbookmarked heading.",
        "2026-01-09T09:00:00+00:00",
        "2026-01-09T09:00:00+00:00",
    ),
)
STATE = AppState(
    last_pane="beta", last_slug="details", scroll_y=12, theme="textual-dark", notice_seen=True, extra={"font": "large"}
)


@pytest.fixture(scope="module")
def library():
    return load_library(FIXTURE)


def render(fmt, scope, library, bookmarks=BOOKMARKS, notes=NOTES, state=STATE) -> bytes:
    return ex.render_export(fmt, ex.select(scope, bookmarks, notes, state), library, NOW)


# ---------------------------------------------------------------- golden files

GOLDEN_CASES = [
    ("md", "all", "export-all.md"),
    ("md", "bookmarked", "export-bookmarked.md"),
    ("json", "all", "export-all.json"),
    ("json", "notes", "export-notes.json"),
    ("html", "all", "export-all.html"),
    ("csv", "all", "export-all.csv"),
]


@pytest.mark.parametrize(("fmt", "scope", "name"), GOLDEN_CASES)
def test_golden(library, fmt, scope, name):
    data = render(fmt, scope, library)
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} changed; regenerate with LDN_UPDATE_GOLDEN=1 after reading the diff"


def test_golden_markdown_reads_as_a_handout(library):
    text = (GOLDEN / "export-all.md").read_text(encoding="utf-8")
    assert text.startswith("# LDN notes and bookmarks — 2026-02-01\n")
    assert "Education, not medical advice." in text
    assert "clinician" in text
    # panes in reading order, then orphans, then the reference list
    order = [text.index(h) for h in ("## Alpha", "## Beta", "## Glossary", "## Other notes", "## References")]
    assert order == sorted(order)
    assert "In the app: Alpha › Details › Deeper (press 1)" in text
    assert "[doi:10.1000/fixture.1](<https://doi.org/10.1000/fixture.1>)" in text
    assert "[PMID 12345678](<https://pubmed.ncbi.nlm.nih.gov/12345678/>)" in text
    # the reference list is deduplicated: Smith 2020 is cited three times under Background
    refs = text[text.index("## References") :]
    assert refs.count("A fixture trial") == 1


def test_golden_html_is_standalone_and_printable():
    page = (GOLDEN / "export-all.html").read_text(encoding="utf-8").lower()
    assert "@media print" in page and "<style>" in page
    for external in ("<script", " src=", "<link", "@import", "url(", "<iframe", "<img"):
        assert external not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_golden_json_validates_against_the_shipped_schema():
    for name in ("export-all.json", "export-notes.json"):
        jsonschema.validate(json.loads((GOLDEN / name).read_text(encoding="utf-8")), importer.export_schema())


def test_golden_csv_is_rfc4180():
    raw = (GOLDEN / "export-all.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.count(b"\r\n") >= 7 and raw.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["kind", "pane", "heading", "note", "created", "updated"]
    notes = [row for row in rows[1:] if row[0] == "note"]
    assert {row[3] for row in notes} == {csv_cell(n.text) for n in NOTES}
    assert any(row[3].startswith("'=1+1 (starts like a formula)") for row in notes)
    marks = [row for row in rows[1:] if row[0] == "bookmark"]
    assert [(row[1], row[2], row[3], row[4]) for row in marks] == [
        ("Alpha", "Background", "", "2026-01-02T10:00:00+00:00"),
        ("Beta", "Details", "", "2026-01-03T10:00:00+00:00"),
        ("gone", "A *heading* that was <removed>", "", "2026-01-01T08:00:00+00:00"),
    ]


def test_bookmarked_scope_keeps_only_bookmarked_headings(library):
    text = render("md", "bookmarked", library).decode()
    assert "A note on an unbookmarked heading." not in text
    assert "### Deeper" not in text
    assert "Second note" in text
    assert "No notes on this heading." not in text  # beta/details has a note
    only_marks = render("md", "bookmarked", library, notes=()).decode()
    assert only_marks.count("No notes on this heading.") == 3


def test_notes_scope_has_no_bookmarks(library):
    data = json.loads(render("json", "notes", library))
    assert data["bookmarks"] == [] and len(data["notes"]) == len(NOTES)
    assert "state" not in data
    assert "Bookmarked 2026" not in render("md", "notes", library).decode()


def test_nothing_to_export(library):
    for fmt in FORMATS:
        with pytest.raises(ex.NothingToExport, match="nothing to export"):
            render(fmt, "bookmarked", library, bookmarks=(), notes=NOTES)
    # CSV holds bookmarks too (W4): bookmarks without notes are exported.
    rows = list(csv.reader(io.StringIO(render("csv", "bookmarked", library, notes=()).decode(), newline="")))
    assert [row[0] for row in rows[1:]] == ["bookmark"] * 3


def test_unknown_format_and_scope(library):
    with pytest.raises(ExportError, match="unknown format"):
        render("docx", "all", library)  # pdf is a format now (issue 12)
    with pytest.raises(ExportError, match="unknown scope"):
        render("md", "everything", library)


def test_json_needs_no_library():
    data = ex.render_export("json", ex.select("all", BOOKMARKS, NOTES, STATE), None, NOW)
    assert json.loads(data)["state"]["theme"] == "textual-dark"
    with pytest.raises(ExportError, match="content"):
        ex.render_export("md", ex.select("all", BOOKMARKS, NOTES, STATE), None, NOW)


def test_default_filename():
    assert ex.default_filename("md", date(2026, 3, 4)) == "ldn-notes-2026-03-04.md"


# ---------------------------------------------------------------- JSON schema


def test_schema_is_shipped_and_valid():
    schema = importer.export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    packaged = ROOT / "ldn_tui" / "export" / "schema.json"
    assert schema == json.loads(packaged.read_text(encoding="utf-8"))


def _keywords(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            out.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, out)
            elif isinstance(value, dict):
                _keywords(value, out)
    return out


def test_schema_uses_only_keywords_the_app_checks():
    assert _keywords(importer.export_schema(), set()) <= importer.SUPPORTED_KEYWORDS


def _valid_export() -> dict:
    return json.loads(ex.render_export("json", ex.select("all", BOOKMARKS, NOTES, STATE), None, NOW))


MUTATIONS = [
    ("valid", lambda d: None),
    ("no notes key", lambda d: d.pop("notes")),
    ("extra top key", lambda d: d.update(extra=1)),
    ("version string", lambda d: d.update(schema_version="1")),
    ("version true", lambda d: d.update(schema_version=True)),
    ("version zero", lambda d: d.update(schema_version=0)),
    ("bad scope", lambda d: d.update(scope="some")),
    ("note text number", lambda d: d["notes"][0].update(text=5)),
    ("note text null", lambda d: d["notes"][0].update(text=None)),
    ("note missing id", lambda d: d["notes"][1].pop("id")),
    ("note id with slash", lambda d: d["notes"][1].update(id="../x")),
    ("note extra field", lambda d: d["notes"][1].update(colour="red")),
    ("empty created", lambda d: d["notes"][2].update(created="")),
    ("bookmark heading list", lambda d: d["bookmarks"][0].update(heading=[])),
    ("bookmarks object", lambda d: d.update(bookmarks={})),
    ("state negative scroll ok", lambda d: d["state"].update(scroll_y=-1)),
    ("bad timestamp", lambda d: d["notes"][2].update(updated="yesterday")),
    ("state scroll float", lambda d: d["state"].update(scroll_y=1.5)),
    ("state scroll bool", lambda d: d["state"].update(scroll_y=False)),
    ("state theme null ok", lambda d: d["state"].update(theme=None)),
    ("state missing extra", lambda d: d["state"].pop("extra")),
    ("app other name", lambda d: d["app"].update(name="other")),
    ("no state ok", lambda d: d.pop("state")),
]


@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_app_validator_agrees_with_jsonschema(label, mutate):
    data = _valid_export()
    mutate(data)
    reference = jsonschema.Draft202012Validator(importer.export_schema()).is_valid(data)
    assert (importer.schema_errors(data) == []) == reference
    assert reference == (label == "valid" or label.endswith(" ok"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None)
@given(where=st.integers(0, 50), value=json_values)
def test_app_validator_agrees_on_random_damage(where, value):
    data = _valid_export()
    slots = []

    def walk(node):
        if isinstance(node, dict):
            for key in node:
                slots.append((node, key))
                walk(node[key])
        elif isinstance(node, list):
            for index in range(len(node)):
                slots.append((node, index))
                walk(node[index])

    walk(data)
    node, key = slots[where % len(slots)]
    node[key] = value
    reference = jsonschema.Draft202012Validator(importer.export_schema()).is_valid(data)
    assert (importer.schema_errors(data) == []) == reference


# ---------------------------------------------------------------- parse_export


def test_parse_export_round_trips_models():
    parsed = importer.parse_export(ex.render_export("json", ex.select("all", BOOKMARKS, NOTES, STATE), None, NOW))
    assert parsed.notes == tuple(sorted(NOTES, key=lambda n: (n.created, n.id)))
    assert set(parsed.bookmarks) == set(BOOKMARKS)
    assert parsed.state == STATE and parsed.state.extra == STATE.extra
    assert parsed.scope == "all" and parsed.exported_at == "2026-02-01T09:30:00+00:00"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"# LDN notes\n", "not valid JSON"),
        (b'{"schema_version": 1, "app": {"name": "ldn-tui", "version": "0.1.0"}, "notes": [', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "not an ldn-tui export"),
        (b'{"hello": "world"}', "not an ldn-tui export"),
        (b'{"schema_version": 2, "app": {"name": "ldn-tui", "version": "9"}}', "newer ldn-tui"),
        (b'{"schema_version": 1, "app": {"name": "ldn-tui", "version": "0"}, "scope": "all"}', "damaged"),
        (b"[" * 100000, "not"),
    ],
)
def test_parse_export_refuses_with_one_line(raw, message):
    with pytest.raises(ExportError, match=message) as info:
        importer.parse_export(raw, "x.json")
    assert "\n" not in str(info.value)


def test_import_export_counts_with_a_fake_store():
    class Fake:
        def __init__(self):
            self.notes, self.marks, self._state = {}, set(), AppState()

        def state(self):
            return self._state

        def set_state(self, extra=None, **fields):
            self._state = AppState(**fields, extra=extra or {})
            return self._state

        def merge_note(self, note):
            old = self.notes.get(note.id)
            if old is None:
                self.notes[note.id] = note
                return "added"
            if note.updated > old.updated:
                self.notes[note.id] = note
                return "updated"
            return "skipped"

        def merge_bookmark(self, bookmark):
            key = (bookmark.pane_id, bookmark.slug)
            if key in self.marks:
                return "skipped"
            self.marks.add(key)
            return "added"

        def merge_many(self, notes, bookmarks):
            return [self.merge_note(n) for n in notes], [self.merge_bookmark(b) for b in bookmarks]

    parsed = importer.parse_export(ex.render_export("json", ex.select("all", BOOKMARKS, NOTES, STATE), None, NOW))
    fake = Fake()
    first = importer.import_export(fake, parsed)
    assert first.lines() == [
        "added: 6 notes, 3 bookmarks, the app state",
        "updated: 0 notes, 0 bookmarks",
        "skipped: 0 notes, 0 bookmarks",
    ]
    assert fake._state == STATE and fake._state.extra == STATE.extra
    second = importer.import_export(fake, parsed, dry_run=True)
    assert second.lines()[2] == "would skip: 6 notes, 3 bookmarks, the app state"


# ---------------------------------------------------------------- arbitrary note text

note_text = st.text(max_size=120) | st.lists(
    st.sampled_from(
        [
            "#",
            "# h",
            "---",
            "```",
            "````",
            "~~~",
            "<html>",
            "</pre>",
            "[link](x)",
            "*",
            "_",
            "\n",
            "\r\n",
            "\r",
            "    ",
            "\t",
            "&amp;",
            "&",
            "\\",
            "`",
            "> ",
            "- ",
            "1. ",
            "|",
            "\x00",
            "<!--",
            "]]>",
            "'",
            '"',
            "=",
            "+",
            "@",
            "é",
            "\u2028",
            "\x0b",
        ]
    ),
    max_size=25,
).map("".join)
heading_text = st.text(max_size=40) | st.lists(
    st.sampled_from(["#", "*", "_", "`", "[", "]", "(x)", "<b>", "&amp;", "\\", " ", "\n", "##", "a", "é"]),
    max_size=12,
).map("".join)


def _probe(text: str, heading: str) -> tuple[tuple[Bookmark, ...], tuple[Note, ...]]:
    notes = (
        Note(
            _id("1"),
            "alpha",
            "background",
            "Background",
            text,
            "2026-01-02T11:00:00+00:00",
            "2026-01-02T11:00:00+00:00",
        ),
        Note(_id("2"), "gone", "old", heading, text, "2026-01-03T11:00:00+00:00", "2026-01-03T11:00:00+00:00"),
    )
    return BOOKMARKS[:1], notes


def _md_structure(source: str, parser):
    tokens = parser.parse(source)
    headings, fences, kinds = [], [], []
    for index, token in enumerate(tokens):
        kinds.append(token.type)
        if token.type == "heading_open":
            inline = tokens[index + 1]
            assert all(c.type in ("text", "text_special") for c in inline.children), inline.children
            headings.append((token.tag, "".join(c.content for c in inline.children)))
        if token.type in ("fence", "code_block"):
            fences.append(token.content)
    return headings, fences, kinds


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.pre, self.h3, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))
        if tag in ("pre", "h3"):
            self._in = tag
            (self.pre if tag == "pre" else self.h3).append("")

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag, ()))
        self._in = None

    def handle_data(self, data):
        if self._in == "pre":
            self.pre[-1] += data
        elif self._in == "h3":
            self.h3[-1] += data


def _html(source: str) -> _Html:
    parser = _Html()
    parser.feed(source)
    parser.close()
    return parser


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=note_text, heading=heading_text)
def test_arbitrary_note_text_survives_every_format(library, text, heading):
    bookmarks, notes = _probe(text, heading)
    baseline_marks, baseline_notes = _probe("plain", "Plain heading")
    selection = ex.select("all", bookmarks, notes, STATE)
    baseline = ex.select("all", baseline_marks, baseline_notes, STATE)
    shown_heading = " ".join(heading.split()) or "(untitled)"

    # Markdown: same block structure as with harmless text, note verbatim in one block.
    md = ex.render_export("md", selection, library, NOW).decode()
    md_base = ex.render_export("md", baseline, library, NOW).decode()
    for parser in (markdown_parser(), MarkdownIt("commonmark"), MarkdownIt("js-default")):
        headings, fences, kinds = _md_structure(md, parser)
        base_headings, _, base_kinds = _md_structure(md_base, parser)
        assert kinds == base_kinds
        expected = [
            h if h[1] != "Plain heading" else ("h3", shown_heading.replace("\x00", "\ufffd")) for h in base_headings
        ]
        assert headings == expected
        assert fences == [md_note_text(text) + "\n"] * 2

    # HTML: the same tags as with harmless text; the text nodes give the note back.
    page = _html(ex.render_export("html", selection, library, NOW).decode())
    base_page = _html(ex.render_export("html", baseline, library, NOW).decode())
    assert page.tags == base_page.tags
    assert page.pre == ["\n" + text] * 2
    assert page.h3[-1] == (heading or "(untitled)")

    # CSV: parses back to the same text.
    rows = list(csv.reader(io.StringIO(ex.render_export("csv", selection, library, NOW).decode(), newline="")))
    assert [row[3] for row in rows[1:] if row[0] == "note"] == [csv_cell(text), csv_cell(text)]
    assert all(len(row) == 6 for row in rows)

    # JSON: valid against the shipped schema and lossless.
    raw = ex.render_export("json", selection, library, NOW)
    jsonschema.validate(json.loads(raw), importer.export_schema())
    assert importer.parse_export(raw).notes == notes


def test_md_fence_is_longer_than_any_backtick_run():
    assert md_fence("a ``` b ````` c").startswith("``````text\n")
    assert md_fence("") == "```text\n\n```"


# ---------------------------------------------------------------- domain stays headless


def test_export_does_not_import_textual():
    code = (
        "import sys, ldn_tui.export.request, ldn_tui.export.formats, ldn_tui.cli.data; "
        "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 0)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or "textual was imported"


# ---------------------------------------------------------------- the dialog


async def test_dialog_returns_the_request(tmp_path):
    from textual.app import App

    from ldn_tui.tui.screens.export_dialog import ExportDialog

    class Tiny(App):
        result: object = "not dismissed"

        def on_mount(self):
            self.push_screen(ExportDialog(directory=tmp_path, today=date(2026, 2, 1)), self.done)

        def done(self, value):
            self.result = value

    app = Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        assert field.value == str(tmp_path / "ldn-notes-2026-02-01.md")
        await pilot.press("down", "down")  # Markdown -> JSON -> HTML
        assert field.value == str(tmp_path / "ldn-notes-2026-02-01.html")
        await pilot.press("tab", "down", "down")  # scope: bookmarked -> notes -> all
        await pilot.press("tab")
        assert app.focused is field
        field.value = ""
        await pilot.press(*"~/handout.html")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == ex.ExportRequest(
        format="html", scope="all", path=Path("~/handout.html").expanduser(), force=False
    )


async def test_dialog_escape_cancels_and_empty_path_stays_open(tmp_path):
    from textual.app import App

    from ldn_tui.tui.screens.export_dialog import ExportDialog

    class Tiny(App):
        result: object = "not dismissed"

        def on_mount(self):
            self.push_screen(ExportDialog(format="csv", scope="notes", directory=tmp_path), self.done)

        def done(self, value):
            self.result = value

    app = Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.screen
        field = dialog.query_one("#export-path")
        assert field.value.endswith(".csv")
        field.value = "   "
        await pilot.press("enter")  # focus is on the format choices: enter means export
        await pilot.pause()
        assert app.screen is dialog and app.result == "not dismissed"
        assert "Type where" in str(dialog.query_one("#export-error").render())
        field.value = "relative.csv"
        await pilot.click("#export-ok")
        await pilot.pause()
        assert app.result == ex.ExportRequest("csv", "notes", tmp_path / "relative.csv", False)
        app.result = "again"
        app.push_screen(ExportDialog(directory=tmp_path), app.done)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None
