"""Every write of the notes file is durable, checked by the order of its system calls.

A SIGKILL keeps the page cache, so the kill tests (test_store_durability.py,
test_store_kills.py) pass with every ``fsync`` removed (reliability review
§9: two mutants survived). Here every ``os`` call the store makes is
recorded, and each write must be: write the new bytes to a temporary file,
``fsync`` it, ``os.replace`` it over the notes file, ``fsync`` the folder.
A backup (before a repair or a migration) must be complete and durable
under its name before the notes file is replaced. The notes file itself is
never opened for writing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import edit_note

from ldn_tui.notes import DB_NAME, Store
from ldn_tui.notes.models import Bookmark, Note

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_TRUNC


class Recorder:
    """Wraps ``os`` functions; ``events`` holds ``(call, path, ...)`` in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple] = []
        self.fds: dict[int, str] = {}
        real = {
            name: getattr(os, name)
            for name in ("open", "write", "fsync", "replace", "rename", "link", "close", "ftruncate")
        }

        def _open(path, flags, *args, **kwargs):
            fd = real["open"](path, flags, *args, **kwargs)
            self.fds[fd] = os.fspath(path) if not isinstance(path, int) else str(path)
            self.events.append(("open", self.fds[fd], flags))
            return fd

        def _write(fd, data):
            self.events.append(("write", self.fds.get(fd, fd)))
            return real["write"](fd, data)

        def _fsync(fd):
            self.events.append(("fsync", self.fds.get(fd, fd)))
            return real["fsync"](fd)

        def _replace(src, dst, *args, **kwargs):
            self.events.append(("replace", os.fspath(src), os.fspath(dst)))
            return real["replace"](src, dst, *args, **kwargs)

        def _rename(src, dst, *args, **kwargs):
            self.events.append(("rename", os.fspath(src), os.fspath(dst)))
            return real["rename"](src, dst, *args, **kwargs)

        def _link(src, dst, *args, **kwargs):
            self.events.append(("link", os.fspath(src), os.fspath(dst)))
            return real["link"](src, dst, *args, **kwargs)

        def _close(fd):
            self.events.append(("close", self.fds.pop(fd, fd)))
            return real["close"](fd)

        def _ftruncate(fd, length):
            self.events.append(("ftruncate", self.fds.get(fd, fd)))
            return real["ftruncate"](fd, length)

        for name, fake in (("open", _open), ("write", _write), ("fsync", _fsync), ("replace", _replace),
                           ("rename", _rename), ("link", _link), ("close", _close), ("ftruncate", _ftruncate)):  # fmt: skip
            monkeypatch.setattr(os, name, fake)

    def index(self, event: tuple, after: int = -1) -> int:
        """Position of the first ``event`` after position ``after`` (-1 if none)."""
        for i in range(after + 1, len(self.events)):
            if self.events[i] == event:
                return i
        return -1


def assert_durable_replace(rec: Recorder, db: Path) -> int:
    """write(tmp)... -> fsync(tmp) -> replace(tmp, db) -> fsync(folder); returns
    the position of the replace. Nothing writes to the notes file itself."""
    db_s, folder = str(db), str(db.parent)
    for event in rec.events:
        assert not (event[0] == "open" and event[1] == db_s and event[2] & WRITE_FLAGS), "opened for writing"
        assert not (event[0] in ("write", "ftruncate") and event[1] == db_s), "written in place"
    replaces = [i for i, e in enumerate(rec.events) if e[0] == "replace" and e[2] == db_s]
    assert len(replaces) == 1, f"expected one os.replace onto the notes file, got {len(replaces)}"
    at = replaces[0]
    tmp = rec.events[at][1]
    assert Path(tmp).parent == db.parent, "the temporary file must be beside the notes file"
    writes = [i for i, e in enumerate(rec.events) if e == ("write", tmp)]
    assert writes, "the new bytes were not written to the temporary file"
    synced = rec.index(("fsync", tmp), writes[-1])
    assert synced != -1 and synced < at, "the temporary file must be fsync-ed after its last write, before the replace"
    assert rec.index(("fsync", folder), at) != -1, "the folder must be fsync-ed after the replace"
    return at


