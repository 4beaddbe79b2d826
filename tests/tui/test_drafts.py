"""Durable drafts (ux-defects D2): the open editor's text survives the window
being closed (SIGHUP) or the process stopped (SIGTERM), and is offered back
on the next start -- restored, saved or discarded, never silently dropped.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from helpers import edit_note, ready, seen_data_dir
from textual.widgets import Button

from ldn_tui.content.library import load_library
from ldn_tui.notes import drafts
from ldn_tui.notes.store import Store
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import LdnApp, create_app
from ldn_tui.tui.screens.reader import ReaderScreen

SIZE = (100, 30)
TEXT = "unsaved then terminal closed [bold]x[/] \x1b[31m ✎ ünïcode"


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def editor_type():
    from ldn_tui.tui.screens.note_editor import NoteEditor

    return NoteEditor


def dialog_type():
    from ldn_tui.tui.screens.draft_dialog import DraftDialog

    return DraftDialog


async def settle(pilot, kind: type):
    for _ in range(100):
        await pilot.pause()
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
    raise AssertionError(f"{pilot.app.screen} is not a {kind.__name__}")


def draft_files(data_dir: Path) -> list[Path]:
    folder = drafts.drafts_dir(data_dir)
    return sorted(folder.glob("draft-*.json")) if folder.is_dir() else []


# -- the module -------------------------------------------------------------------


def test_write_read_remove_round_trip(tmp_path: Path) -> None:
    path = drafts.new_path(tmp_path)
    draft = drafts.Draft("pane", "slug", "Heading", "id1", "2026-01-01T00:00:00+00:00", TEXT, pid=1 << 30)
    drafts.write(path, draft)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert drafts.read(path) == draft and drafts.read(path).path == path
    assert drafts.left_behind(tmp_path) == [draft]
    drafts.remove(path)
    drafts.remove(path)  # twice is fine
    assert drafts.left_behind(tmp_path) == []


def test_drafts_of_a_running_window_are_not_offered(tmp_path: Path) -> None:
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        mine = drafts.Draft("p", "", "H", None, None, "mine, from a session that ended", pid=os.getpid())
        theirs = drafts.Draft("p", "", "H", None, None, "still being edited", pid=other.pid)
        drafts.write(drafts.new_path(tmp_path), mine)
        drafts.write(drafts.new_path(tmp_path), theirs)
        assert [d.text for d in drafts.left_behind(tmp_path)] == [mine.text]
    finally:
        other.kill()
        other.wait()
    assert sorted(d.text for d in drafts.left_behind(tmp_path)) == sorted([mine.text, theirs.text])


def test_unreadable_files_are_left_alone(tmp_path: Path) -> None:
    folder = drafts.drafts_dir(tmp_path)
    folder.mkdir()
    (folder / "draft-bad.json").write_text("{not json", encoding="utf-8")
    (folder / "draft-future.json").write_text(json.dumps({"format": 99}), encoding="utf-8")
    assert drafts.left_behind(tmp_path) == []
    assert len(list(folder.iterdir())) == 2


def test_draft_write_is_all_or_nothing(tmp_path: Path, monkeypatch) -> None:
    """The write goes through the shared atomic helper: a failure mid-write
    leaves the previous draft whole and no temporary file behind."""
    path = drafts.new_path(tmp_path)
    first = drafts.Draft("p", "", "H", None, None, "first version", pid=1 << 30)
    drafts.write(path, first)

    def broken(fd, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(drafts.DraftError, match="disk is full"):
        drafts.write(path, drafts.Draft("p", "", "H", None, None, "second", pid=1 << 30))
    monkeypatch.undo()
    assert drafts.read(path) == first
    assert [p.name for p in path.parent.iterdir()] == [path.name]


# -- the editor keeps its draft ---------------------------------------------------------


def make_app(shipped, data_dir: Path) -> LdnApp:
    return create_app(shipped, data_dir)


async def test_editor_writes_its_draft_and_clears_it_when_saved(shipped, tmp_path: Path) -> None:
    data = seen_data_dir(tmp_path / "data")
    app = make_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, editor_type())
        await pilot.press(*"draft text")
        await pilot.pause(drafts.DRAFT_DELAY + 0.3)
        [path] = draft_files(data)
        assert drafts.read(path).text == "draft text"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert draft_files(data) == []
        await pilot.press(*" more")
        await pilot.pause(drafts.DRAFT_DELAY + 0.3)
        [path] = draft_files(data)
        draft = drafts.read(path)
        assert draft.text == "draft text more" and draft.note_id == app.store.notes()[0].id
        assert draft.base_updated == app.store.notes()[0].updated
        await pilot.press("escape")
        from ldn_tui.tui.screens.note_editor import UnsavedDialog

        await settle(pilot, UnsavedDialog)
        await pilot.press("d")  # discard: the draft goes too
        await settle(pilot, ReaderScreen)
        assert draft_files(data) == []
        assert [n.text for n in app.store.notes()] == ["draft text"]


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
async def test_signal_keeps_the_draft_and_the_next_start_offers_it(shipped, tmp_path: Path, signum) -> None:
    data = seen_data_dir(tmp_path / "data")
    app = make_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = await settle(pilot, editor_type())
        editor.text_area.insert(TEXT)
        await pilot.pause()
        os.kill(os.getpid(), signum)  # no pause: the draft is written at once
        for _ in range(50):
            await pilot.pause()
            if app.return_code is not None:
                break
    assert app.return_code == 128 + signum
    [path] = draft_files(data)
    assert drafts.read(path).text == TEXT
    # Marked as left behind at once: a start while this process is still
    # shutting down offers it (the window is gone; nobody edits it any more).
    assert drafts.read(path).pid == 0
    with Store.open(data) as store:
        assert store.notes() == []  # kept as a draft, to be offered; not saved unasked

    # The next start offers it; enter (the default) restores it into the editor.
    again = make_app(shipped, data)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        dialog = await settle(pilot, dialog_type())
        assert isinstance(again.focused, Button) and again.focused.id == "restore"
        assert dialog.draft.text == TEXT
        await pilot.press("enter")
        editor = await settle(pilot, editor_type())
        assert editor.text == TEXT and editor.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.text for n in again.store.notes()] == [TEXT]
        assert draft_files(data) == []


async def test_offered_draft_can_be_saved_kept_for_later_or_discarded(shipped, tmp_path: Path) -> None:
    data = seen_data_dir(tmp_path / "data")
    with Store.open(data) as store:
        note = store.add_note("about", "", "About", "the note as stored")
    for text in ("save me", "later", "discard me"):
        drafts.write(
            drafts.new_path(data), drafts.Draft("about", "", "About", note.id, note.updated, text, pid=1 << 30)
        )
        os.utime(draft_files(data)[-1])  # oldest first
    app = make_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        seen = []
        for key in ("s", "escape", "d"):
            dialog = await settle(pilot, dialog_type())
            seen.append(dialog.draft.text)
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot, ReaderScreen)
        by_text = {d.text: d for d in drafts.left_behind(data)}
        saved = {n.text for n in app.store.notes()}
    assert set(seen) == {"save me", "later", "discard me"}
    # "save" updated the note (unchanged since the draft), "later" kept its
    # file, "discard" removed only its own.
    assert {seen[0]} <= saved
    assert set(by_text) == {seen[1]}


async def test_draft_of_a_note_changed_since_becomes_a_conflict_copy(shipped, tmp_path: Path) -> None:
    data = seen_data_dir(tmp_path / "data")
    with Store.open(data) as store:
        note = store.add_note("about", "", "About", "version 1")
        edit_note(store, note.id, "version 2 from another window")
    drafts.write(
        drafts.new_path(data), drafts.Draft("about", "", "About", note.id, note.updated, "my draft", pid=1 << 30)
    )
    app = make_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot, dialog_type())
        await pilot.press("s")
        await settle(pilot, ReaderScreen)
        notes = {n.text: n for n in app.store.notes()}
    assert set(notes) == {"version 2 from another window", "my draft"}
    assert notes["my draft"].heading.endswith("(conflict copy)")
    assert draft_files(data) == []


@pytest.mark.parametrize("size", [(40, 12), (60, 20), (100, 30)])
async def test_draft_dialog_buttons_are_on_screen(shipped, tmp_path: Path, size) -> None:
    data = seen_data_dir(tmp_path / "data")
    long_text = "\n".join(f"line {i} of a long draft" for i in range(60))
    drafts.write(drafts.new_path(data), drafts.Draft("about", "", "About", None, None, long_text, pid=1 << 30))
    app = make_app(shipped, data)
    async with app.run_test(size=size) as pilot:
        dialog = await settle(pilot, dialog_type())
        await pilot.pause()
        screen = app.screen.region
        for button in dialog.query(Button):
            assert button.region.height >= 1 and button.region in screen, (button.id, button.region)


def test_a_draft_error_shows_a_hostile_path_as_visible_text(tmp_path):
    # a data folder named with an escape sequence: the message names it, safely
    folder = tmp_path / "notes\x1b]52;c;eA==\x07"
    folder.mkdir()
    blocker = folder / "draft.json"
    blocker.mkdir()  # a folder where the draft file should be: it cannot be removed
    (blocker / "x").write_text("x")
    with pytest.raises(drafts.DraftError) as raised:
        drafts.remove(blocker)
    message = str(raised.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "notes␛]52;c;eA==␇" in message
