"""A dialog closes once, however fast its keys come (found by the e2e tier's
seeded random-key run: two ``enter`` presses in one read made the command
palette dismiss twice, and the second pop ended the app with
``ScreenStackError``; in a stack of two dialogs it closed the wrong one)."""

from __future__ import annotations

import pytest
from helpers import ready, seen_data_dir
from textual import events
from textual.command import CommandPalette

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.help import HelpScreen
from ldn_tui.tui.screens.reader import ReaderScreen


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def burst(app, *keys: str) -> None:
    """Keys posted all at once, as a terminal delivers keys typed ahead."""
    for key in keys:
        app.post_message(events.Key(key, {"enter": "\r", "escape": "\x1b", "question_mark": "?"}.get(key, key)))


async def settle(pilot, rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.pause(0.05)


async def test_two_enters_in_the_palette_close_it_once(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        for char in "Go to: Studies":
            await pilot.press("space" if char == " " else char)
        await pilot.pause(0.6)  # the providers answer
        await settle(pilot)
        burst(app, "enter", "enter", "enter")
        await settle(pilot, 12)
        assert app._exception is None
        assert app.is_running
        assert isinstance(app.screen, ReaderScreen)
        assert app.reader.pane_id == "studies"


async def test_a_double_escape_closes_only_the_top_dialog(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        answers = []
        app.push_screen(ConfirmDialog("Sure?"), answers.append)
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        confirm.dismiss(False)
        confirm.dismiss(False)  # a second key for the same dialog
        await settle(pilot)
        assert answers == [False]
        assert isinstance(app.screen, HelpScreen), app.screen_stack


@pytest.mark.parametrize(
    "keys",
    [("e", "escape"), ("e", "escape", "e", "escape"), ("m", "escape", "s", "escape"), ("question_mark", "escape", "t")],
)
async def test_a_dialog_closed_before_it_is_drawn_does_not_crash(shipped, tmp_path, keys):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        burst(app, *keys)
        await settle(pilot, 12)
        assert app._exception is None
        assert app.is_running
