"""What is drawn, not only what is stored: tests that fail when the page's
drawing breaks.

The architecture review broke four things in the drawing code and no test
noticed (architecture-review.md, "test quality"): the gutter markers, the
Contents marker column, the current find match's highlight and table
column widths. Each test below was checked by making that break and
watching it fail.
"""

from __future__ import annotations

from helpers import SIZE, ready, seen_data_dir
from rich.console import Console

from ldn_tui.content.library import load_library
from ldn_tui.content.models import Block, Span
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app
from ldn_tui.tui.widgets.render import GUTTER, Styles, _share_width, render_blocks
from ldn_tui.tui.widgets.sidebars import TableOfContents


def _line_text(view, y: int) -> str:
    """Line ``y`` of the pane as the view paints it (gutter included)."""
    return "".join(segment.text for segment in view._decorate(y, view.rendered.lines[y]))


def _heading_line(view, slug: str) -> int:
    return next(first for first, heading, _, _ in view.heading_rows if heading == slug)


async def _with_bookmark_and_note(pilot) -> None:
    """Bookmark "Key points" and write a note on it and on "Details"."""
    app = pilot.app
    store = app.notebook.store
    store.toggle_bookmark("alpha", "key-points", "Key points")
    store.add_note("alpha", "key-points", "Key points", "first note")
    store.add_note("alpha", "details", "Details", "second note")
    app.refresh_views()
    await pilot.pause()


# -- (a) gutter markers -----------------------------------------------------
async def test_gutter_shows_bookmark_and_note_markers_before_the_heading(app):
    """★ (bookmark) and ✎ (note) are painted in the gutter of the heading's
    line, with a space before the heading text; other lines keep a blank
    gutter."""
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _with_bookmark_and_note(pilot)
        view = ldn.reader.view
        key_points = _heading_line(view, "key-points")
        details = _heading_line(view, "details")
        assert _line_text(view, key_points).startswith("★✎ Key points")
        assert _line_text(view, details).startswith("✎  Details")
        background = _heading_line(view, "background")
        assert _line_text(view, background).startswith(" " * GUTTER + "Background")
        # On screen too, not only in the view's lines.
        screen = "\n".join(strip.text for strip in ldn.screen._compositor.render_strips())
        assert "★✎ Key points" in screen
        # The marker has its own (theme) colour, on the page background.
        first = view._decorate(key_points, view.rendered.lines[key_points])
        marker = next(iter(first))
        assert marker.style == view._component("document--marker")
        assert marker.style.bgcolor == view.rich_style.bgcolor


async def test_top_of_pane_bookmark_marks_the_title(app):
    """A bookmark on the pane's top (slug "") is drawn on the title line."""
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        ldn.notebook.store.toggle_bookmark("alpha", "", "Alpha")
        ldn.refresh_views()
        await pilot.pause()
        assert _line_text(ldn.reader.view, 0).startswith("★  Alpha")


# -- (b) the Contents marker column ------------------------------------------
def _toc_rows(ldn) -> list[str]:
    toc = ldn.reader.query_one(TableOfContents)
    region = toc.content_region
    strips = ldn.screen._compositor.render_strips()
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]


async def test_contents_marker_column(app):
    """Contents (t) shows ★/✎ in a column of its own before each heading,
    and the level's indent after it."""
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _with_bookmark_and_note(pilot)
        await pilot.press("t")
        await pilot.pause()
        rows = [row.rstrip() for row in _toc_rows(ldn) if row.strip()]
        assert rows[:4] == ["★ Key points", "  Background", "✎ Details", "    Deeper"]


async def test_contents_entries_wrap_with_a_hanging_indent(tmp_path):
    """A heading too long for the Contents column continues under its own
    first letter, not at the marker column (shipped content: "Which
    illnesses it is discussed for" wraps at 100 columns)."""
    ldn = create_app(load_library(bundled_content_dir()), seen_data_dir(tmp_path / "data"))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        rows = _toc_rows(ldn)
        start = next(i for i, row in enumerate(rows) if "Which illnesses" in row)
        first, second = rows[start], rows[start + 1]
        column = first.index("Which")
        assert second[:column].strip() == "" and second[column] != " ", (first, second)


