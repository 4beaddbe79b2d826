"""A note is never lost: burst typing then a save (D1), delete prompts that
keep the note on ``enter`` (D3), pastes that keep their order (D4), and an
editor that is usable in small terminals.

Every flow runs the real LdnApp on the shipped content (ux-defects.md D1-D4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ready, seen_data_dir
from textual import events
from textual.widgets import Button

from ldn_tui.content.library import load_library
from ldn_tui.notes.store import Store
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import LdnApp, create_app
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.reader import ReaderScreen
from ldn_tui.tui.terminal_input import PasteSafeParser

SIZE = (100, 30)
BURST = "resume test note"


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def make_app(shipped, tmp_path: Path) -> LdnApp:
    return create_app(shipped, seen_data_dir(tmp_path / "data"))


def editor_type():
    from ldn_tui.tui.screens.note_editor import NoteEditor

    return NoteEditor


async def settle(pilot, kind: type | None = None):
    for _ in range(50):
        await pilot.pause()
        if kind is None or isinstance(pilot.app.screen, kind):
            break
    if kind is not None:
        assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


def status(editor) -> str:
    return str(editor.query_one("#note-status").render())


def note_texts(app: LdnApp) -> list[str]:
    return [n.text for n in app.store.notes()]


# -- D1: burst typing then a save -------------------------------------------------


async def test_burst_then_ctrl_s_saves_every_key(shipped, tmp_path: Path) -> None:
    """Keys and ctrl+s sent without a pause: the store holds the whole text,
    every time, and the status never says "Unsaved" after "Saved"."""
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for round_ in range(6):
            text = f"{BURST} {round_}"
            await pilot.press("n")
            editor = await settle(pilot, editor_type())
            await pilot.press("ctrl+a", "ctrl+k")  # an existing note: start from empty
            await pilot.press(*list(text), "ctrl+s")
            await pilot.pause()
            assert note_texts(app)[-1:] == [text], round_
            assert editor.text == text
            assert "Saved" in status(editor) and "Unsaved" not in status(editor)
            assert not editor.dirty
            await pilot.press("escape")
            await settle(pilot, ReaderScreen)


async def test_burst_posted_in_one_go_then_ctrl_s(shipped, tmp_path: Path) -> None:
    """The driver-level path: every Key event (letters, backspace, enter,
    then ctrl+s) posted to the app at once, as a fast paste without
    brackets would arrive. Backspace is a TextArea binding that bubbles up
    to the App, the longest route a key takes."""
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = await settle(pilot, editor_type())
        keys = [events.Key(c, c) for c in "first lineX"] + [events.Key("backspace", None)]
        keys += [events.Key("enter", "\r")] + [events.Key(c, c) for c in "second"]
        for key in [*keys, events.Key("ctrl+s", None)]:
            app.post_message(key)
        await pilot.pause()
        await pilot.pause()
        assert note_texts(app) == ["first line\nsecond"]
        assert "Unsaved" not in status(editor)


def post_keys(app: LdnApp, text: str, *keys: str) -> None:
    """Post every key at once, as the driver does for a fast burst."""
    for key in [*[events.Key(c, c) for c in text], *[events.Key(k, None) for k in keys]]:
        app.post_message(key)


async def test_burst_then_escape_asks_and_burst_then_ctrl_q_saves(shipped, tmp_path: Path) -> None:
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, editor_type())
        post_keys(app, "saved first", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert note_texts(app) == ["saved first"]
        # An existing note, more typed, then escape at once: the typing counts,
        # so the editor asks instead of closing (and dropping it).
        post_keys(app, " and more", "escape")
        from ldn_tui.tui.screens.note_editor import UnsavedDialog

        await settle(pilot, UnsavedDialog)
        await pilot.press("s")
        await settle(pilot, ReaderScreen)
        assert note_texts(app) == ["saved first and more"]
        await pilot.press("n")
        await settle(pilot, editor_type())
        post_keys(app, " then quit", "ctrl+q")
        for _ in range(5):
            await pilot.pause()
    with Store.open(app.data_dir) as store:
        assert [n.text for n in store.notes()] == ["saved first and more then quit"]


# -- D3: delete prompts keep the note on enter ------------------------------------


async def test_delete_prompts_keep_the_note_on_enter(shipped, tmp_path: Path) -> None:
    from ldn_tui.tui.screens.notes import NotesScreen

    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, editor_type())
        await pilot.press(*list("keep me"), "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+d")
        dialog = await settle(pilot, ConfirmDialog)
        assert isinstance(app.focused, Button) and app.focused.id == "no"
        await pilot.press("enter")
        await settle(pilot, editor_type())
        assert note_texts(app) == ["keep me"]
        await pilot.press("escape")
        await settle(pilot, ReaderScreen)

        await pilot.press("m")
        await settle(pilot, NotesScreen)
        await pilot.press("down", "d")
        dialog = await settle(pilot, ConfirmDialog)
        assert app.focused is dialog.query_one("#no")
        await pilot.press("enter")
        notes_screen = await settle(pilot, NotesScreen)
        assert note_texts(app) == ["keep me"]

        # Deleting on purpose still works, and u brings the note back whole.
        before = app.store.notes()
        await pilot.press("d")
        await settle(pilot, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, NotesScreen)
        assert app.store.notes() == []
        assert notes_screen.check_action("undo_delete", ()) is True
        await pilot.press("u")
        await pilot.pause()
        assert app.store.notes() == before
        assert notes_screen.check_action("undo_delete", ()) is False


# -- D4: a paste keeps its order ----------------------------------------------------

RAW_PASTE = "\x1b[200~Alpha \x1b[31mRed\x1b[0m omega\x1b[201~"


def parse(chunks: list[str]) -> list:
    parser = PasteSafeParser()
    tokens = []
    for chunk in chunks:
        tokens.extend(parser.feed(chunk))
    tokens.extend(parser.feed(""))
    return tokens


@pytest.mark.parametrize("split", [None, *range(1, len(RAW_PASTE))])
def test_parser_keeps_a_paste_with_escapes_whole(split: int | None) -> None:
    chunks = [RAW_PASTE] if split is None else [RAW_PASTE[:split], RAW_PASTE[split:]]
    tokens = parse(["ab", *chunks, "z"])
    keys = [t.key for t in tokens if isinstance(t, events.Key)]
    pastes = [t.text for t in tokens if isinstance(t, events.Paste)]
    assert pastes == ["Alpha \x1b[31mRed\x1b[0m omega"]
    assert keys == ["a", "b", "z"]
    # and in order: the paste comes between the keys typed around it
    kinds = ["paste" if isinstance(t, events.Paste) else t.key for t in tokens]
    assert kinds == ["a", "b", "paste", "z"]


def test_parser_multiline_paste_with_tabs_and_ordinary_keys_still_work() -> None:
    text = "line 1\tcol\r\x1b[1mline 2\x1b[0m\r\tline 3 \x07 end"
    tokens = parse(["\x1b[200~" + text[:9], text[9:] + "\x1b[201~", "\x1b[A", "q"])
    assert [t.text for t in tokens if isinstance(t, events.Paste)] == [text]
    assert [t.key for t in tokens if isinstance(t, events.Key)] == ["up", "q"]


def test_textual_parser_alone_reorders_the_paste() -> None:
    """Why terminal_input exists: if this starts failing, Textual fixed its
    parser and the workaround can go."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    tokens = [*parser.feed(RAW_PASTE), *parser.feed("")]
    pastes = [t.text for t in tokens if isinstance(t, events.Paste)]
    assert pastes != ["Alpha \x1b[31mRed\x1b[0m omega"]


