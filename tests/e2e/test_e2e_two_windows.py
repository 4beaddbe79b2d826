"""Two real app windows on one notes file (reliability findings F4, F5).

Two installed ``ldn-tui`` processes, each in its own tmux terminal, share a
data directory. Edit against edit: both open the same note, each types
different text, A saves, then B saves: both texts survive (B's as a
"conflict copy", and B is told so). Edit against delete: A deletes the note
while B edits it, then B quits without saving: B's text is kept as a new
note. What is stored is read back through the app's own JSON backup.
"""

from __future__ import annotations

import pytest

from e2e.conftest import Installed, write_state
from e2e.test_e2e_notes import EDITOR, close_editor, open_editor, quit_app

pytestmark = pytest.mark.e2e


def texts(installed: Installed, data) -> list[str]:
    return sorted(note["text"] for note in installed.notes(data))


def test_two_windows_edit_and_delete_the_same_note_and_nothing_is_lost(installed: Installed, terminal, tmp_path):
    data = write_state(tmp_path / "data", notice_seen=True)
    a = terminal(size=(100, 30), data_dir=data)
    a.wait_for("Last reviewed", what="window A's first pane")
    open_editor(a)
    a.type("base", delay=0.03)
    a.wait_for("base")
    a.keys("C-s")
    a.wait_for("Saved", what="A's first save")
    close_editor(a)
    assert texts(installed, data) == ["base"]

    b = terminal(size=(100, 30), data_dir=data)
    b.wait_for("Last reviewed", what="window B's first pane")

    # -- edit against edit (F4) ------------------------------------------------
    for term in (a, b):
        open_editor(term)
        term.wait_for("base", what="the stored note in the editor")
    a.type(" A-edit", delay=0.03)
    b.type(" B-edit", delay=0.03)
    a.wait_for("base A-edit")
    b.wait_for("base B-edit")
    a.keys("C-s")
    a.wait_for("Saved", what="A's save")
    b.keys("C-s")
    screen = b.wait_for("conflict copy", what="B being told its save is a conflict copy")
    assert "Both are kept" in screen.text or "both" in screen.text.lower(), screen.text
    close_editor(a)
    close_editor(b)
    notes = installed.notes(data)
    assert sorted(n["text"] for n in notes) == ["base A-edit", "base B-edit"]
    copy = next(n for n in notes if n["text"] == "base B-edit")
    assert copy["heading"].endswith("(conflict copy)"), copy
    original = next(n for n in notes if n["text"] == "base A-edit")
    assert not original["heading"].endswith("(conflict copy)"), original

    # -- edit against delete (F5) ----------------------------------------------
    # both open the heading's latest note (the same one in both windows)
    for term in (a, b):
        open_editor(term)
        term.wait_for(lambda s: "base A-edit" in s.text or "base B-edit" in s.text, what="the note in the editor")
    editing = "base B-edit" if "base B-edit" in b.text() else "base A-edit"
    b.type(" then-unsaved", delay=0.03)
    b.wait_for(f"{editing} then-unsaved")
    a.keys("C-d")
    a.wait_for("Delete", what="A's delete prompt")
    a.keys("y")
    a.wait_gone(EDITOR)
    assert editing not in texts(installed, data)  # deleted on disk
    b.keys("C-q")  # B quits with its edit unsaved
    status = b.wait_exit()
    history = b.history_text()
    assert status in (0, None) and "Traceback" not in history, history[-3000:]
    quit_app(a)

    kept = texts(installed, data)
    assert f"{editing} then-unsaved" in kept, kept
    other = "base A-edit" if editing == "base B-edit" else "base B-edit"
    assert other in kept, kept  # the note nobody deleted is still there
    assert len(kept) == 2, kept
