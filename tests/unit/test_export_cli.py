"""``ldn-tui export`` and ``ldn-tui import``, in-process through ``main`` and
once through a real subprocess."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ldn_tui.cli import main
from ldn_tui.content.library import load_library
from ldn_tui.export import FORMATS, DestinationExists, ExportError
from ldn_tui.export import files as export_files
from ldn_tui.export import request as ex
from ldn_tui.notes import DB_NAME, Store
from ldn_tui.notes.models import Bookmark, Note

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)

NOTES = (
    Note(
        "a" * 32,
        "alpha",
        "background",
        "Background",
        "First note\n# with a heading sign",
        "2026-01-02T11:00:00.000000+00:00",
        "2026-01-05T12:00:00.000000+00:00",
    ),
    Note(
        "b" * 32,
        "beta",
        "details",
        "Details",
        "Vivid dreams in week one.",
        "2026-01-03T11:00:00.000000+00:00",
        "2026-01-03T11:00:00.000000+00:00",
    ),
    Note(
        "c" * 32,
        "gone",
        "old",
        "Removed heading",
        "Orphan, kept.",
        "2026-01-04T11:00:00.000000+00:00",
        "2026-01-04T11:00:00.000000+00:00",
    ),
)
BOOKMARKS = (
    Bookmark("alpha", "background", "Background", "2026-01-01T10:00:00.000000+00:00"),
    Bookmark("beta", "more", "More", "2026-01-01T11:00:00.000000+00:00"),
)


def seed(data: Path, notes=NOTES, bookmarks=BOOKMARKS, **state) -> None:
    store = Store.open(data)
    try:
        for note in notes:
            assert store.merge_note(note) == "added"
        for bookmark in bookmarks:
            assert store.merge_bookmark(bookmark) == "added"
        if state:
            store.set_state(**state)
    finally:
        store.close()


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data"
    seed(path, last_pane="beta", last_slug="details", scroll_y=3, theme="nord", notice_seen=True, font="big")
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


def run(*argv: str) -> int:
    return main([*argv])


def export_args(data: Path, *extra: str) -> list[str]:
    return ["export", "--data-dir", str(data), "--content", str(FIXTURE), *extra]


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("ldn-tui: ")
    return lines[0]


def store_bytes(data: Path) -> bytes:
    return (data / DB_NAME).read_bytes()


# ---------------------------------------------------------------- export


def test_default_export_is_a_markdown_handout_in_the_current_directory(data, out, monkeypatch, capsys):
    monkeypatch.chdir(out)
    assert run(*export_args(data)) == 0
    path = out / f"ldn-notes-{date.today().isoformat()}.md"
    assert capsys.readouterr().out.strip() == f"exported to {path}"
    text = path.read_text(encoding="utf-8")
    assert "# with a heading sign" in text and "Vivid dreams" not in text  # beta/details is not bookmarked
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == [path.name]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_is_written_0600(data, out, fmt, capsys):
    path = out / f"x.{fmt}"
    assert run(*export_args(data, "--format", fmt, "--scope", "all", "--output", str(path))) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_size > 0


def test_refuses_to_overwrite_without_force(data, out, capsys):
    path = out / "handout.md"
    path.write_text("keep me")
    assert run(*export_args(data, "-o", str(path))) == 1
    line = one_error_line(capsys)
    assert "already exists" in line and "--force" in line
    assert path.read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["handout.md"]


def test_force_replaces_and_tightens_the_mode(data, out, capsys):
    path = out / "handout.md"
    path.write_text("old")
    path.chmod(0o644)
    assert run(*export_args(data, "-o", str(path), "--force")) == 0
    assert path.read_text(encoding="utf-8").startswith("# LDN notes and bookmarks")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_stdout(data, out, monkeypatch, capsys):
    monkeypatch.chdir(out)
    assert run(*export_args(data, "--format", "csv", "--scope", "notes", "-o", "-")) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("kind,pane,heading,note,created,updated\r\n")
    assert "Vivid dreams in week one." in captured.out
    assert list(out.iterdir()) == []


def test_nothing_to_export(tmp_path, out, capsys):
    empty = tmp_path / "empty"
    seed(empty, notes=(), bookmarks=())
    assert run(*export_args(empty, "-o", str(out / "x.md"))) == 1
    assert "nothing to export" in one_error_line(capsys)
    assert list(out.iterdir()) == []


def test_csv_of_bookmarks_without_notes_lists_the_bookmarks(tmp_path, out, capsys):
    """W4: a bookmark without a note is a row of its own, ``kind`` bookmark."""
    marks_only = tmp_path / "marks"
    seed(marks_only, notes=())
    assert run(*export_args(marks_only, "-f", "csv", "-o", str(out / "x.csv"))) == 0
    lines = (out / "x.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        "bookmark,Alpha,Background,,2026-01-01T10:00:00.000000+00:00,",
        "bookmark,Beta,More,,2026-01-01T11:00:00.000000+00:00,",
    ]


@pytest.mark.parametrize("where", ["missing/x.md", "file.txt/x.md"])
def test_missing_directory(data, out, capsys, where):
    (out / "file.txt").write_text("a file, not a directory")
    assert run(*export_args(data, "-o", str(out / where))) == 1
    line = one_error_line(capsys)
    assert "does not exist" in line or "is not a directory" in line
    assert sorted(p.name for p in out.iterdir()) == ["file.txt"]


def test_destination_is_a_directory(data, out, capsys):
    assert run(*export_args(data, "-o", str(out))) == 1
    assert "it is a directory" in one_error_line(capsys)


def test_unwritable_directory(data, out, monkeypatch, capsys):
    # Simulated: the tests may run as root, which can write anywhere.
    real_mkstemp = tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if Path(dir) == out:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert run(*export_args(data, "-o", str(out / "x.md"))) == 1
    assert "permission denied" in one_error_line(capsys)
    assert list(out.iterdir()) == []


def test_disk_full_leaves_no_partial_file(data, out, monkeypatch, capsys):
    ours: set[int] = set()
    real_mkstemp, real_write = tempfile.mkstemp, os.write

    def mkstemp(*args, dir=None, **kwargs):
        fd, name = real_mkstemp(*args, dir=dir, **kwargs)
        if Path(dir) == out:
            ours.add(fd)
        return fd, name

    def write(fd, data):
        if fd not in ours:
            return real_write(fd, data)
        if not getattr(write, "started", False):
            write.started = True
            return real_write(fd, bytes(data[:100]))  # a partial file really exists for a moment
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(export_files.os, "write", write)
    path = out / "x.json"
    assert run(*export_args(data, "-f", "json", "-s", "all", "-o", str(path))) == 1
    assert "disk is full" in one_error_line(capsys)
    assert getattr(write, "started", False)
    assert list(out.iterdir()) == []


def test_disk_full_with_force_keeps_the_old_file(data, out, monkeypatch, capsys):
    path = out / "x.md"
    path.write_text("previous export")

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_files.os, "fsync", fsync)
    assert run(*export_args(data, "-o", str(path), "--force")) == 1
    assert "disk is full" in one_error_line(capsys)
    assert path.read_text() == "previous export"
    assert [p.name for p in out.iterdir()] == ["x.md"]


def test_content_error_is_one_line(data, out, tmp_path, capsys):
    assert run("export", "--data-dir", str(data), "--content", str(tmp_path / "nope"), "-o", str(out / "x.md")) == 1
    assert "content directory not found" in one_error_line(capsys)
    # JSON needs no content
    assert (
        run(
            "export",
            "--data-dir",
            str(data),
            "--content",
            str(tmp_path / "nope"),
            "-f",
            "json",
            "-o",
            str(out / "x.json"),
        )
        == 0
    )


def test_write_export_api_matches_cli_and_rejects_bad_paths(data, out):
    store = Store.open(data)
    bookmarks, notes, state = store.snapshot()
    store.close()
    library = load_library(FIXTURE)
    request = ex.ExportRequest("html", "all", out / "page.html", False)
    path = ex.write_export(request, library, bookmarks, notes, state, now=NOW)
    assert path == out / "page.html" and path.is_absolute()
    with pytest.raises(DestinationExists):
        ex.write_export(request, library, bookmarks, notes, state, now=NOW)
    with pytest.raises(ExportError) as info:
        ex.write_export(ex.ExportRequest("md", "all", out / "no" / "x.md"), library, bookmarks, notes, state)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- import


def make_export(data: Path, path: Path, scope: str = "all") -> bytes:
    assert main(["export", "--data-dir", str(data), "-f", "json", "-s", scope, "-o", str(path)]) == 0
    return path.read_bytes()


def test_round_trip_reproduces_the_store(data, tmp_path, capsys):
    backup = tmp_path / "backup.json"
    make_export(data, backup)
    fresh = tmp_path / "fresh"
    capsys.readouterr()
    assert run("import", str(backup), "--data-dir", str(fresh)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "added: 3 notes, 2 bookmarks, the app state",
        "updated: 0 notes, 0 bookmarks",
        "skipped: 0 notes, 0 bookmarks",
    ]
    snapshots = []
    for where in (data, fresh):
        store = Store.open(where)
        snapshots.append(store.snapshot())
        store.close()
    (b1, n1, s1), (b2, n2, s2) = snapshots
    assert (b1, n1, s1) == (b2, n2, s2) and s1.extra == s2.extra == {"font": "big"}
    # export -> import -> export is byte-identical (the export time fixed)
    first = ex.render_export("json", ex.select("all", b1, n1, s1), None, NOW)
    second = ex.render_export("json", ex.select("all", b2, n2, s2), None, NOW)
    assert first == second


def test_import_merges_and_reports_counts(data, tmp_path, capsys):
    backup = tmp_path / "backup.json"
    make_export(data, backup)
    target = tmp_path / "target"
    older = NOTES[0].__class__(
        **{**NOTES[0].__dict__, "text": "older text", "updated": "2026-01-03T00:00:00.000000+00:00"}
    )
    newer = NOTES[1].__class__(
        **{**NOTES[1].__dict__, "text": "edited later", "updated": "2027-01-01T00:00:00.000000+00:00"}
    )
    mine = Note(
        "d" * 32,
        "alpha",
        "details",
        "Details",
        "only here",
        "2026-01-09T00:00:00.000000+00:00",
        "2026-01-09T00:00:00.000000+00:00",
    )
    seed(target, notes=(older, newer, mine), bookmarks=BOOKMARKS[:1], theme="other")
    capsys.readouterr()
    assert run("import", str(backup), "--data-dir", str(target)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "added: 1 note, 1 bookmark",
        "updated: 1 note, 0 bookmarks",
        "skipped: 1 note, 1 bookmark, the app state",
    ]
    store = Store.open(target)
    notes = {n.id: n for n in store.notes()}
    theme = store.state().theme
    store.close()
    assert len(notes) == 4  # never duplicates
    assert notes["a" * 32] == NOTES[0]  # the newer copy from the file won
    assert notes["b" * 32].text == "edited later"  # the newer copy in the store was kept
    assert notes["d" * 32] == mine
    assert theme == "other"  # a store in use keeps its own state


def test_import_dry_run_changes_nothing(data, tmp_path, capsys):
    backup = tmp_path / "backup.json"
    make_export(data, backup)
    target = tmp_path / "target"
    seed(target, notes=NOTES[:1], bookmarks=())
    before = store_bytes(target)
    names = sorted(os.listdir(target))
    capsys.readouterr()
    assert run("import", str(backup), "--dry-run", "--data-dir", str(target)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "would add: 2 notes, 2 bookmarks, the app state",
        "would update: 0 notes, 0 bookmarks",
        "would skip: 1 note, 0 bookmarks",
    ]
    assert store_bytes(target) == before
    assert sorted(os.listdir(target)) == names


def _newer_schema(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["schema_version"] = 2
    return json.dumps(data).encode()


def _bad_time(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["notes"][-1]["updated"] = "2026-13-45T99:00:00"
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("handout.md", lambda raw: b"# LDN notes and bookmarks\n", "not valid JSON"),
        ("other.json", lambda raw: b'{"bookmarks": [], "notes": []}', "not an ldn-tui export"),
        ("newer.json", _newer_schema, "newer ldn-tui"),
        ("truncated.json", lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        ("bad-time.json", _bad_time, "damaged"),
        ("binary.json", lambda raw: b"\x89PNG\r\n\x1a\n\xff\xff", "not UTF-8"),
    ],
)
def test_import_refuses_and_changes_nothing(data, tmp_path, capsys, name, make, message):
    good = make_export(data, tmp_path / "good.json")
    bad = tmp_path / name
    bad.write_bytes(make(good))
    target = tmp_path / "target"
    seed(target, notes=NOTES[:1], bookmarks=())
    before, names = store_bytes(target), sorted(os.listdir(target))
    capsys.readouterr()
    assert run("import", str(bad), "--data-dir", str(target)) == 1
    assert message in one_error_line(capsys)
    assert store_bytes(target) == before and sorted(os.listdir(target)) == names


def test_import_missing_file(tmp_path, capsys):
    assert run("import", str(tmp_path / "nope.json"), "--data-dir", str(tmp_path / "d")) == 1
    assert "no such file" in one_error_line(capsys)
    assert not (tmp_path / "d").exists()


def test_import_into_a_read_only_store_changes_nothing(data, tmp_path, capsys):
    backup = tmp_path / "backup.json"
    make_export(data, backup)
    target = tmp_path / "target"
    target.mkdir()
    newer = {"meta": {"1": {"schema": 99}}, "notes": {}, "bookmarks": {}, "state": {}}
    (target / DB_NAME).write_text(json.dumps(newer))
    before = store_bytes(target)
    capsys.readouterr()
    assert run("import", str(backup), "--data-dir", str(target)) == 1
    err = capsys.readouterr().err
    assert "cannot import" in err.splitlines()[-1]
    assert store_bytes(target) == before


# ---------------------------------------------------------------- a real process


def test_subprocess_export(data, out):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LDN_TUI_DATA_DIR": str(data), "LDN_TUI_CONTENT": str(FIXTURE)}

    def ldn(*args):
        return subprocess.run(
            [sys.executable, "-m", "ldn_tui", *args], cwd=out, env=env, capture_output=True, timeout=120
        )

    result = ldn("export", "--format", "md", "--scope", "all", "--output", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").startswith("# LDN notes and bookmarks")
    assert "Orphan, kept." in result.stdout.decode("utf-8")
    assert list(out.iterdir()) == []

    assert ldn("export", "-o", "h.md").returncode == 0
    again = ldn("export", "-o", "h.md")
    assert again.returncode == 1
    assert again.stderr.decode().count("\n") == 1 and b"already exists" in again.stderr
    assert ldn("export", "-o", "h.md", "--force").returncode == 0
    assert stat.S_IMODE((out / "h.md").stat().st_mode) == 0o600