def assert_durable_backup(rec: Recorder, db: Path, kind: str, before: int) -> None:
    """The backup was written, fsync-ed, linked to its name and its folder
    fsync-ed, all before position ``before`` (the notes file's replace)."""
    folder = str(db.parent)
    links = [i for i, e in enumerate(rec.events) if e[0] == "link" and Path(e[2]).name.startswith(f"{DB_NAME}.{kind}-")]
    assert len(links) == 1, "the backup must appear under its name in one step (a hard link)"
    at = links[0]
    tmp = rec.events[at][1]
    writes = [i for i, e in enumerate(rec.events) if e == ("write", tmp)]
    assert writes and rec.index(("fsync", tmp), writes[-1]) < at, "backup fsync-ed before it gets its name"
    assert rec.index(("fsync", tmp), writes[-1]) != -1
    dir_sync = rec.index(("fsync", folder), at)
    assert dir_sync != -1 and dir_sync < before, "the backup's name must be durable before the notes file is replaced"


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    s.add_note("p", "s", "H", "first")
    s.toggle_bookmark("p", "s", "H")
    yield s
    s.close()


def note_id(store: Store) -> str:
    return store.notes()[0].id


OPERATIONS = {
    "add_note": lambda s: s.add_note("p", "t", "H2", "second"),
    "save_edit": lambda s: edit_note(s, note_id(s), "edited"),
    "delete_note": lambda s: s.delete_note(note_id(s)),
    "set_state": lambda s: s.set_state(theme="x", scroll_y=4),
    "toggle_bookmark": lambda s: s.toggle_bookmark("p", "s", "H"),
    "merge_many (import)": lambda s: s.merge_many(
        [Note("imported1", "p", "u", "H3", "t", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")],
        [Bookmark("p", "u", "H3", "2026-01-01T00:00:00+00:00")],
    ),
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_change_is_written_durably_in_order(store, monkeypatch, operation):
    note_id(store)  # the cache is warm: only the change is recorded
    rec = Recorder(monkeypatch)
    operation(store)
    monkeypatch.undo()
    assert_durable_replace(rec, store.path)


def test_a_new_notes_file_is_created_durably(tmp_path, monkeypatch):
    rec = Recorder(monkeypatch)
    Store.open(tmp_path / "data").close()
    monkeypatch.undo()
    assert_durable_replace(rec, tmp_path / "data" / DB_NAME)


def test_a_repair_keeps_a_durable_backup_before_replacing_the_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    Store.open(data).close()
    db = data / DB_NAME
    db.write_bytes(b'{"meta": {"1": {"schema": 1}}, "notes": {"1": "not a note"}}')
    rec = Recorder(monkeypatch)
    with Store.open(data) as store:
        assert "could not be read" in store.warning
    monkeypatch.undo()
    at = assert_durable_replace(rec, db)
    assert_durable_backup(rec, db, "damaged", at)


def test_a_migration_keeps_a_durable_backup_before_replacing_the_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    db = data / DB_NAME
    old = {"notes": {"1": {"id": "a", "pane_id": "p", "slug": "s", "heading": "H", "text": "t",
                           "created": "2026-01-01T00:00:00+00:00"}}}  # fmt: skip
    db.write_text(json.dumps(old), encoding="utf-8")
    rec = Recorder(monkeypatch)
    with Store.open(data) as store:
        assert store.warning is None and store.notes()[0].updated == "2026-01-01T00:00:00+00:00"
    monkeypatch.undo()
    at = assert_durable_replace(rec, db)
    assert_durable_backup(rec, db, "schema0", at)


def test_the_recorder_sees_a_missing_fsync(tmp_path, monkeypatch):
    """The checker itself: a write without the file's fsync is caught."""
    store = Store.open(tmp_path / "data")
    rec = Recorder(monkeypatch)
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the mutant, applied after the recorder
    store.add_note("p", "s", "H", "x")
    monkeypatch.undo()
    store.close()
    with pytest.raises(AssertionError, match="fsync"):
        assert_durable_replace(rec, tmp_path / "data" / DB_NAME)
