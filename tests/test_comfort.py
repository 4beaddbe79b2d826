"""Reading comfort (issue 11): no motion, a narrow centred column, calm
themes on ``T``, settings kept in the store and a keymap file.

Every test runs the real app on the shipped content.
"""

from __future__ import annotations

from conftest import ready, seen_data_dir
from textual.containers import VerticalScroll

from ldn_tui.app import create_app
from ldn_tui.content import load_library
from ldn_tui.paths import bundled_content_dir

SIZE = (100, 30)


def _app(data_dir, **state):
    return create_app(load_library(bundled_content_dir()), seen_data_dir(data_dir, **state))


async def test_scrolling_is_never_animated(tmp_path):
    """Reduced motion: a scroll asked with animation (the mouse wheel,
    lists, Textual's own widgets) still lands at once, in the page and in
    the help screen."""
    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.reader.view
        view.scroll_to(y=20, animate=True, duration=3.0)
        await pilot.pause(0.2)
        assert view.scroll_y == 20
        await pilot.press("question_mark")
        await pilot.pause()
        scroller = app.screen.query_one(VerticalScroll)
        scroller.scroll_to(y=5, animate=True, duration=3.0)
        await pilot.pause(0.2)
        assert scroller.scroll_y == 5


def _screen_rows(app, widget):
    region = widget.scrollable_content_region  # inside the padding and the scrollbar
    return [strip.crop(region.x, region.right).text for strip in app.screen._compositor.render_strips()[region.y : region.bottom]]


async def test_reading_column_is_76_characters_and_centred(tmp_path):
    """On a wide terminal lines stop at about 76 characters of text and the
    column sits in the middle of the view, not against its left edge."""
    from ldn_tui.widgets.render import GUTTER

    app = _app(tmp_path / "data")
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        view = app.reader.view
        text = [line.text[GUTTER:].rstrip() for line in view.rendered.lines]
        assert max(len(t) for t in text) <= 76
        assert max(len(t) for t in text) >= 66
        room = view.scrollable_content_region.width
        assert room > 120
        rows = [row for row in _screen_rows(app, view) if row.strip()]
        lefts = [len(row) - len(row.lstrip()) for row in rows]
        rights = [len(row) - len(row.rstrip()) for row in rows]
        # centred: the blank room is shared between both sides
        assert min(lefts) >= (room - 76 - GUTTER) // 2 - 1
        assert min(rights) >= (room - 76 - GUTTER) // 2 - 2
