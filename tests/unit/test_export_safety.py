"""Export destinations that must never be written, even with ``--force``
(reliability.md F12, F16-F19; ecosystem.md defect 8).

Device nodes are made in a temporary directory (never ``/dev``); FIFOs with
``os.mkfifo``. Every refusal is one line on stderr and leaves the
destination exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC
from pathlib import Path

import pytest
from test_export_cli import FIXTURE, ROOT, export_args, one_error_line, seed, store_bytes

from ldn_tui.cli import main
from ldn_tui.export import ExportError, importer
from ldn_tui.export import files as export_files
from ldn_tui.export import request as ex
from ldn_tui.notes import DB_NAME
from ldn_tui.notes.session import LOCK_NAME


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data"
    seed(path)
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


# ---------------------------------------------------------------- non-regular destinations


def test_force_onto_a_fifo_is_refused_and_the_fifo_stays(data, out, capsys):
    fifo = out / "pipe.md"
    os.mkfifo(fifo)
    assert main(export_args(data, "-o", str(fifo), "--force")) == 1
    line = one_error_line(capsys)
    assert "FIFO" in line and "not a regular file" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in out.iterdir()) == ["pipe.md"]  # no temp file left


def test_force_onto_a_symlink_to_a_fifo_is_refused(data, out, capsys):
    fifo = out / "pipe"
    os.mkfifo(fifo)
    link = out / "link.md"
    link.symlink_to(fifo)
    assert main(export_args(data, "-o", str(link), "--force")) == 1
    assert "not a regular file" in one_error_line(capsys)
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


def test_force_onto_a_socket_is_refused(data, capsys):
    # AF_UNIX paths are short: a private directory under /tmp.
    directory = Path(tempfile.mkdtemp(prefix="ldn-sock-", dir="/tmp"))
    try:
        path = directory / "s.md"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        try:
            assert main(export_args(data, "-o", str(path), "--force")) == 1
            assert "socket" in one_error_line(capsys)
            assert stat.S_ISSOCK(os.lstat(path).st_mode)
        finally:
            server.close()
    finally:
        shutil.rmtree(directory)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_force_onto_a_device_node_is_refused(data, out, capsys):
    # The same device as /dev/full, made privately: the real /dev is never touched.
    device = out / "full"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    assert main(export_args(data, "-f", "json", "-o", str(device), "--force")) == 1
    assert "a device" in one_error_line(capsys)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_dev_null_without_force_says_it_is_a_device(data, capsys):
    # Read-only use of /dev/null: without --force nothing is ever written.
    assert main(export_args(data, "-o", "/dev/null")) == 1
    assert "a device, not a regular file" in one_error_line(capsys)


def test_a_fifo_appearing_after_the_check_is_not_replaced(out):
    """The write itself refuses too (the check and the move are apart in time)."""
    path = out / "late.md"
    os.mkfifo(path)
    with pytest.raises(ExportError, match="FIFO"):
        export_files.write_file_atomic(path, b"x", force=True)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert sorted(p.name for p in out.iterdir()) == ["late.md"]


# ---------------------------------------------------------------- the store's own files


@pytest.mark.parametrize("name", [DB_NAME, LOCK_NAME, f"{DB_NAME}.damaged-20260101-000000", f".{DB_NAME}.abc.tmp"])
def test_force_onto_the_stores_own_files_is_refused(data, capsys, name):
    target = data / name
    if not target.exists():
        target.write_bytes(b"kept")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert main(export_args(data, "-f", "md", "-s", "notes", "-o", str(target), "--force")) == 1
    assert "files that keep your notes" in one_error_line(capsys)
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_the_app_path_refuses_the_store_file_without_being_told_the_data_dir(data):
    """``write_export`` as the app calls it (no ``data_dir``) still knows a store folder."""
    before = store_bytes(data)
    request = ex.ExportRequest(format="md", scope="notes", path=data / DB_NAME, force=True)
    from ldn_tui.content.library import load_library

    with pytest.raises(ExportError, match="files that keep your notes"):
        ex.write_export(request, load_library(FIXTURE), (), seed_notes(), None)
    assert store_bytes(data) == before


def seed_notes():
    from test_export_cli import NOTES

    return NOTES


def test_an_ordinary_file_in_the_data_dir_can_still_be_written(data, capsys):
    assert main(export_args(data, "-f", "md", "-s", "notes", "-o", str(data / "handout.md"))) == 0
    assert (data / "handout.md").read_text(encoding="utf-8").startswith("# LDN notes")


# ---------------------------------------------------------------- standard output closed


def test_stdout_closed_is_one_line_without_traceback(data, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LDN_TUI_DATA_DIR": str(data), "LDN_TUI_CONTENT": str(FIXTURE)}
    command = f'exec "{sys.executable}" -m ldn_tui export -f md -s notes -o - >&-'
    result = subprocess.run(["sh", "-c", command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == ["ldn-tui: cannot write to standard output: it is closed"], result.stderr


# ---------------------------------------------------------------- temporary files of killed exports


_KILLED_EXPORT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ldn_tui.export import files as export_files
    # Die the way SIGKILL does, with the temporary file written and synced.
    os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
    export_files.write_file_atomic(Path(sys.argv[1]), b"x" * 100_000, force=True)
    """
)


