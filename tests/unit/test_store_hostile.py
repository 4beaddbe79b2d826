"""Opening the notes file in odd states (reliability review F26-F33).

Each case: the reader is told the truth in one warning, nothing is lost,
and the file they own is never silently replaced.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURE_CONTENT, edit_note

from ldn_tui.cli import main
from ldn_tui.notes import DB_NAME, Store, StoreError
from ldn_tui.notes import storage as storage_mod
from ldn_tui.notes.session import LOCK_NAME

ROOT = Path(__file__).resolve().parents[2]


def one_note(data: Path, text: str = "mine") -> str:
    with Store.open(data) as store:
        return store.add_note("intro", "s", "Start", text).id


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- F26: a file the reader may not read ------------------------------------------


def test_an_unreadable_file_is_reported_as_unreadable(tmp_path, monkeypatch):
    data = tmp_path / "data"
    one_note(data)
    db = data / DB_NAME
    before = db.read_bytes()
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # what a file of another user gives
        if Path(path) == db:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with Store.open(data) as store:
        assert store.read_only
        assert f"Your notes file {db} could not be read (Permission denied)" in store.warning
        assert "read-only" not in store.warning  # the old, wrong, message
        assert "chmod 600" in store.warning
    monkeypatch.undo()
    assert db.read_bytes() == before


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_an_unreadable_file_is_reported_as_unreadable_for_a_real_other_user(tmp_path):
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="ldn-f26-", dir="/tmp"))  # pytest's own folders are 0700
    os.chmod(top, 0o755)
    try:
        _unreadable_for_another_user(top / "data")
    finally:
        shutil.rmtree(top)


def _unreadable_for_another_user(data: Path) -> None:
    one_note(data)
    os.chown(data, 65534, -1)
    os.chown(data / LOCK_NAME, 65534, -1)  # the database stays root's, 0600
    result = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "ldn_tui",
         "export", "--data-dir", str(data), "-f", "json", "-s", "notes", "-o", "-"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert "could not be read (Permission denied)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# -- F28: no file yet and a full disk -------------------------------------------


def test_a_full_disk_before_the_first_file_says_so_and_saving_retries(tmp_path, monkeypatch):
    data = tmp_path / "data"
    real_write = os.write

    def full(fd, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_mod.os, "write", full)
    store = Store.open(data)
    assert "could not be created (No space left on device)" in store.warning
    assert "could not be read" not in store.warning
    assert not store.read_only and not (data / DB_NAME).exists()
    with pytest.raises(StoreError, match="No space left"):
        store.add_note("intro", "s", "H", "first")
    monkeypatch.setattr(storage_mod.os, "write", real_write)  # space freed
    store.add_note("intro", "s", "H", "first")
    store.close()
    with Store.open(data) as again:
        assert [n.text for n in again.notes()] == ["first"] and again.warning is None


# -- F29: a symbolic link ----------------------------------------------------------


def test_a_symlinked_file_is_followed_not_replaced(tmp_path):
    data, elsewhere = tmp_path / "data", tmp_path / "sync"
    one_note(elsewhere, "old")
    real = elsewhere / "real.json"
    (elsewhere / DB_NAME).rename(real)
    data.mkdir(mode=0o700)
    (data / DB_NAME).symlink_to(real)
    with Store.open(data) as store:
        assert store.warning is None
        store.add_note("intro", "s", "H", "added via the link")
    assert (data / DB_NAME).is_symlink()
    texts = [n["text"] for n in json.loads(real.read_text(encoding="utf-8"))["notes"].values()]
    assert texts == ["old", "added via the link"]
    assert mode(real) == 0o600
    assert not [p for p in elsewhere.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("target", ["missing.json", "folder", "/dev/zero"])
def test_a_link_to_nothing_or_to_no_file_is_reported_and_left_alone(tmp_path, target):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (tmp_path / "folder").mkdir()
    aim = Path(target) if target.startswith("/") else tmp_path / target
    (data / DB_NAME).symlink_to(aim)
    with Store.open(data) as store:
        assert store.read_only
        assert f"is a link to {aim}" in store.warning and "Fix or remove the link" in store.warning
        assert store.notes() == []
    assert (data / DB_NAME).is_symlink() and os.readlink(data / DB_NAME) == str(aim)
    assert not (tmp_path / "missing.json").exists()


def test_a_pipe_in_place_of_the_file_does_not_hang(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    os.mkfifo(data / DB_NAME)
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui", "export", "--data-dir", str(data), "-f", "json", "-s", "all", "-o", "-"],
        capture_output=True, text=True, timeout=30, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISFIFO((data / DB_NAME).lstat().st_mode)


# -- F30: an existing file that others may read --------------------------------------


def test_an_existing_0644_file_and_lock_become_0600_on_open(tmp_path):
    data = tmp_path / "data"
    one_note(data)
    os.chmod(data / DB_NAME, 0o644)
    os.chmod(data / LOCK_NAME, 0o644)
    with Store.open(data) as store:
        assert store.warning is None
        assert mode(data / DB_NAME) == 0o600 and mode(data / LOCK_NAME) == 0o600
        store.notes()


# -- F31: the dry-run warning -----------------------------------------------------------


def test_a_dry_run_names_the_readers_file_and_changes_nothing(tmp_path, capsys):
    data = tmp_path / "data"
    one_note(data)
    db = data / DB_NAME
    db.write_bytes(db.read_bytes()[:-7])  # damaged
    damaged = db.read_bytes()
    export = tmp_path / "in.json"
    fresh = tmp_path / "fresh"
    one_note(fresh, "to import")
    assert main(["export", "--data-dir", str(fresh), "-f", "json", "-s", "notes", "-o", str(export)]) == 0
    capsys.readouterr()
    assert main(["import", "--dry-run", "--data-dir", str(data), str(export)]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert f"Your notes file {db} is damaged" in err and "This dry run left it as it is" in err
    assert "ldn-tui-import-" not in err  # the scratch copy is never named
    assert "would add: 1 note" in out
    assert db.read_bytes() == damaged
    assert sorted(p.name for p in data.iterdir()) == sorted([LOCK_NAME, DB_NAME])


# -- F32: two notes with one id ---------------------------------------------------------


def test_notes_sharing_an_id_get_their_own_and_an_edit_changes_one(tmp_path):
    data = tmp_path / "data"
    one_note(data, "first")
    db = data / DB_NAME
    raw = json.loads(db.read_bytes())
    twin = {**raw["notes"]["1"], "text": "second"}
    raw["notes"]["2"] = twin
    db.write_text(json.dumps(raw), encoding="utf-8")
    with Store.open(data) as store:
        assert "1 of 2 notes shared an id with another note" in store.warning
        notes = store.notes()
        assert [n.text for n in notes] == ["first", "second"]
        assert len({n.id for n in notes}) == 2
        edit_note(store, notes[0].id, "first, edited")
        assert [n.text for n in store.notes()] == ["first, edited", "second"]
    assert len(list(data.glob(f"{DB_NAME}.damaged-*"))) == 1


# -- F33: a lone surrogate in the file -----------------------------------------------------


def test_a_lone_surrogate_does_not_block_the_json_backup_and_other_formats_name_the_note(tmp_path, capsys):
    data = tmp_path / "data"
    one_note(data, "fine")
    db = data / DB_NAME
    with Store.open(data) as store:
        bad_id = store.add_note("intro", "s2", "Dosing", "XXXX").id
    db.write_text(db.read_text(encoding="utf-8").replace("XXXX", "bad \\ud800 text"), encoding="utf-8")
    backup = tmp_path / "backup.json"
    argv = ["export", "--data-dir", str(data), "--content", str(FIXTURE_CONTENT), "-s", "notes"]
    assert main([*argv, "-f", "json", "-o", str(backup)]) == 0
    texts = {n["id"]: n["text"] for n in json.loads(backup.read_bytes().decode("utf-8"))["notes"]}
    assert texts[bad_id] == "bad \ud800 text"  # kept exactly, as the escape it was read from
    capsys.readouterr()
    assert main([*argv, "-f", "md", "-o", str(tmp_path / "x.md")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "the note on 'Dosing'" in err and bad_id in err and "U+D800" in err


# -- F14/F15 in the file itself: huge numbers, NaN ------------------------------------------


@pytest.mark.parametrize(
    "value", ["9" * 5001, "NaN", "-Infinity", "1e400"], ids=["5001 digits", "NaN", "-Infinity", "1e400"]
)
def test_a_huge_number_or_nan_in_the_file_is_named_and_the_rest_kept(tmp_path, value):
    data = tmp_path / "data"
    one_note(data, "kept")
    db = data / DB_NAME
    raw = json.loads(db.read_bytes())
    raw["state"] = {"1": {"notice_seen": True, "odd": "@V@", "fine": 1}}
    text = json.dumps(raw).replace('"@V@"', value)
    db.write_text(text, encoding="utf-8")
    with Store.open(data) as store:
        assert "the app state value 'odd' could not be read" in store.warning
        assert [n.text for n in store.notes()] == ["kept"]
        assert store.state().extra == {"fine": 1} and store.state().notice_seen
        store.add_note("intro", "s", "H", "new")
    assert [p.read_text(encoding="utf-8") for p in data.glob(f"{DB_NAME}.damaged-*")] == [text]


# -- F27 in the app: a lock held at start-up ------------------------------------------------


async def test_the_app_starts_with_the_file_locked_and_shows_the_notes_once_it_is_free(tmp_path, app, monkeypatch):
    import fcntl

    from helpers import ready, seen_data_dir

    from ldn_tui.notes import session as store_session

    data = seen_data_dir(tmp_path / "data")
    one_note(data, "kept")
    monkeypatch.setattr(store_session, "OPEN_LOCK_TIMEOUT", 0.1)
    fd = os.open(data / LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    ldn = app(data_dir=data)
    try:
        async with ldn.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.pause(0.3)
            assert ldn.store is not None and "busy" in ldn.store.warning
            assert not ldn.store.read_only and ldn.store.notes() == []
            os.close(fd)  # the other ldn-tui lets go
            fd = -1
            assert [n.text for n in ldn.store.notes()] == ["kept"]
            ldn.store.add_note("intro", "s", "H", "saved after")
            assert ldn.is_running
    finally:
        if fd != -1:
            os.close(fd)
    with Store.open(data) as store:
        assert [n.text for n in store.notes()] == ["kept", "saved after"]
