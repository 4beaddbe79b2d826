"""The page in every theme: every cell on the theme's background, all text
readable (WCAG >= 4.5:1), and NO_COLOR paints without crashing.

These run the real app on the shipped content and look at what is drawn:
the document view's rendered lines (every line of every pane, with a
focused link and find matches on top) and the composed screen.
"""

from __future__ import annotations

import pytest
from colour_check import MIN_CONTRAST, check_lines, colours, contrast
from helpers import seen_data_dir
from textual.geometry import Region

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

SIZE = (100, 30)
#: Panes whose composed screen is checked too (in every theme): the first
#: one (title, lists, links) and one with tables and citations. Every line
#: of every pane is checked as the view draws it.
SCREEN_PANES = {"overview", "studies"}


def _shipped_app(data_dir, **state):
    return create_app(load_library(bundled_content_dir()), seen_data_dir(data_dir, **state))


async def _settle(pilot) -> None:
    view = pilot.app.reader.view
    for _ in range(200):
        if view.rendered is not None and view.size.width and view._job is None:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def _region_lines(app, widget):
    """The composed screen's lines inside ``widget``'s region."""
    region = app.screen.find_widget(widget).region
    strips = app.screen._compositor.render_strips()
    return [strip.crop(region.x, region.right) for strip in strips[region.y : region.bottom]]


def _decorated(view):
    """Every line of the current pane as the view draws it (markers,
    focused link and find matches included), not only the lines on screen."""
    rendered = view.rendered
    return [view._decorate(y, line) for y, line in enumerate(rendered.lines)]


async def _check_theme(pilot, theme: str) -> list[str]:
    """Visit every pane in ``theme``; return the problems found."""
    app = pilot.app
    reader = app.reader
    view = reader.view
    problems: list[str] = []
    ansi = app.current_theme.name.endswith("ansi")
    for pane in app.library.panes:
        reader.show_pane(pane.id)
        if view._job is not None:  # render the whole pane now, not a frame later
            view._finish_render(view._job, (pane.id, view._content_width()))
        # A focused link and find matches on the pane (W1, W5).
        if view.links:
            view.focused_link = 0
        view.set_find("the")
        for problem in check_lines(_decorated(view), check_contrast=not ansi):
            problems.append(f"{theme} {pane.id} (document) {problem}")
        if pane.id in SCREEN_PANES:
            await pilot.pause()  # one frame: the screen as composed
            for problem in check_lines(_region_lines(app, view), check_contrast=not ansi):
                problems.append(f"{theme} {pane.id} (screen) {problem}")
        view.clear_find()
        view.focused_link = None
    return problems


async def test_every_theme_every_pane_has_background_and_contrast(tmp_path):
    """W1/W2: in every built-in theme, switched live as the palette does,
    no cell of the page is left on the terminal's default background and
    all text (body, headings, links, citations, the focused link, find
    matches) is >= 4.5:1 against its background."""
    app = _shipped_app(tmp_path / "data")
    problems: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        themes = sorted(app.available_themes)
        assert {pane.id for pane in app.library.panes} >= SCREEN_PANES
        assert len(themes) >= 15
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            problems += await _check_theme(pilot, theme)
    assert not problems, f"{len(problems)} problems, first 40:\n" + "\n".join(problems[:40])


async def test_theme_switch_recolours_headings_and_links(tmp_path):
    """W1: after a live theme change the headings and links take the new
    theme's colours at once (the renderings are not kept from the old one)."""
    app = _shipped_app(tmp_path / "data", theme="nord")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        view = app.reader.view
        h2_line = next(first for first, _slug, level, _text in view.heading_rows if level == 2)

        def heading_colour():
            segments = [s for s in view.rendered.lines[h2_line] if s.text.strip()]
            return segments[0].style.color

        before = heading_colour()
        app.theme = "solarized-light"
        await pilot.pause()
        await pilot.pause()
        after = heading_colour()
        assert after != before
        assert after == view._component("document--h2").color
        # What is drawn uses them: the page background on every line.
        page = app.get_css_variables()["background"].lower()
        for number, line in enumerate(view.rendered.lines[:20]):
            for segment in line:
                if segment.text:
                    assert segment.style.bgcolor.get_truecolor().hex.lower() == page, (number, segment)


@pytest.mark.parametrize("theme", ["solarized-light", "textual-light", "catppuccin-latte"])
async def test_citations_readable_in_light_themes(tmp_path, theme):
    """W1: citation links were pure white (about 1.1:1) on light themes."""
    app = _shipped_app(tmp_path / "data", theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        view = app.reader.view
        cite = view._get_styles().cite
        fg, bg = colours(cite)
        assert fg is not None and bg is not None
        assert contrast(fg, bg) >= MIN_CONTRAST


async def test_no_color_paints_every_pane(tmp_path, monkeypatch):
    """C2: with NO_COLOR set, Textual's monochrome filter runs on every
    segment; the app paints every pane (and the contents, the notes panel
    and find) without an exception."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = _shipped_app(tmp_path / "data")
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        reader = app.reader
        for pane in app.library.panes:
            reader.show_pane(pane.id)
            await _settle(pilot)
            # The composed screen, through the filters, as the driver gets it.
            strips = app.screen._compositor.render_strips()
            assert len(strips) == SIZE[1]
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press("slash", "t", "h", "e", "enter")
        await pilot.pause()
        app.screen._compositor.render_strips()
        region = Region(0, 0, *SIZE)
        assert app.screen.find_widget(reader.view).region.overlaps(region)
    assert app.return_code in (None, 0)
