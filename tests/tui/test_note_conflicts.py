"""Two windows on one notes file (reliability.md F4, F5): a save never
silently overwrites another window's save, and an edit of a note deleted
elsewhere is kept as a new note -- on ctrl+s and on quit.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import edit_note, ready, seen_data_dir

from ldn_tui.content.library import load_library
from ldn_tui.notes import Store
from ldn_tui.notes.store import CONFLICT_MARK
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

SIZE = (100, 30)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two(tmp_path: Path):
    a, b = Store.open(tmp_path), Store.open(tmp_path)
    yield a, b
    a.close()
    b.close()


def test_save_edit_keeps_both_versions(two) -> None:
    a, b = two
    base = a.add_note("p", "s", "Heading", "base")
    b_note, b_outcome = b.save_edit(base.id, base.updated, "p", "s", "Heading", "base B-edit")
    a_note, a_outcome = a.save_edit(base.id, base.updated, "p", "s", "Heading", "base A-edit")
    assert (b_outcome, a_outcome) == ("updated", "conflict")
    assert {n.text: n.heading for n in a.notes()} == {
        "base B-edit": "Heading",
        "base A-edit": "Heading" + CONFLICT_MARK,
    }
    # The copy is a note like any other: it can be saved again without a new conflict.
    again, outcome = a.save_edit(a_note.id, a_note.updated, "p", "s", a_note.heading, "base A-edit 2")
    assert outcome == "updated" and again.heading.endswith(CONFLICT_MARK)
    assert not again.heading.endswith(CONFLICT_MARK * 2)


def test_save_edit_of_a_note_deleted_elsewhere_recreates_it(two) -> None:
    a, b = two
    base = a.add_note("p", "s", "Heading", "base")
    assert b.delete_note(base.id)
    note, outcome = a.save_edit(base.id, base.updated, "p", "s", "Heading", "base A-edit")
    assert outcome == "recreated" and note.id != base.id
    assert [n.text for n in b.notes()] == ["base A-edit"]


def test_an_unchanged_save_is_not_a_conflict(two) -> None:
    a, b = two
    base = a.add_note("p", "s", "Heading", "same")
    edit_note(b, base.id, "changed")
    edit_note(b, base.id, "same")  # back to what A holds
    note, outcome = a.save_edit(base.id, base.updated, "p", "s", "Heading", "same")
    assert outcome == "unchanged" and [n.text for n in a.notes()] == ["same"]


WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from ldn_tui.notes.store import Store
    data, note_id, base, label, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    store = Store.open(data)
    sys.stdin.readline()  # go
    for i in range(rounds):
        text = f"{{label}} edit {{i}}"
        note, outcome = store.save_edit(note_id, base, "p", "s", "Heading", text)
        base = note.updated if outcome != "conflict" else base
        note_id = note.id if outcome != "conflict" else note_id
        print(outcome, text, flush=True)
    store.close()
    """
)


def test_two_processes_never_lose_a_confirmed_save(tmp_path: Path) -> None:
    """Two processes edit one note as fast as they can, each from the version
    it last saved: every save they were told succeeded is on disk (the
    latest text of the note, or a conflict copy)."""
    with Store.open(tmp_path) as store:
        base = store.add_note("p", "s", "Heading", "base")
    script = WORKER.format(root=str(ROOT))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path), base.id, base.updated, label, "40"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for label in ("A", "B")
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    with Store.open(tmp_path) as store:
        texts = [n.text for n in store.notes()]
    conflicts = 0
    for output in outputs:
        lines = output.splitlines()
        assert len(lines) == 40
        for line in lines:
            outcome, text = line.split(" ", 1)
            conflicts += outcome == "conflict"
        # each process's last saved text survives (overwritten only by its own later saves)
        last = lines[-1].split(" ", 1)[1]
        assert last in texts, (last, texts)
    for output in outputs:
        for line in output.splitlines():
            outcome, text = line.split(" ", 1)
            if outcome == "conflict":
                assert text in texts  # a conflict copy is never overwritten by the other side
    assert len(texts) == 1 + conflicts


def test_two_processes_edit_against_delete(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        base = store.add_note("p", "s", "Heading", "base")
    deleter = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
         "from ldn_tui.notes.store import Store\n"
         f"s = Store.open({str(tmp_path)!r}); print(s.delete_note({base.id!r})); s.close()"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert deleter.stdout.strip() == "True", deleter.stderr
    with Store.open(tmp_path) as store:
        note, outcome = store.save_edit(base.id, base.updated, "p", "s", "Heading", "base A-edit")
        assert outcome == "recreated" and [n.text for n in store.notes()] == ["base A-edit"]


# -- the editor -----------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def editor_type():
    from ldn_tui.tui.screens.note_editor import NoteEditor

    return NoteEditor


async def open_editor(pilot):
    await ready(pilot)
    await pilot.press("n")
    for _ in range(50):
        await pilot.pause()
        if isinstance(pilot.app.screen, editor_type()):
            return pilot.app.screen
    raise AssertionError(pilot.app.screen)


async def test_editor_save_after_another_window_saved_makes_a_conflict_copy(shipped, tmp_path: Path) -> None:
    data = seen_data_dir(tmp_path / "data")
    app = create_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot)
        await pilot.press(*"base", "ctrl+s")
        await pilot.pause()
        [base] = app.store.notes()
        with Store.open(data) as other:  # window B
            edit_note(other, base.id, "base B-edit")
        await pilot.press(*" A-edit", "ctrl+s")
        await pilot.pause()
        notes = {n.text: n.heading for n in app.store.notes()}
        assert set(notes) == {"base B-edit", "base A-edit"}
        assert notes["base A-edit"].endswith(CONFLICT_MARK)
        assert "conflict copy" in str(editor.query_one("#note-status").render())
        # The editor now edits the copy: later saves update it.
        await pilot.press(*"!", "ctrl+s")
        await pilot.pause()
        assert {n.text for n in app.store.notes()} == {"base B-edit", "base A-edit!"}


async def test_quit_with_an_unsaved_edit_of_a_note_deleted_elsewhere_keeps_it(shipped, tmp_path: Path) -> None:
    data = seen_data_dir(tmp_path / "data")
    app = create_app(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot)
        await pilot.press(*"base", "ctrl+s")
        await pilot.pause()
        [base] = app.store.notes()
        await pilot.press(*" A-edit-unsaved-then-quit")
        with Store.open(data) as other:  # window B deletes it
            assert other.delete_note(base.id)
        await pilot.press("ctrl+q")
    with Store.open(data) as store:
        assert [n.text for n in store.notes()] == ["base A-edit-unsaved-then-quit"]
