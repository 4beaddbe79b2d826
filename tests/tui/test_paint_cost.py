"""A pane switch's painting stays cheap (issue 14, "Figures").

``rich_style`` walks every ancestor's styles; the document view used to ask
for it once a line (about half of its painting on a pane switch, see
benchmarks/bench_switch.py). A paint now works it out once, and paints the
same lines as before: the page's blank rows and a centred page's margin
carry the page style.
"""

from __future__ import annotations

from helpers import ready
from textual.geometry import Region

from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.widgets.document_view import DocumentView


async def test_a_paint_asks_for_the_page_style_once(app, monkeypatch):
    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(160, 30)) as pilot:  # wide: a centred page with a margin
        await ready(pilot)
        await pilot.press("4")
        await ready(pilot)
        view = ldn.reader.view
        region = Region(0, 0, view.size.width, view.size.height)
        view._styles_cache.clear()  # noqa: SLF001 - paint every line again
        before = [strip.text for strip in view.render_lines(region)]
        asked = []
        original = DocumentView.rich_style

        def counted(self):
            asked.append(1)
            return original.fget(self)

        monkeypatch.setattr(DocumentView, "rich_style", property(counted))
        view._styles_cache.clear()  # noqa: SLF001
        after = [strip.text for strip in view.render_lines(region)]
        assert after == before
        assert view._margin() > 0  # noqa: SLF001 - the margin path was painted
        # once for the lines (Textual's own line cache may ask once more)
        assert len(asked) <= 3, len(asked)


async def test_render_line_only_paints(app, monkeypatch):
    """Painting a line reads the rendering and changes nothing: no
    ``virtual_size``, no scrolling, no messages (issue 14). The pane is
    rendered where the content or the width changes instead: at start-up,
    on a pane switch, when the notes panel narrows the view (W6), on a new
    line width and on a resize; each of those is painted here."""
    changes: list[str] = []
    original = DocumentView.render_line

    def watched(self, y):
        before = (self.virtual_size, self.scroll_offset, self.scroll_target_y, self.rendered)
        posted: list[object] = []
        monkeypatch.setattr(self, "post_message", lambda message: posted.append(message) or True)
        try:
            strip = original(self, y)
        finally:
            monkeypatch.delattr(self, "post_message")
        after = (self.virtual_size, self.scroll_offset, self.scroll_target_y, self.rendered)
        if after != before or posted:
            changes.append(f"line {y}: {before[:3]} -> {after[:3]}, posted {posted}")
        return strip

    monkeypatch.setattr(DocumentView, "render_line", watched)
    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        for key in ("4", "2", "p", "w", "w"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.resize_terminal(90, 24)
        await pilot.pause()
        await pilot.pause()
        assert view.rendered is not None and view.size.width
        # The page fits the view after every change, without painting doing it.
        assert max(line.cell_length for line in view.rendered.lines) <= view.scrollable_content_region.width
    assert changes == []


async def test_a_pane_switch_draws_no_pane_list_entry_again(app, monkeypatch):
    """The ▶ marker moves without rendering the list's entries again: once
    every pane has been visited, a switch repaints the list from the lines
    it keeps (replacing two entries' prompts threw them all away: about
    half of a switch's painting), and the marker is right in that frame."""
    from textual.visual import Visual

    from ldn_tui.tui.widgets.sidebars import PaneList

    drawn: list[object] = []
    original = Visual.to_strips.__func__

    def counted(cls, widget, *args, **kwargs):
        if isinstance(widget, PaneList):
            drawn.append(widget)
        return original(cls, widget, *args, **kwargs)

    monkeypatch.setattr(Visual, "to_strips", classmethod(counted))
    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        panes = ldn.reader.query_one(PaneList)
        keys = [str(n) for n in range(1, len(ldn.library.panes[:9]) + 1)]
        for key in keys[1:] + keys[:1]:  # every pane once: each entry is drawn highlighted once
            await pilot.press(key)
            await pilot.pause()
        drawn.clear()
        for key in ("3", "7", "2", "9"):
            await pilot.press(key)
            await pilot.pause()
            index = int(key) - 1
            region = panes.content_region
            rows = [s.crop(region.x, region.right).text for s in ldn.screen._compositor.render_strips()]
            marked = [row for row in rows[region.y : region.bottom] if row.startswith("▶")]
            assert marked == [row for row in marked if row.startswith(f"▶ {key} {ldn.library.panes[index].title}")]
            assert len(marked) == 1
        assert drawn == []


async def test_a_pane_switch_lays_nothing_out(app, monkeypatch):
    """Between panes that both need the scrollbar, a switch lays nothing out:
    the view's size is the same, only its virtual size changes, and that goes
    to the scrollbar directly (a layout of the whole screen made the switch
    paint about twice as much)."""
    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        long_panes = []
        for key in [str(n) for n in range(1, len(ldn.library.panes[:9]) + 1)]:
            await pilot.press(key)
            await pilot.pause()
            if view.show_vertical_scrollbar:
                long_panes.append(key)
        assert len(long_panes) >= 3
        compositor = ldn.screen._compositor  # noqa: SLF001 - count the layouts
        layouts = []
        original = compositor.reflow

        def reflow(*args, **kwargs):
            layouts.append(1)
            return original(*args, **kwargs)

        monkeypatch.setattr(compositor, "reflow", reflow)
        for key in long_panes[::-1] + long_panes:
            await pilot.press(key)
            await pilot.pause()
            assert view.show_vertical_scrollbar and view.rendered is not None
            assert view.virtual_size.height == len(view.rendered.lines)
            assert view.vertical_scrollbar.window_virtual_size == view.virtual_size.height
        assert layouts == []
