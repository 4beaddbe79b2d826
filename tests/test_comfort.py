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
