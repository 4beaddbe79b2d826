"""The page as the reader moves around it: it rewraps when a panel opens,
jumps are instant, and link focus follows what is on screen."""

from __future__ import annotations

from helpers import ready, seen_data_dir

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app


def _shipped(tmp_path):
    return create_app(load_library(bundled_content_dir()), seen_data_dir(tmp_path / "data"))


async def test_notes_panel_first_open_rewraps_the_page(tmp_path):
    """W6: at 60x20 the first `p` narrowed the view without re-wrapping it:
    the text was clipped under a horizontal scrollbar."""
    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        for _ in range(5):  # let the background pre-rendering of the panes finish
            await pilot.pause(0.05)
        view = ldn.reader.view
        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        width = view.scrollable_content_region.width
        assert width < 40
        assert max(line.cell_length for line in view.rendered.lines) <= width
        assert view.virtual_size.width <= width and not view.show_horizontal_scrollbar
        # What is on screen: the text wraps inside the view.
        region = view.content_region
        rows = [
            s.crop(region.x, region.right).text
            for s in ldn.screen._compositor.render_strips()[region.y : region.bottom]
        ]
        assert any("Last reviewed" in row for row in rows)
        assert not any("▃" in row for row in rows)


async def test_g_and_G_jump_at_once(tmp_path):
    """`G`, `g` and space move the view in one step: no animation sweeping
    the pane past the eyes, that keys pressed meanwhile would land in."""
    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        seen: list[float] = []
        ldn.watch(view, "scroll_y", lambda value: seen.append(value), init=False)
        page = view.scrollable_content_region.height
        for key, where in (("G", lambda: view.max_scroll_y), ("g", lambda: 0), ("space", lambda: page)):
            seen.clear()
            await pilot.press(key)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            assert view.scroll_y == where() and view.max_scroll_y > 0
            assert len(set(seen)) == 1, f"{key}: the view passed through {len(set(seen))} positions"


async def test_link_focus_follows_the_scroll(tmp_path):
    """After tabbing to a link and scrolling it out of sight, tab starts
    from the links on screen rather than jumping back up to the old one."""
    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        await pilot.press("tab")
        assert view.focused_link == 0
        for _ in range(40):  # page down to a screen with links on it
            await pilot.press("space")
            top, height = int(view.scroll_y), view.scrollable_content_region.height
            on_screen = [i for i, (first, _, _) in enumerate(view.links) if top <= first < top + height]
            if on_screen and on_screen[0] > 1:
                break
        assert on_screen and on_screen[0] > 1
        await pilot.press("tab")
        assert view.focused_link == on_screen[0], "tab went back to the old link"
        assert int(view.scroll_y) == top
        # shift+tab from the end of the pane: the last link above the bottom.
        await pilot.press("G")
        bottom = int(view.scroll_y) + view.scrollable_content_region.height
        await pilot.press("shift+tab")
        assert view.focused_link == max(i for i, (first, _, _) in enumerate(view.links) if first < bottom)
        # And from the top again, tab starts at the first link.
        await pilot.press("g", "tab")
        assert view.focused_link == 0


async def test_notes_panel_tells_notes_apart_and_stays_readable(tmp_path):
    """The notes panel: each heading bold and underlined above its note, a
    rule between notes, and the "no notes yet" line readable (>= 4.5:1; it
    was the dim disabled colour, 2.9:1 in Nord)."""
    from colour_check import check_lines

    from ldn_tui.tui.widgets.notes_panel import NotesPanel

    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        await pilot.pause()
        panel = ldn.reader.query_one(NotesPanel)
        region = panel.content_region
        rows = ldn.screen._compositor.render_strips()[region.y : region.bottom]
        assert "No notes on this pane yet." in rows[0].text
        assert not check_lines([row.crop(region.x, region.right) for row in rows])
        store = ldn.notebook.store
        store.add_note("overview", "key-points", "Key points", "first")
        store.add_note("overview", "safety-in-one-paragraph", "Safety in one paragraph", "second")
        ldn.refresh_views()
        ldn.reader.refresh_notes()
        await pilot.pause()
        rows = [
            row.crop(region.x, region.right) for row in ldn.screen._compositor.render_strips()[region.y : region.bottom]
        ]
        texts = [row.text.strip() for row in rows]
        first = texts.index("Key points")
        assert texts[first + 1] == "first"
        assert set(texts[first + 2]) == {"─"}, texts[: first + 4]  # the rule between notes
        heading = next(s for s in rows[first] if s.text.strip())
        body = next(s for s in rows[first + 1] if s.text.strip())
        assert heading.style.bold and heading.style.underline and not body.style.bold


async def test_find_hint_fits_at_100_columns(tmp_path):
    """The find bar's hint is shown whole next to the pane list."""
    from textual.widgets import Input

    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        field = ldn.reader.query_one("#find-input", Input)
        screen = "\n".join(strip.text for strip in ldn.screen._compositor.render_strips())
        assert field.placeholder in screen


async def test_line_length_is_capped_on_a_wide_terminal(tmp_path):
    """At 200x60 lines stop at about 76 characters instead of 170."""
    from ldn_tui.tui.widgets.document_view import MAX_WIDTH

    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        assert view.scrollable_content_region.width > MAX_WIDTH
        assert max(line.cell_length for line in view.rendered.lines) <= MAX_WIDTH
        assert max(len(line.text.rstrip()) for line in view.rendered.lines) > MAX_WIDTH - 10
        # The rest of the row is still the page, not the terminal's background.
        region = view.content_region
        row = ldn.screen._compositor.render_strips()[region.y + 3].crop(region.x, region.right)
        assert all(segment.style is not None and segment.style.bgcolor is not None for segment in row if segment.text)


async def test_the_render_cache_stays_bounded_through_many_widths(tmp_path):
    """Resizing through many widths keeps at most RENDER_CACHE_SIZE renderings."""
    from ldn_tui.tui.widgets.document_view import RENDER_CACHE_SIZE

    ldn = _shipped(tmp_path)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        ldn.set_line_width(None)
        for width in range(40, 40 + RENDER_CACHE_SIZE + 12):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
        assert len(ldn.reader.view._cache) <= RENDER_CACHE_SIZE
        assert ldn.reader.view.rendered is not None
