"""The headless Notebook between the screens and the store: reads come from a
snapshot (no file lock on a pane switch), a change is one locked write, a
change made by another window is seen, and a failure is one line to the
``failed`` listeners, never an exception into a screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldn_tui.content import load_library
from ldn_tui.notebook import Notebook
from ldn_tui.notes import Store, StoreError

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"


@pytest.fixture
def library():
    return load_library(FIXTURE)


@pytest.fixture
def notebook(library, tmp_path):
    book = Notebook(library, tmp_path / "data")
    yield book
    book.close()


class LockCounter:
    """Counts the store's inter-process lock acquisitions."""

    def __init__(self, store: Store, monkeypatch) -> None:
        self.count = 0
        lock = store._lock
        real = lock.acquire

        def counting(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(lock, "acquire", counting)


def test_markers_and_notes_come_from_the_snapshot_without_a_lock(notebook, monkeypatch):
    notebook.toggle_bookmark("alpha", "background", "Background")
    notebook.save_edit("alpha", "deeper", "Deeper", None, "a note", None)
    locks = LockCounter(notebook.store, monkeypatch)
    for _ in range(5):  # five pane switches
        assert notebook.markers("alpha") == {"background": "★", "deeper": "✎"}
        assert notebook.markers("beta") == {}
        assert [n.text for n, _ in notebook.notes_for("alpha")] == ["a note"]
    assert locks.count == 0


def test_a_save_is_one_locked_write_and_listeners_hear_of_it(notebook, monkeypatch):
    notebook.notes()  # the store is opened and the snapshot read
    heard: list[str] = []
    notebook.changed.append(lambda: heard.append("changed"))
    locks = LockCounter(notebook.store, monkeypatch)
    saved = notebook.save_edit("alpha", "deeper", "Deeper", None, "first", None)
    assert saved is not None and saved.outcome == "added"
    assert locks.count == 1
    assert heard == ["changed"]
    assert notebook.markers("alpha") == {"deeper": "✎"} and locks.count == 1
    assert notebook.delete_note(saved.note.id)
    assert locks.count == 2 and notebook.markers("alpha") == {}
    assert notebook.restore_note(saved.note)
    assert [n for n, _ in notebook.notes_for("alpha")] == [saved.note]


def test_what_another_window_wrote_is_seen(notebook, tmp_path):
    assert notebook.notes() == [] and notebook.markers("alpha") == {}
    with Store.open(tmp_path / "data") as other:
        other.add_note("alpha", "deeper", "Deeper", "from the other window")
    assert notebook.markers("alpha") == {"deeper": "✎"}
    # and a save here after the other window wrote keeps both
    notebook.save_edit("alpha", "background", "Background", None, "mine", None)
    assert {n.text for n in notebook.notes()} == {"from the other window", "mine"}


def test_a_failure_is_one_line_to_the_listeners_and_nothing_raises(notebook, monkeypatch):
    said: list[str] = []
    notebook.failed.append(said.append)

    def broken(*args, **kwargs):
        raise StoreError("The disk is full; your note was not saved.")

    monkeypatch.setattr(notebook.store, "save_edit", broken)
    monkeypatch.setattr(notebook.store, "toggle_bookmark", broken)
    monkeypatch.setattr(notebook.store, "delete_note", broken)
    assert notebook.save_edit("alpha", "", "Alpha", None, "text", None) is None
    assert notebook.toggle_bookmark("alpha", "", "Alpha") is None
    assert notebook.delete_note("nope") is False
    assert said == ["The disk is full; your note was not saved."] * 3


def test_the_outline_and_places(notebook):
    notebook.save_edit("alpha", "gone-heading", "Gone", None, "orphan", None)
    notebook.save_edit("beta", "", "Beta", None, "top", None)
    outline = notebook.outline()
    assert [group.pane_id for group in outline.panes] == ["beta"]
    assert [section.heading for section in outline.orphans] == ["Gone"]
    assert ("alpha", "") in notebook.known_places()
    assert notebook.note_at("beta", "").text == "top"
