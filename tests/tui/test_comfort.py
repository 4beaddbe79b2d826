"""Reading comfort (issue 11): no motion, a narrow centred column, calm
themes on ``T``, settings kept in the store and a keymap file.

Every test runs the real app on the shipped content.
"""

from __future__ import annotations

from helpers import ready, seen_data_dir
from textual.containers import VerticalScroll

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

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
    return [
        strip.crop(region.x, region.right).text
        for strip in app.screen._compositor.render_strips()[region.y : region.bottom]
    ]


async def test_reading_column_is_76_characters_and_centred(tmp_path):
    """On a wide terminal lines stop at about 76 characters of text and the
    column sits in the middle of the view, not against its left edge."""
    from ldn_tui.tui.widgets.render import GUTTER

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


async def test_T_steps_through_three_plain_themes_and_says_which(tmp_path):
    """``T`` moves through Calm dark, Calm light and High contrast, names
    each in a toast, and the choice is saved for the next start."""
    from ldn_tui.notes.store import Store

    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("T")
            await pilot.pause()
            seen.append(app.theme)
        toasts = [n.message for n in app._notifications]
        assert seen == ["calm-dark", "calm-light", "high-contrast", "calm-dark"]
        assert any("Calm light" in t for t in toasts) and any("High contrast" in t for t in toasts)
        assert app.current_theme.dark
    store = Store.open(tmp_path / "data")
    try:
        assert store.state().theme == "calm-dark"
    finally:
        store.close()


async def test_high_contrast_text_is_at_least_7_to_1(tmp_path):
    """High contrast: body text, links, headings, citations and muted text
    all >= 7:1 against the page, as drawn."""
    from colour_check import colours, contrast

    app = _app(tmp_path / "data", theme="high-contrast")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.reader.view
        checked = 0
        for pane in ("overview", "studies"):
            app.reader.show_pane(pane)
            await pilot.pause()
            if view._job is not None:
                view._finish_render(view._job, (pane, view._content_width()))
            for line in view.rendered.lines:
                for segment in line:
                    if segment.style is None or not any(ch.isalnum() for ch in segment.text):
                        continue
                    fg, bg = colours(segment.style)
                    assert contrast(fg, bg) >= 7, (pane, segment.text, fg, bg)
                    checked += 1
        assert checked > 100


async def test_line_width_setting_rewraps_and_is_kept(tmp_path):
    """``w`` steps the line width (76 → 90 → no limit → 60); the choice is
    saved and the next start draws at it."""
    from ldn_tui.tui.widgets.render import GUTTER

    app = _app(tmp_path / "data")
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        view = app.reader.view
        await pilot.press("w")
        await pilot.pause()
        assert view.rendered.width == 90 + GUTTER
        await pilot.press("w", "w")
        await pilot.pause()
        assert view.line_width == 60 and view.rendered.width == 60 + GUTTER
        assert any("60 characters" in n.message for n in app._notifications)
    again = create_app(load_library(bundled_content_dir()), tmp_path / "data")
    async with again.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        assert again.reader.view.rendered.width == 60 + GUTTER


def _config(tmp_path, monkeypatch, text: str):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "config.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("LDN_TUI_CONFIG_DIR", str(folder))
    return folder / "config.toml"


async def test_keymap_file_remaps_a_key(tmp_path, monkeypatch):
    """``bookmark = "x"`` in [keymap]: x bookmarks, b no longer does, and
    help shows x."""
    _config(tmp_path, monkeypatch, '[keymap]\nbookmark = "x"\n')
    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert app.store.bookmarks() == []
        await pilot.press("x")
        await pilot.pause()
        assert len(app.store.bookmarks()) == 1
        rows = [b for _title, bindings in app.help_sections() for b in bindings if b.id == "bookmark"]
        assert rows and rows[0].key == "x"


async def test_bad_toml_keeps_default_keys_and_says_so(tmp_path, monkeypatch):
    path = _config(tmp_path, monkeypatch, '[keymap\nbookmark = "x"\n')
    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(str(path) in m and "default keys" in m for m in messages), messages
        await pilot.press("b")
        await pilot.pause()
        assert len(app.store.bookmarks()) == 1


async def test_unknown_id_and_bad_value_are_named(tmp_path, monkeypatch):
    _config(tmp_path, monkeypatch, '[keymap]\nbookmarkk = "x"\nsearch = 5\nnote = "z"\n')
    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("bookmarkk" in m and "no such key binding" in m for m in messages), messages
        assert any("search" in m and "in quotes" in m for m in messages), messages
        await pilot.press("s")  # the default key still searches
        await pilot.pause()
        assert type(app.screen).__name__ == "SearchScreen"


def test_where_prints_the_three_places(tmp_path, monkeypatch, capsys):
    from ldn_tui.cli import main

    monkeypatch.setenv("LDN_TUI_CONFIG_DIR", str(tmp_path / "cfg"))
    assert main(["--where", "--data-dir", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert f"data:    {tmp_path / 'd'}" in out
    assert f"config:  {tmp_path / 'cfg' / 'config.toml'}" in out
    assert "content: " in out


async def test_change_theme_lists_every_theme_marked_light_or_dark(tmp_path):
    """The palette's theme list names the three plain themes in words and
    marks every other theme light or dark; choosing one applies it."""
    from textual.command import CommandPalette

    app = _app(tmp_path / "data")
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        app.action_change_theme()
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        commands = [title for title, _help, _cb in app.screen._providers[0].rows()]
        assert commands[:3] == ["Calm dark", "Calm light", "High contrast"]
        assert "nord (dark)" in commands and "solarized-light (light)" in commands
        for title, _help, callback in app.screen._providers[0].rows():
            if title == "solarized-light (light)":
                callback()
        await pilot.pause()
        assert app.theme == "solarized-light"


def test_readme_lists_every_binding_id():
    """The README's keymap section names every id a keymap can use."""
    from pathlib import Path

    from ldn_tui.tui.commands import binding_ids

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Your keys (keymap)") :][:2500]
    ids = binding_ids()
    assert len(ids) >= 30
    missing = [i for i in sorted(ids) if f"`{i}`" not in section and not i.startswith("pane")]
    assert not missing, missing
    assert "`pane1`–`pane9`" in section


async def test_capital_T_typed_in_a_note_or_a_search_is_text_not_a_theme_change(tmp_path):
    """``T`` is an app-wide key; in the note editor and the search field it
    must stay a letter (a reader writing "Trial" must not see the colours change)."""
    app = _app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        before = app.theme
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Trial T", "ctrl+s")
        await pilot.pause()
        assert app.theme == before
        assert [n.text for n in app.store.notes()] == ["Trial T"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"Tr")
        await pilot.pause()
        assert app.theme == before
        assert app.screen.query_one("Input").value == "Tr"