# -- (c) the current find match ------------------------------------------------
def _styles_of(view, y: int, start: int, end: int) -> set:
    line = view._decorate(y, view.rendered.lines[y])
    styles = set()
    position = 0
    for segment in line:
        length = segment.cell_length
        if position < end and position + length > start:
            styles.add(segment.style)
        position += length
    return styles


async def test_every_find_match_marked_and_the_current_one_distinct(app):
    """W5: every match is drawn differently from ordinary text, and the
    current match differently from the other matches; moving on moves the
    distinct one."""
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        total = view.set_find("pane")
        assert total >= 2
        await pilot.pause()

        def looks(index: int) -> set:
            match = view.matches[index]
            return _styles_of(view, match.y, match.start, match.end)

        plain_y = next(
            y
            for y, line in enumerate(view.rendered.lines)
            if line.text.strip() and not any(m.y == y for m in view.matches)
        )
        plain = {segment.style for segment in view.rendered.lines[plain_y] if segment.text.strip()}
        current, other = looks(view.match_index), looks((view.match_index + 1) % total)
        assert current.isdisjoint(other), "the current match looks like the others"
        assert other.isdisjoint(plain), "other matches look like ordinary text"
        assert all(style.reverse for style in current)
        assert all(style.bgcolor is not None for style in current | other)
        before = view.match_index
        view.next_match()
        assert looks(view.match_index) == current and looks(before) == other


# -- (d) table column widths -------------------------------------------------
def _table_block(cells: list[list[str]]) -> Block:
    rows = tuple(tuple((Span(text),) for text in row) for row in cells)
    return Block(kind="table", rows=rows, align=("left",) * len(cells[0]))


def test_share_width_fits_the_room_and_keeps_words_whole():
    natural, longest = [40, 10, 30], [12, 5, 9]
    widths = _share_width(natural, longest, 50)
    assert widths is not None and sum(widths) == 50
    assert all(w >= min(m, 12) for w, m in zip(widths, longest))
    assert widths[0] > widths[1]  # shared in proportion to what each wants
    assert _share_width([5, 5], [3, 3], 40) == [5, 5]  # natural when it fits
    assert _share_width([40, 40], [30, 30], 10) is None  # too narrow: a list


def test_table_is_drawn_within_the_width_with_aligned_columns():
    """A wide table is drawn as a grid no wider than the page, every row's
    column borders at the same places as the header's."""
    long = "a fairly long cell of words that has to wrap over several lines"
    block = _table_block([["Study", "People", "What they found"], ["Smith 2020", "40", long], ["Jones", "12", long]])
    console = Console(width=60, color_system=None)
    for width in (50, 60, 80):
        rendered = render_blocks((block,), width, console, Styles())
        grid = [line.text for line in rendered.lines if line.text.strip()]
        assert grid[0].lstrip().startswith("╭") and grid[-1].lstrip().startswith("╰")
        assert all(line.cell_length <= width for line in rendered.lines), width
        header = grid[1]
        bars = [i for i, ch in enumerate(header) if ch == "│"]
        assert len(bars) == 4
        for line in grid[1:-1]:
            if "┼" in line:
                continue
            assert [i for i, ch in enumerate(line) if ch == "│"] == bars, line


def test_colour_check_helper_sees_holes_and_low_contrast():
    """The helper the theme tests rely on flags what it should."""
    from colour_check import check_cells, contrast

    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54
    rows = [
        [
            ("ok", (0, 0, 0), (255, 255, 255)),
            ("hole", (0, 0, 0), None),
            ("pale", (200, 200, 200), (255, 255, 255)),
            ("──", (250, 250, 250), (255, 255, 255)),
        ]
    ]
    assert [p.text for p in check_cells(rows)] == ["hole", "pale"]
