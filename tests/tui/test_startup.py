"""Start-up: the saved theme and width class are in place before the first
frame, and the interpreter settings ``ldn-tui`` starts with are undone."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from helpers import SIZE, ready, seen_data_dir
from textual.color import Color

from ldn_tui import startup
from ldn_tui.notes.store import Store
from ldn_tui.tui.app import DEFAULT_THEME, SETTLE_DELAY


def saved_theme(path: Path, theme: str) -> Path:
    return seen_data_dir(path, theme=theme)


def screen_background(app) -> Color:
    return app.screen.styles.background


async def test_saved_light_theme_is_used_from_the_first_frame(app, tmp_path):
    ldn = app(data_dir=saved_theme(tmp_path / "light", "textual-light"))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert ldn.theme == "textual-light"
        assert ldn.has_class("-light-mode") and not ldn.has_class("-dark-mode")
        assert ldn.has_class("-theme-textual-light")
        # The stylesheet was parsed with the light theme's variables.
        assert screen_background(ldn) == Color.parse(ldn.current_theme.background)


async def test_default_theme_when_nothing_or_nonsense_is_saved(app, tmp_path):
    for data in (None, saved_theme(tmp_path / "odd", "no-such-theme")):
        ldn = app(data_dir=data) if data else app()
        async with ldn.run_test(size=SIZE) as pilot:
            await ready(pilot)
            assert ldn.theme == DEFAULT_THEME
            assert ldn.has_class("-dark-mode")
            assert screen_background(ldn) == Color.parse(ldn.current_theme.background)


async def test_theme_change_is_saved_and_used_next_time(app, tmp_path):
    data = seen_data_dir(tmp_path / "change")
    first = app(data_dir=data)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first.theme = "gruvbox"
        await pilot.pause()
        assert screen_background(first) == Color.parse(first.current_theme.background)
        await pilot.press("q")
    store = Store.open(data)
    try:
        assert store.state().theme == "gruvbox"
    finally:
        store.close()
    second = app(data_dir=data)
    async with second.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert second.theme == "gruvbox"


async def test_start_up_settings_are_undone_after_the_first_frame(app):
    ldn = app()
    interval = sys.getswitchinterval()
    startup.begin()  # as run_app does
    try:
        assert not gc.isenabled() and sys.getswitchinterval() == startup.SWITCH_INTERVAL
        async with ldn.run_test(size=SIZE) as pilot:
            await ready(pilot)
            for _ in range(int(SETTLE_DELAY / 0.05) + 40):
                if not startup.active():
                    break
                await pilot.pause(0.05)
            assert not startup.active()
            assert gc.isenabled()
            assert sys.getswitchinterval() == interval
            assert gc.get_freeze_count() > 0  # start-up's survivors
    finally:
        startup.finish(collect=False)
        gc.unfreeze()


async def test_an_app_started_without_them_changes_nothing(app):
    ldn = app()
    interval = sys.getswitchinterval()
    frozen = gc.get_freeze_count()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause(SETTLE_DELAY + 0.2)
        assert gc.isenabled() and sys.getswitchinterval() == interval
        assert gc.get_freeze_count() == frozen  # nothing frozen


def test_run_app_undoes_the_settings_after_a_content_error(tmp_path, capsys):
    from ldn_tui.cli.run import run_app

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "alpha.md").write_text("---\nid: alpha\n", encoding="utf-8")
    interval = sys.getswitchinterval()
    assert run_app(broken, tmp_path / "data") == 1
    assert gc.isenabled() and sys.getswitchinterval() == interval and not startup.active()
    assert "ldn-tui:" in capsys.readouterr().err


def test_plain_ldn_tui_starts_the_app_without_building_the_parser(monkeypatch, tmp_path):
    import subprocess
    import sys

    from ldn_tui.cli import run as cli
    from ldn_tui.paths import content_dir, data_dir

    calls = []
    monkeypatch.setattr(cli, "run_app", lambda content, data: calls.append((content, data)) or 0)
    assert cli.main([]) == 0
    assert cli.main(["--data-dir", str(tmp_path / "elsewhere")]) == 0
    assert calls == [(content_dir(None), data_dir(None)), (content_dir(None), tmp_path / "elsewhere")]
    probe = (
        "import sys; from ldn_tui.cli import run as cli; cli.run_app = lambda c, d: 0; "
        "cli.main([]); print('argparse' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_width_class_is_set_before_the_first_frame(app):
    from ldn_tui.tui.screens.reader import ReaderScreen

    for size, present, absent in (((60, 20), "-narrow", "-normal"), (SIZE, "-normal", "-narrow")):
        ldn = app()
        async with ldn.run_test(size=size) as pilot:
            await ready(pilot)
            assert ldn.reader.has_class(present) and not ldn.reader.has_class(absent)
            # A new reader screen is styled for the width from the start,
            # not from the first Resize.
            with ldn._context():
                fresh = ReaderScreen(ldn.library, ldn.notebook)
            assert fresh.has_class(present) and not fresh.has_class(absent)
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert ldn.reader.has_class("-narrow") and not ldn.reader.has_class("-normal")


async def test_the_reader_shows_where_it_left_off_as_it_mounts(app, tmp_path, monkeypatch):
    """The first pane is shown in the reader's own on_mount, from the place
    the app passed in (no round trip through the app's message queue before
    the first frame can have text), at the saved heading and line width."""
    from ldn_tui.tui.screens.reader import ReaderScreen

    data = seen_data_dir(tmp_path / "placed", last_pane="beta", last_slug="", scroll_y=0, line_width=60)
    seen = []
    original = ReaderScreen.on_mount

    def on_mount(self):
        original(self)
        seen.append((self.pane_id, self.view.line_width, self.view.pane_id))

    monkeypatch.setattr(ReaderScreen, "on_mount", on_mount)
    ldn = app(data_dir=data)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert ldn.reader.pane_id == "beta"
    assert seen == [("beta", 60, "beta")]


def test_start_up_imports_neither_the_store_nor_the_checker():
    """What the first frame does not need is imported on first use (PEP 562
    in the package faces, and the notebook opens the store later): TinyDB and
    the store, the drafts, the content checker and plain-text printer, and
    tomllib when there is no settings file."""
    import subprocess

    probe = (
        "import sys, os; "
        "from ldn_tui.cli import run; "
        "from ldn_tui.content import ContentError, load_document_cache, load_library; "
        "from ldn_tui.tui.app import create_app; "
        "print(' '.join(sorted(m for m in ('tinydb', 'ldn_tui.notes.store', 'ldn_tui.notes.drafts', "
        "'ldn_tui.content.check', 'ldn_tui.content.plain_text', 'tomllib') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_theme_colours_are_worked_out_once_on_the_way_to_the_first_frame(app, monkeypatch):
    """Textual's App.__init__ asks for its default theme's CSS variables;
    the app answers with none and works out the saved theme's once."""
    from textual.theme import Theme

    calls: list[str] = []
    original = Theme.to_color_system

    def counted(self):
        calls.append(self.name)
        return original(self)

    monkeypatch.setattr(Theme, "to_color_system", counted)
    ldn = app()
    assert calls == [DEFAULT_THEME]
    assert ldn.theme_variables and ldn.theme_variables == ldn.get_css_variables()
