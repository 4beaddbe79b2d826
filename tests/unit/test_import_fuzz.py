"""``ldn-tui import`` against hostile files (reliability review F6-F8, F13-F15).

Every import ends one of two ways: one line on standard error, exit 1, no
traceback and the notes file byte-for-byte as it was; or success, after
which the store opens cleanly, every export format works, every note can
be edited and the app starts. Fixed cases run the real command in a
subprocess; the hypothesis test runs ``main()`` in-process (faster) over
generated exports mixing deep nesting, NaN/Infinity, huge integers and
extreme times.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import FIXTURE_CONTENT, edit_note, ready
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_tui.cli import main
from ldn_tui.export import importer
from ldn_tui.notes import DB_NAME, Store
from ldn_tui.paths import bundled_content_dir

ROOT = Path(__file__).resolve().parents[2]
STAMP = "2026-01-01T00:00:00.000000+00:00"


def note(**over) -> dict:
    doc = {"id": "n1", "pane_id": "intro", "slug": "s", "heading": "H", "text": "imported",
           "created": STAMP, "updated": STAMP}  # fmt: skip
    return {**doc, **over}


def export_text(notes=None, extra=None, scroll_y="0", state=True) -> str:
    """An export's JSON text; ``extra`` values and ``scroll_y`` are raw JSON text
    (so they can be NaN, 5,000-digit numbers or 900-deep nesting)."""
    doc: dict = {
        "schema_version": 1, "app": {"name": "ldn-tui", "version": "0.1.0"},
        "exported_at": "2026-01-01T00:00:00+00:00", "scope": "all", "bookmarks": [],
        "notes": [note()] if notes is None else notes,
    }  # fmt: skip
    if state:
        doc["state"] = {"last_pane": None, "last_slug": "", "scroll_y": "@SCROLL@",
                        "theme": None, "notice_seen": True, "extra": {}}  # fmt: skip
    text = json.dumps(doc, indent=1)
    raw_extra = ", ".join(f"{json.dumps(k)}: {v}" for k, v in (extra or {}).items())
    return text.replace('"@SCROLL@"', scroll_y).replace('"extra": {}', '"extra": {' + raw_extra + "}")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def seeded(data: Path) -> bytes:
    """A store holding one note of its own; returns the file's bytes."""
    with Store.open(data) as store:
        store.add_note("intro", "s0", "Start", "mine")
    return (data / DB_NAME).read_bytes()


def cli(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "ldn_tui", *argv], capture_output=True, text=True, timeout=timeout, env=env
    )


def assert_one_line_failure(rc: int, err: str) -> None:
    assert rc == 1, err
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("ldn-tui: cannot import"), err


def export_all_formats(data: Path, out: Path, content: Path = FIXTURE_CONTENT) -> None:
    """Every format and scope exports (in-process, so a traceback fails the test)."""
    for fmt in ("json", "md", "html", "csv"):
        for scope in ("all", "notes"):
            target = out / f"x-{fmt}-{scope}"
            argv = ["export", "--data-dir", str(data), "--content", str(content)]
            assert main([*argv, "-f", fmt, "-s", scope, "-o", str(target), "--force"]) == 0, (fmt, scope)
            assert target.stat().st_size > 0


def assert_healthy(data: Path, out: Path) -> None:
    """The store opens cleanly, the state reads, every note can be edited,
    every export works and the JSON backup imports into a new store."""
    with Store.open(data) as store:
        assert store.warning is None and not store.read_only
        store.state()
        for n in store.notes():
            assert edit_note(store, n.id, n.text + " (edited)").text.endswith("(edited)")
    export_all_formats(data, out)
    assert main(["import", "--data-dir", str(out / "again"), str(out / "x-json-all")]) == 0


# -- fixed cases, the real command --------------------------------------------