def test_the_app_reads_input_through_the_paste_safe_parser(shipped, tmp_path: Path) -> None:
    from textual.drivers.linux_driver import LinuxDriver

    from ldn_tui.tui.terminal_input import PasteSafeLinuxDriver

    app = make_app(shipped, tmp_path)
    assert app.driver_class is PasteSafeLinuxDriver and issubclass(PasteSafeLinuxDriver, LinuxDriver)


async def test_pasted_escapes_keep_their_order_in_the_editor(shipped, tmp_path: Path) -> None:
    """The raw bytes through the parser, then into the real editor."""
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = await settle(pilot, editor_type())
        lines = "one\ttab\r\x1b[1mtwo\x1b[0m\rthree"
        for token in parse(["x", RAW_PASTE, "\x1b[200~" + lines + "\x1b[201~", "y"]):
            app.post_message(token)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        expected = "xAlpha \x1b[31mRed\x1b[0m omegaone\ttab\n\x1b[1mtwo\x1b[0m\nthreey"
        assert editor.text == expected
        assert note_texts(app) == [expected]


# -- sizes ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [(30, 8), (40, 12)])
async def test_editor_is_usable_in_small_terminals(shipped, tmp_path: Path, size) -> None:
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("n")
        editor = await settle(pilot, editor_type())
        await pilot.press(*list("small"))
        await pilot.pause()
        area = editor.text_area
        # room for three lines of text, all on screen, and the status line too
        assert area.content_region.height >= 3 and area.content_region.width >= 20, area.content_region
        assert area.region in app.screen.region
        status_line = editor.query_one("#note-status")
        assert status_line.region.height >= 1 and status_line.region in app.screen.region
        assert not status_line.region.overlaps(area.region)
        if size == (40, 12):
            await pilot.press("escape")
            from ldn_tui.tui.screens.note_editor import UnsavedDialog

            dialog = await settle(pilot, UnsavedDialog)
            for button in dialog.query(Button):
                assert button.region.height >= 1 and button.region in app.screen.region, button.id


async def test_ctrl_s_then_ctrl_q_in_one_burst_saves_once_without_error(shipped, tmp_path: Path) -> None:
    app = make_app(shipped, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, editor_type())
        post_keys(app, "typed fast", "ctrl+s", "ctrl+q")
        for _ in range(5):
            await pilot.pause()
    with Store.open(app.data_dir) as store:
        assert [n.text for n in store.notes()] == ["typed fast"]
