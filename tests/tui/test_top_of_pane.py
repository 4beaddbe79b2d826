"""A bookmark or note at the top of a pane (heading slug ``""``) belongs to
that pane everywhere (ux-defects.md W3): the marker on the pane title, the
notes screen, the notes panel and every export format. It used to be filed
under "no longer in the guide".

Run on the shipped content, as a reader would meet it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from helpers import ready
from textual.geometry import Region

from ldn_tui.content.library import load_library
from ldn_tui.export import request as ex
from ldn_tui.notes.models import Bookmark, Note
from ldn_tui.outline import TOP_OF_PANE, build_outline
from ldn_tui.paths import bundled_content_dir

NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
TOP_MARK = Bookmark("dosing", "", "Dosing", "2026-01-01T10:00:00+00:00")
TOP_NOTE = Note(
    "a" * 32,
    "dosing",
    "",
    "Dosing",
    "Written at the top of Dosing.",
    "2026-01-02T10:00:00+00:00",
    "2026-01-02T10:00:00+00:00",
)
# A bookmark under a real heading of the same pane, to check the order.
HEADING_MARK = Bookmark("dosing", "key-points", "Key points", "2026-01-03T10:00:00+00:00")


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def _render(fmt: str, scope: str, library) -> str:
    selection = ex.select(scope, (TOP_MARK, HEADING_MARK), (TOP_NOTE,))
    return ex.render_export(fmt, selection, library, NOW).decode("utf-8")


def test_the_outline_puts_the_top_first_in_its_pane(shipped):
    outline = build_outline(shipped, (TOP_MARK, HEADING_MARK), (TOP_NOTE,))
    assert outline.orphans == ()
    [group] = outline.panes
    assert group.pane_id == "dosing"
    first, second = group.sections
    assert (first.slug, first.heading, first.top, first.orphan) == ("", TOP_OF_PANE, True, False)
    assert first.bookmark == TOP_MARK and first.notes == (TOP_NOTE,)
    assert first.place == "Dosing, top of the pane (press 4)"
    assert second.slug == "key-points"


@pytest.mark.parametrize("scope", ["all", "bookmarked"])
def test_markdown_files_the_top_under_its_pane(shipped, scope):
    text = _render("md", scope, shipped)
    assert "no longer in the guide" not in text.lower() and "## Other notes" not in text
    pane = text.index("## Dosing")
    top = text.index(f"### {TOP_OF_PANE}")
    assert pane < top < text.index("### Key points")
    assert "In the app: Dosing, top of the pane (press 4)" in text
    assert text.index("Written at the top of Dosing.") > top


def test_html_files_the_top_under_its_pane(shipped):
    page = _render("html", "all", shipped)
    assert "no longer in the guide" not in page.lower() and "Other notes" not in page
    assert page.index("<h2>Dosing</h2>") < page.index(f"<h3>{TOP_OF_PANE}</h3>") < page.index("<h3>Key points</h3>")
    assert "In the app: Dosing, top of the pane (press 4)" in page


def test_csv_files_the_top_under_its_pane(shipped):
    rows = list(csv.reader(io.StringIO(_render("csv", "all", shipped), newline="")))
    assert [row[:4] for row in rows[1:]] == [
        ["bookmark", "Dosing", TOP_OF_PANE, ""],
        ["note", "Dosing", TOP_OF_PANE, "Written at the top of Dosing."],
        ["bookmark", "Dosing", "Key points", ""],
    ]


def test_json_keeps_the_top_as_stored(shipped):
    data = json.loads(_render("json", "all", shipped))
    assert [(b["pane_id"], b["slug"]) for b in data["bookmarks"]] == [("dosing", ""), ("dosing", "key-points")]
    assert [(n["pane_id"], n["slug"]) for n in data["notes"]] == [("dosing", "")]


# ---------------------------------------------------------------- the real app


def _title_line(app) -> str:
    view = app.reader.view
    return view.render_lines(Region(0, 0, view.size.width, 1))[0].text


async def test_the_app_marks_the_title_and_lists_the_top_under_its_pane(app, tmp_path):
    from ldn_tui.tui.screens.notes import NotesScreen
    from ldn_tui.tui.widgets.notes_panel import NotesPanel

    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("4")  # Dosing
        await ready(pilot)
        await pilot.pause()
        assert ldn.reader.pane_id == "dosing"
        assert ldn.reader.view.current_heading()[0] == ""
        assert not _title_line(ldn).lstrip().startswith("★")
        await pilot.press("b")
        await pilot.pause()
        assert [(b.pane_id, b.slug) for b in ldn.store.bookmarks()] == [("dosing", "")]
        assert re.match(r"★ +Dosing", _title_line(ldn).strip()), _title_line(ldn)  # the gutter is 3 columns wide

        ldn.store.add_note("dosing", "", "Dosing", "Top note.")
        ldn.reader.refresh_markers()
        await pilot.pause()
        assert re.match(r"★✎ +Dosing", _title_line(ldn).strip()), _title_line(ldn)

        # The notes panel: the note is the pane's, not "no longer in the content".
        await pilot.press("p")
        await pilot.pause()
        panel = ldn.reader.query_one(NotesPanel)
        labels = [option.prompt.plain for option in panel.options]
        assert labels and "Top note." in labels[0] and "no longer" not in labels[0]

        # The notes screen: both under Dosing, neither orphaned.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(ldn.screen, NotesScreen)
        rows = [o.prompt.plain for o in ldn.screen.entry_list.options if o.id]
        assert rows and all("orphaned" not in row for row in rows), rows
