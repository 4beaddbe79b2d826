"""The reader, the notes screen and the note editor on an in-memory notebook.

The real app runs with a :class:`fakes.FakeNotebook` in place of its
Notebook, so these tests can make what is hard to make with a real file: a
save that fails or comes back as a conflict, a delete that fails, a
read-only session, a ``changed`` callback while the editor is open. Each
checks what the reader sees (the status line, the toasts, the list) and
that no text is lost: it is in the editor, in the notebook, or in a draft.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import READ_ONLY, FakeNotebook, app_with
from helpers import SIZE, ready, record_notifications

from ldn_tui.notes import drafts_dir
from ldn_tui.tui.screens.dialogs import ConfirmDialog, MessageDialog
from ldn_tui.tui.screens.note_editor import NoteEditor, UnsavedDialog
from ldn_tui.tui.screens.notes import NotesScreen
from ldn_tui.tui.screens.reader import ReaderScreen


@pytest.fixture
def notebook(library, tmp_path: Path) -> FakeNotebook:
    return FakeNotebook(library, tmp_path / "data")


async def on(pilot, kind: type):
    """Let the app settle; the active screen must be a ``kind``; return it."""
    for _ in range(200):
        await pilot.pause()
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
    raise AssertionError(f"{pilot.app.screen!r} is not a {kind.__name__}")


def status(editor: NoteEditor) -> str:
    return str(editor.query_one("#note-status").render())


def rows(screen: NotesScreen) -> list[str]:
    return [o.prompt.plain for o in screen.entry_list.options if o.prompt is not None]


def texts(notebook: FakeNotebook) -> list[str]:
    return [n.text for n in notebook.notes()]


def drafted(notebook: FakeNotebook) -> list[str]:
    """The text of every draft the editor left on disk."""
    folder = drafts_dir(notebook.data_dir)
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*"))] if folder.is_dir() else []


def errors(told: list[dict]) -> list[str]:
    return [t["message"] for t in told if t.get("severity") == "error"]


# -- the notes screen ---------------------------------------------------------------


async def test_the_notes_screen_lists_the_notebooks_outline(notebook):
    notebook.mark("beta", "details", "Details")
    notebook.add("alpha", "old-heading", "A heading that was removed", "Still mine")
    notebook.add("gone", "x", "From a removed pane", "kept")
    notebook.add("alpha", "background", "Background", "Ask about dose [bold]")
    notebook.mark("alpha", "", "Alpha")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("m")
        screen = await on(pilot, NotesScreen)
        assert rows(screen) == [
            "Alpha",
            "★ Alpha  bookmark",
            "✎ Background  note\nAsk about dose [bold]",
            "✎ A heading that was removed  (orphaned)  note\nStill mine",
            "Beta",
            "★ Details  bookmark",
            "gone  (pane no longer in the content)",
            "✎ From a removed pane  (orphaned)  note\nkept",
        ]
        assert "2 bookmarks, 3 notes" in str(screen.query_one("#notes-count").render())


async def test_a_failed_delete_on_the_notes_screen_keeps_the_note(notebook):
    note = notebook.add("alpha", "background", "Background", "Ask about dose")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        told = record_notifications(app)
        await pilot.press("m")
        screen = await on(pilot, NotesScreen)
        notebook.fail_next["delete_note"] = "Your change was not saved (disk full)."
        await pilot.press("down", "d")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        await on(pilot, NotesScreen)
        assert ("delete_note", (note.id,)) in notebook.calls
        assert texts(notebook) == ["Ask about dose"]
        assert "✎ Background  note\nAsk about dose" in rows(screen)
        assert errors(told) == ["Your change was not saved (disk full)."]
        assert not any("deleted" in t["message"] for t in told)
        assert screen.check_action("undo_delete", ()) is False  # nothing to undo

        # The same delete, working: gone from the list, and u brings it back.
        await pilot.press("d")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        await on(pilot, NotesScreen)
        assert texts(notebook) == [] and "Nothing" not in rows(screen)[0] and "No bookmarks" in rows(screen)[0]
        await pilot.press("u")
        await pilot.pause()
        assert notebook.notes() == [note]
        assert "✎ Background  note\nAsk about dose" in rows(screen)


async def test_a_note_deleted_elsewhere_is_not_opened(notebook):
    note = notebook.add("alpha", "background", "Background", "Ask about dose")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        told = record_notifications(app)
        await pilot.press("m")
        screen = await on(pilot, NotesScreen)
        notebook.delete_elsewhere(note.id)
        await pilot.press("down", "e")
        await pilot.pause()
        assert app.screen is screen
        assert any("no longer there" in t["message"] for t in told)
        assert "No bookmarks or notes yet" in rows(screen)[0]


# -- the note editor ------------------------------------------------------------------


async def test_a_failed_save_keeps_the_text_and_a_draft(notebook):
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        told = record_notifications(app)
        await pilot.press("n")
        editor = await on(pilot, NoteEditor)
        await pilot.press(*"precious words")
        notebook.fail_next["save_edit"] = "Your change could not be saved (No space left on device)."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor and editor.text == "precious words" and editor.dirty
        assert "Not saved. Your text is still here" in status(editor)
        assert errors(told) == ["Your change could not be saved (No space left on device)."]
        assert texts(notebook) == []
        assert any("precious words" in draft for draft in drafted(notebook))

        await pilot.press("ctrl+s")  # the disk has room again
        await pilot.pause()
        assert texts(notebook) == ["precious words"] and not editor.dirty
        assert "Saved at" in status(editor)
        assert drafted(notebook) == []  # saved: the draft is gone


async def test_a_save_that_conflicts_keeps_both_versions(notebook):
    note = notebook.add("alpha", "", "Alpha", "first")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        told = record_notifications(app)
        await pilot.press("n")
        editor = await on(pilot, NoteEditor)
        assert editor.note == note
        notebook.edit_elsewhere(note.id, "changed in another window")
        await pilot.press(*" and mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor and editor.text == "first and mine" and not editor.dirty
        assert "conflict copy" in status(editor)
        assert any(t.get("title") == "Saved as a copy" for t in told)
        original, copy = notebook.notes()
        assert (original.id, original.text) == (note.id, "changed in another window")
        assert copy.text == "first and mine" and copy.heading == "Alpha (conflict copy)"

        # The editor now holds the copy: saving again changes it, not the original.
        await pilot.press(*"!")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [(n.id, n.text) for n in notebook.notes()] == [
            (note.id, "changed in another window"),
            (copy.id, "first and mine!"),
        ]


async def test_a_save_of_a_note_deleted_elsewhere_makes_a_new_one(notebook):
    note = notebook.add("alpha", "", "Alpha", "first")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n")
        editor = await on(pilot, NoteEditor)
        notebook.delete_elsewhere(note.id)
        await pilot.press(*" again")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [saved] = notebook.notes()
        assert saved.id != note.id and saved.text == "first again" == editor.text
        assert "Saved as a new note" in status(editor)


async def test_a_failed_delete_in_the_editor_keeps_it_open(notebook):
    note = notebook.add("alpha", "", "Alpha", "keep me")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        told = record_notifications(app)
        await pilot.press("n")
        editor = await on(pilot, NoteEditor)
        notebook.fail_next["delete_note"] = "Your change was not saved: the notes file is locked."
        await pilot.press("ctrl+d")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        assert await on(pilot, NoteEditor) is editor
        assert editor.text == "keep me" and notebook.notes() == [note]
        assert errors(told) == ["Your change was not saved: the notes file is locked."]
        assert not any(t["message"] == "Note deleted." for t in told)


async def test_a_read_only_notebook_says_so_and_loses_nothing(library, tmp_path):
    warning = "Your notes file was written by a newer ldn-tui, so this session cannot save."
    notebook = FakeNotebook(library, tmp_path / "data", read_only=True, warning=warning)
    note = notebook.add("alpha", "", "Alpha", "written before")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        dialog = await on(pilot, MessageDialog)  # told at start, in a dialog to dismiss
        assert warning in " ".join(str(w.render()) for w in dialog.query("Static"))
        await pilot.press("enter")
        await on(pilot, ReaderScreen)
        told = record_notifications(app)

        await pilot.press("b")
        await pilot.pause()
        assert errors(told) == [READ_ONLY] and notebook.bookmarks() == []
        assert not any("Bookmarked" in t["message"] for t in told)

        await pilot.press("n")
        editor = await on(pilot, NoteEditor)
        assert "cannot be saved in this session" in status(editor)
        await pilot.press(*" and more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert editor.text == "written before and more" and "Not saved" in status(editor)
        await pilot.press("escape")
        await on(pilot, UnsavedDialog)
        await pilot.press("s")  # save and close: cannot, so it stays open
        assert await on(pilot, NoteEditor) is editor
        assert editor.text == "written before and more"
        assert notebook.notes() == [note]  # nothing was changed
        await pilot.press("ctrl+q")  # quitting mid-edit
    assert any("written before and more" in draft for draft in drafted(notebook))  # kept for next time


async def test_a_change_arriving_while_the_editor_is_open_loses_nothing(notebook):
    note = notebook.add("alpha", "background", "Background", "Ask about dose")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("m")
        screen = await on(pilot, NotesScreen)
        await pilot.press("down", "e")
        editor = await on(pilot, NoteEditor)
        await pilot.press(*" at night")

        # Something else changes the notebook meanwhile and says so.
        notebook.mark("alpha", "deeper", "Deeper")
        notebook.announce()
        await pilot.pause()
        assert app.screen is editor and app.focused is editor.text_area
        assert editor.text == "Ask about dose at night" and editor.dirty
        assert "Unsaved changes" in status(editor)
        assert app.reader.view.markers == {"background": "✎", "deeper": "★"}  # the reader redrew

        await pilot.press(*"!", "ctrl+s")
        await pilot.pause()
        assert [(n.id, n.text) for n in notebook.notes()] == [(note.id, "Ask about dose at night!")]
        await pilot.press("escape")
        assert await on(pilot, NotesScreen) is screen  # and the list shows both changes
        assert rows(screen) == ["Alpha", "✎ Background  note\nAsk about dose at night!", "★ Deeper  bookmark"]


# -- the reader -------------------------------------------------------------------------


async def test_the_reader_shows_and_changes_the_notebook(notebook):
    notebook.add("alpha", "background", "Background", "Ask about dose")
    notebook.mark("alpha", "deeper", "Deeper")
    app = app_with(notebook)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.reader.view.markers == {"background": "✎", "deeper": "★"}
        told = record_notifications(app)

        await pilot.press("b")  # the top of alpha
        await pilot.pause()
        assert notebook.calls[-1] == ("toggle_bookmark", ("alpha", "", "Alpha"))
        assert app.reader.view.markers == {"": "★", "background": "✎", "deeper": "★"}
        assert any(t["message"] == "Bookmarked: Alpha" for t in told)

        notebook.fail_next["toggle_bookmark"] = "Your change was not saved: the notes file is busy."
        await pilot.press("b")
        await pilot.pause()
        assert errors(told) == ["Your change was not saved: the notes file is busy."]
        assert not any("removed" in t["message"] for t in told)
        assert app.reader.view.markers[""] == "★"  # still bookmarked, still shown

        await pilot.press("p")  # the notes panel lists the pane's notes
        await pilot.pause()
        from ldn_tui.tui.widgets.notes_panel import NotesPanel

        panel = app.reader.query_one(NotesPanel)
        assert [o.prompt.plain for o in panel.options if o.id] == ["Background\nAsk about dose"]