REFUSED = {
    "nested 500 deep in the app state": export_text(extra={"x": nested(500)}),
    "nested 900 deep in the app state": export_text(extra={"x": nested(900)}),
    "nested 200,000 deep": nested(200_000),
    "NaN in the app state": export_text(extra={"x": "NaN"}),
    "Infinity in the app state": export_text(extra={"x": "Infinity"}),
    "-Infinity as the scroll position": export_text(scroll_y="-Infinity"),
    "1e400 (infinite as a float)": export_text(extra={"x": "1e400"}),
    "a 5,001-digit scroll position": export_text(scroll_y="9" * 5001),
    "a 4,301-digit number in the app state": export_text(extra={"x": "1" * 4301}),
    "a 400-digit number in the app state": export_text(extra={"x": "1" * 400}),
    "a 100 KB app state value": export_text(extra={"x": json.dumps("x" * 100_000)}),
    "100 app state values": export_text(extra={f"k{i}": "1" for i in range(100)}),
    "year 1 at +14:00 (before year 1 in UTC)": export_text(notes=[note(created="0001-01-01T00:00:00+14:00")]),
    "year 9999 at -14:00 (after 9999 in UTC)": export_text(notes=[note(updated="9999-12-31T23:59:59-14:00")]),
    "the last microsecond of 9999": export_text(notes=[note(updated="9999-12-31T23:59:59.999999+00:00")]),
    "a lone surrogate in a note": export_text(notes=[note(), note(id="n2", text="bad \ud800 text")]),
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_export_is_refused_in_one_line_and_changes_nothing(tmp_path, text):
    data = tmp_path / "data"
    before = seeded(data)
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    result = cli("import", "--data-dir", str(data), str(bad))
    assert_one_line_failure(result.returncode, result.stderr)
    assert result.stdout == ""
    assert (data / DB_NAME).read_bytes() == before  # all or nothing


def test_the_lone_surrogate_message_names_the_note(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(REFUSED["a lone surrogate in a note"], encoding="utf-8")
    with pytest.raises(importer.ExportError, match=r"notes\[1\] \(id n2\): its text .* \(U\+D800"):
        importer.read_export(bad)


ACCEPTED = {
    "year 1 at -14:00": [note(created="0001-01-02T00:00:00-14:00", updated="0001-01-02T00:00:00-14:00")],
    "year 9999 at +14:00": [note(updated="9999-12-30T23:59:59.999999+14:00")],
    "the last moment allowed": [note(updated="9999-12-30T23:59:59.999999+00:00")],
    "a naive time": [note(updated="2026-05-01T10:00:00")],
}


@pytest.mark.parametrize("notes", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_extreme_but_real_times_import_and_the_note_can_still_be_edited(tmp_path, notes):
    data = tmp_path / "data"
    seeded(data)
    good = tmp_path / "good.json"
    good.write_text(export_text(notes=notes, extra={"x": nested(15), "y": "1.5e300"}), encoding="utf-8")
    result = cli("import", "--data-dir", str(data), str(good))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert_healthy(data, tmp_path)


@pytest.mark.parametrize("minutes", [0, 14 * 60, -14 * 60])
def test_a_note_stamped_at_the_end_of_time_in_the_file_can_be_edited(tmp_path, minutes):
    """F7: such a time can still come from the notes file itself."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        n = store.add_note("intro", "s", "H", "old")
    path = data / DB_NAME
    zone = timezone(timedelta(minutes=minutes))
    end = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=zone).isoformat()
    path.write_text(path.read_text(encoding="utf-8").replace(n.updated, end), encoding="utf-8")
    with Store.open(data) as store:
        assert store.get_note(n.id).updated == end
        assert edit_note(store, n.id, "new").text == "new"
        assert store.get_note(n.id).text == "new"


def test_a_fifo_is_refused_at_once(tmp_path):
    data = tmp_path / "data"
    before = seeded(data)
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    result = cli("import", "--data-dir", str(data), str(fifo), timeout=20)  # hung for ever before
    assert_one_line_failure(result.returncode, result.stderr)
    assert "not a regular file" in result.stderr
    assert (data / DB_NAME).read_bytes() == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_unread(tmp_path, device, monkeypatch):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    data = tmp_path / "data"
    before = seeded(data)
    read = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(importer.ExportError, match="not a regular file"):
        importer.read_export(Path(device))
    assert read == []  # nothing read at all
    result = cli("import", "--data-dir", str(data), device, timeout=20)
    assert_one_line_failure(result.returncode, result.stderr)
    assert (data / DB_NAME).read_bytes() == before


def test_a_file_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    big.write_text(export_text(), encoding="utf-8")
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", big.stat().st_size - 1)
    with pytest.raises(importer.ExportError, match="larger than"):
        importer.read_export(big)


def test_a_file_growing_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    big.write_text(export_text(), encoding="utf-8")
    size = big.stat().st_size
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", size + 10)
    real_fstat = os.fstat

    def fstat(fd):  # the size seen at open; then the file grows
        st = real_fstat(fd)
        with big.open("ab") as grow:
            grow.write(b" " * 100)
        return st

    monkeypatch.setattr(importer.os, "fstat", fstat)
    with pytest.raises(importer.ExportError, match="larger than"):
        importer.read_export(big)


# -- F8: a big backup imports back ---------------------------------------------


def test_a_json_backup_over_64_mib_imports_back(tmp_path):
    """F8: the limit was 64 MiB, and four 20 MB notes crossed it. (Notes
    are now at most 100,000 characters (F9), so 730 notes of 92 KB.)"""
    text = ("0123456789abcdef" * 64 + "\n") * 90  # 92,250 characters
    notes = [note(id=f"n{i}", text=f"{i} {text}") for i in range(730)]
    backup = tmp_path / "backup.json"
    backup.write_text(export_text(notes=notes), encoding="utf-8")
    assert backup.stat().st_size > 64 * 2**20
    data = tmp_path / "data"
    assert main(["import", "--data-dir", str(data), str(backup)]) == 0
    with Store.open(data) as store:
        assert len(store.notes()) == 730
    again = tmp_path / "again.json"
    assert main(["export", "--data-dir", str(data), "-f", "json", "-s", "all", "-o", str(again)]) == 0
    assert main(["import", "--data-dir", str(tmp_path / "fresh"), str(again)]) == 0


def test_the_json_export_refuses_a_backup_import_could_not_read(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    seeded(data)
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 100)
    from ldn_tui.export import request as export

    monkeypatch.setattr(export, "MAX_IMPORT_BYTES", 100)
    out = tmp_path / "x.json"
    assert main(["export", "--data-dir", str(data), "-f", "json", "-s", "all", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "more than the 0 MiB 'ldn-tui import' reads back" in err
    assert not out.exists()


def test_the_import_limit_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{importer.MAX_IMPORT_BYTES // 2**20} MiB" in readme


# -- F6: an import that succeeds leaves an app that starts and exports --------


async def test_after_an_import_at_the_bounds_the_app_starts_and_every_export_works(tmp_path, app):
    data = tmp_path / "data"
    seeded(data)
    good = tmp_path / "good.json"
    deepest = nested(15)  # the most an app-state value may nest (16 levels with its key)
    extra = {f"k{i}": deepest for i in range(63)}
    good.write_text(export_text(extra=extra, scroll_y=str(10**18)), encoding="utf-8")
    assert main(["import", "--data-dir", str(data), str(good)]) == 0
    ldn = app(content=bundled_content_dir(), data_dir=data)
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        assert ldn.store is not None and ldn.store.warning is None
        assert ldn.is_running
    assert_healthy(data, tmp_path)
    export_all_formats(data, tmp_path, bundled_content_dir())


async def test_a_deeply_nested_state_in_the_file_is_set_aside_and_the_app_starts(tmp_path, app):
    """F6, from the notes file itself: the value is reported by name and
    dropped, the original kept as a backup; the app starts and exports."""
    data = tmp_path / "data"
    seeded(data)
    path = data / DB_NAME
    raw = json.loads(path.read_bytes())
    raw["state"] = {"1": {"notice_seen": True, "deep": 0, "fine": [1, 2]}}
    text = json.dumps(raw).replace('"deep": 0', '"deep": ' + nested(900))
    path.write_text(text, encoding="utf-8")
    with Store.open(data) as store:
        assert "the app state value 'deep' could not be read" in store.warning
        assert store.state().extra == {"fine": [1, 2]}
    assert [p.read_text(encoding="utf-8") for p in data.glob(f"{DB_NAME}.damaged-*")] == [text]
    path.write_text(text, encoding="utf-8")  # again, for the app
    ldn = app(content=bundled_content_dir(), data_dir=data)
    done = threading.Event()
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        assert ldn.is_running
        done.set()
    assert done.is_set()
    export_all_formats(data, tmp_path, bundled_content_dir())


def test_set_state_refuses_what_the_file_could_not_keep():
    from ldn_tui.notes.records import check_state_value

    for bad in (json.loads(nested(17)), float("nan"), 10**30, {"k": float("inf")}, "x" * 70_000, (1, 2)):
        with pytest.raises(TypeError, match="the app state value 'v' cannot be saved"):
            check_state_value("v", bad)
    assert check_state_value("scroll_y", 10**40) == 10**9
    assert check_state_value("scroll_y", -5) == 0


# -- hypothesis ---------------------------------------------------------------

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
raw_value = st.one_of(
    json_value.map(json.dumps),
    st.integers(1, 1200).map(nested),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e999", "1.5e308"]),
    st.integers(1, 6000).map(lambda n: "7" * n),
)
zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999), timezones=zones),
    st.sampled_from([datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)]).flatmap(
        lambda d: zones.map(lambda z: d.replace(tzinfo=z))
    ),
).map(lambda d: d.isoformat())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extra=st.dictionaries(st.text(min_size=1, max_size=6), raw_value, max_size=3),
    scroll=st.one_of(st.integers(-(10**20), 10**20).map(str), raw_value),
    created=moments,
    updated=moments,
)
def test_fuzzed_imports_either_fail_in_one_line_or_leave_a_healthy_store(
    tmp_path_factory, capsys, extra, scroll, created, updated
):
    tmp = tmp_path_factory.mktemp("fuzz")
    data = tmp / "data"
    before = seeded(data)
    path = tmp / "in.json"
    notes = [note(created=created, updated=updated), note(id="n2", created=created, updated=created)]
    path.write_text(export_text(notes=notes, extra=extra, scroll_y=scroll), encoding="utf-8")
    capsys.readouterr()
    rc = main(["import", "--data-dir", str(data), str(path)])
    out, err = capsys.readouterr()
    if rc != 0:
        assert_one_line_failure(rc, err)
        assert (data / DB_NAME).read_bytes() == before
        return
    assert err == "", err
    assert_healthy(data, tmp)


def test_a_hostile_file_name_is_shown_on_one_line_without_control_characters(tmp_path, capsys):
    """F16, for import: the name held a newline and an OSC title sequence."""
    name = tmp_path / "a\nb\x1b]0;TITLE\x07.json"
    for exists in (False, True):
        if exists:
            name.write_text("not json", encoding="utf-8")
        assert main(["import", "--data-dir", str(tmp_path / "data"), str(name)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err, err
        assert "a\u23ce b\u241b]0;TITLE\u2407.json" in err