def test_a_killed_exports_temp_file_is_swept_by_the_next_export(data, out, capsys):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(out / "big.json")], env=env, timeout=60, capture_output=True
    )
    assert result.returncode == -signal.SIGKILL
    leftovers = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".big.json.")
    old = time.time() - 3600
    os.utime(leftovers[0], (old, old))
    assert main(export_args(data, "-f", "json", "-o", str(out / "other.json"))) == 0
    assert sorted(p.name for p in out.iterdir()) == ["other.json"]


def test_a_live_exports_temp_file_is_not_swept(out):
    """A temporary file locked by an export still writing is left alone."""
    import fcntl

    live = out / f".big.json{export_files.TEMP_MARK}abcdefgh.tmp"
    live.write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(live, (old, old))
    fd = os.open(live, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert export_files.sweep_stale_temps(out) == []
        assert live.exists()
    finally:
        os.close(fd)
    assert export_files.sweep_stale_temps(out) == [live]
    # Only this module's own temporary files are ever touched.
    other = out / ".someone-else.tmp"
    other.write_bytes(b"")
    os.utime(other, (old, old))
    assert export_files.sweep_stale_temps(out) == [] and other.exists()


# ---------------------------------------------------------------- file names shown safely


HOSTILE = "a\nb\x1b]0;TITLE\x07c"


def test_a_hostile_file_name_in_an_export_error_is_one_visible_line(data, tmp_path, capsys):
    target = tmp_path / HOSTILE / "out.md"  # the directory does not exist
    assert main(export_args(data, "-o", str(target))) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "\x1b" not in captured.err and "\x07" not in captured.err
    assert "␛]0;TITLE␇" in captured.err


def test_a_hostile_file_name_in_an_import_error_is_one_visible_line(data, tmp_path, capsys):
    assert main(["import", "--data-dir", str(data), str(tmp_path / HOSTILE)]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "\x1b" not in captured.err and "\x07" not in captured.err
    assert "a⏎ b␛]0;TITLE␇c" in captured.err


# ---------------------------------------------------------------- CSV: bookmarks and formula guard (W4, W7, F11)


FORMULAS = (
    '=HYPERLINK("http://evil.example/csv","click me")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def _hostile_notes():
    from ldn_tui.notes.models import Note

    notes = [
        Note(
            f"{index:032x}",
            "alpha",
            "background",
            "Background",
            text,
            f"2026-01-0{index + 1}T10:00:00+00:00",
            f"2026-01-0{index + 1}T10:00:00+00:00",
        )
        for index, text in enumerate(FORMULAS)
    ]
    # An orphan: its stored heading (from an import) is a formula too.
    notes.append(Note("f" * 32, "gone", "x", "=1+2", "plain", "2026-01-09T10:00:00+00:00", "2026-01-09T10:00:00+00:00"))
    return tuple(notes)


def test_csv_guards_every_cell_that_starts_like_a_formula():
    import csv
    import io
    from datetime import datetime

    from ldn_tui.content.library import load_library
    from ldn_tui.notes.models import Bookmark

    notes = _hostile_notes()
    marks = (Bookmark("gone", "x", "=1+2", "2026-01-01T08:00:00+00:00"),)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    selection = ex.select("all", marks, notes)
    raw = ex.render_export("csv", selection, load_library(FIXTURE), now).decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    texts = [row[3] for row in rows[1:] if row[0] == "note"]
    assert texts[: len(FORMULAS)] == ["'" + text for text in FORMULAS]
    assert ["bookmark", "gone", "'=1+2", "", "2026-01-01T08:00:00+00:00", ""] in rows
    # The JSON backup stays byte for byte what was typed.
    back = importer.parse_export(ex.render_export("json", selection, None, now))
    assert back.notes == notes


def test_csv_from_the_command_line_has_bookmarks_and_guards(tmp_path, out, capsys):
    from ldn_tui.notes.models import Bookmark

    data = tmp_path / "hostile"
    seed(data, notes=_hostile_notes()[:1], bookmarks=(Bookmark("beta", "more", "More", "2026-01-01T11:00:00+00:00"),))
    assert main(export_args(data, "-f", "csv", "-s", "all", "-o", "-")) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "kind,pane,heading,note,created,updated"
    assert "bookmark,Beta,More,,2026-01-01T11:00:00+00:00," in text
    assert "note,Alpha,Background,\"'=HYPERLINK(" in text


def test_nothing_is_ever_written_into_dev(data, capsys):
    """``/dev/stdout`` is a symlink: ``--force`` would replace the link itself."""
    name = f"/dev/ldn-tui-test-{os.getpid()}.md"
    try:
        assert main(export_args(data, "-o", name, "--force")) == 1
        assert "/dev holds devices" in one_error_line(capsys)
        assert not os.path.lexists(name)
    finally:
        if os.path.lexists(name) and not os.path.isdir(name):
            os.unlink(name)
