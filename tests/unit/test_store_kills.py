"""SIGKILL at a random moment of an edit, a delete, ``ldn-tui import``, a
repair and a migration: the notes file is then the old state or the new
one, never damaged, and no partial backup is left under a backup's name.

(tests/unit/test_store_durability.py does the same for adding notes; the order
of the system calls that makes this hold across a power cut is checked in
tests/unit/test_durability_order.py.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from ldn_tui.notes import DB_NAME, Store
from ldn_tui.notes.models import Note

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("store_kill_worker.py")
STAMP = "2026-01-01T00:00:00.000000+00:00"


def seed(data: Path, n: int, prefix: str = "seed", size: int = 2500) -> list[str]:
    """``n`` notes of ``size`` bytes, written in one go; their ids in order.

    Big enough that writing the file is a good part of each change, so a
    random kill often lands in the middle of one.
    """
    notes = [Note(f"{prefix}{i:05d}", "p", f"s{i % 50}", "Heading", f"{prefix} {i} " + "y" * size, STAMP, STAMP)
             for i in range(n)]  # fmt: skip
    with Store.open(data) as store:
        store.merge_many(notes, [])
    return [n.id for n in notes]


def kill_at_random(argv: list[str], delay: float, after: str | None = None) -> tuple[str, str]:
    """Run ``argv`` and SIGKILL it ``delay`` seconds after it says ``ready``
    (or, with ``after``, after it prints that line)."""
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    early = ""
    if argv[1] == str(WORKER):
        assert child.stdout.readline() == "ready\n"
        if after is not None:
            line = child.stdout.readline()
            assert line == f"{after}\n", line
            early = line
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate()
    return early + out, err


def complete_lines(output: str) -> list[str]:
    return output.split("\n")[:-1]  # whatever follows the last newline may be cut short


def assert_clean(data: Path) -> Store:
    """The file opens with no warning (temp files swept, nothing damaged)."""
    store = Store.open(data)
    assert store.warning is None, store.warning
    assert not store.read_only
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]
    assert not list(data.glob(f"{DB_NAME}.damaged-*"))
    return store


def test_sigkill_during_edits_leaves_the_last_confirmed_text_or_the_next(tmp_path):
    data = tmp_path / "data"
    seed(data, 3000)  # ~8 MB: each edit rewrites it
    rng = random.Random(1301)
    last, previous = 0, "seed"
    for _ in range(20):
        out, err = kill_at_random([sys.executable, str(WORKER), "update", str(data)], rng.uniform(0.1, 0.6))
        confirmed = [int(v[1:]) for v in complete_lines(out) if v.startswith("v")]
        with assert_clean(data) as store:
            text = store.notes()[0].text
        if confirmed:
            assert text.split()[0] in (f"v{confirmed[-1]}", f"v{confirmed[-1] + 1}"), (text[:10], confirmed[-1])
            last = max(last, len(confirmed))
        else:  # each worker counts from v1: the last round's text, or its first edit
            assert text.split()[0] in (previous, "v1"), (text[:10], previous)
        previous = text.split()[0]
    assert last >= 2, "the worker never got an edit done before the kill"


def test_sigkill_during_the_editors_saves_keeps_the_last_saved_text_or_the_next(tmp_path):
    """The app's own save path (the editor saving through the Notebook, with
    the version it loaded): a kill at any moment leaves the last confirmed
    text or the one being written, never a conflict copy or a damaged file."""
    data = tmp_path / "data"
    seed(data, 3000)
    rng = random.Random(1305)
    last = 0
    for _ in range(12):
        # timed from the first save (opening 3,000 notes and the content
        # took most of a second on a loaded machine: no save got done)
        out, err = kill_at_random([sys.executable, str(WORKER), "save", str(data)], rng.uniform(0.2, 1.0), "saving")
        confirmed = [int(v[1:]) for v in complete_lines(out) if v.startswith("v")]
        with assert_clean(data) as store:
            notes = store.notes()
            text = notes[0].text
        assert len(notes) == 3000 and not any("conflict" in n.heading for n in notes)
        if confirmed:
            assert text.split()[0] in (f"v{confirmed[-1]}", f"v{confirmed[-1] + 1}"), (text[:10], confirmed[-1])
            last = max(last, len(confirmed))
    assert last >= 2, "the worker never got a save done before the kill"


def test_sigkill_during_deletes_leaves_a_prefix_deleted(tmp_path):
    data = tmp_path / "data"
    ids = seed(data, 3000)
    rng = random.Random(1302)
    gone: list[str] = []
    for _ in range(20):
        out, err = kill_at_random([sys.executable, str(WORKER), "delete", str(data)], rng.uniform(0.1, 0.5))
        gone += complete_lines(out)
        with assert_clean(data) as store:
            have = [n.id for n in store.notes()]
        k = len(ids) - len(have)
        assert k in (len(gone), len(gone) + 1), (k, len(gone))
        assert have == ids[k:]  # exactly the first k are gone, the rest whole
        gone = ids[:k]
    assert len(gone) >= 5


def test_sigkill_during_ldn_tui_import_applies_all_or_nothing(tmp_path):
    data = tmp_path / "data"
    (mine,) = seed(data, 1, "mine")
    source = tmp_path / "source"
    incoming = set(seed(source, 3000, "imp", 250))
    backup = tmp_path / "backup.json"
    with Store.open(source) as store:
        from ldn_tui.export.request import ExportRequest, write_export

        bookmarks, notes, state = store.snapshot()
        write_export(ExportRequest("json", "notes", backup), None, bookmarks, notes, state)
    rng = random.Random(1303)
    base = (data / DB_NAME).read_bytes()
    outcomes = set()
    for _ in range(12):
        (data / DB_NAME).write_bytes(base)  # each round from nothing imported
        argv = [sys.executable, "-m", "ldn_tui", "import", "--data-dir", str(data), str(backup)]
        out, err = kill_at_random(argv, rng.uniform(0.2, 1.4))
        with assert_clean(data) as store:
            have = {n.id for n in store.notes()}
        assert mine in have
        applied = have & incoming
        assert applied in (set(), incoming), f"{len(applied)} of {len(incoming)} notes imported"
        outcomes.add(bool(applied))
    assert outcomes, "no round ran"


def _kill_opens(tmp_path: Path, original: bytes, kind: str, rounds: int, seed_: int) -> set[str]:
    """Kill ``Store.open`` of a file that needs a backup first; return the
    states seen ('old', 'new')."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / DB_NAME
    db.write_bytes(original)
    rng = random.Random(seed_)
    trial = tmp_path / "trial"  # how long a whole open takes here, to aim the kills
    trial.mkdir()
    (trial / DB_NAME).write_bytes(original)
    child = subprocess.Popen([sys.executable, str(WORKER), "open", str(trial)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "ready\n"
    start = time.monotonic()
    assert child.stdout.readline() == "done\n"
    took = time.monotonic() - start
    child.wait()
    seen = set()
    for _ in range(rounds):
        out, err = kill_at_random([sys.executable, str(WORKER), "open", str(data)], rng.uniform(0.0, took * 1.2))
        now = db.read_bytes()
        if now == original:
            seen.add("old")
        else:
            tables = json.loads(now)  # never damaged: whole, valid JSON
            assert tables["meta"] == {"1": {"schema": 1}}
            seen.add("new")
        for backup in data.glob(f"{DB_NAME}.{kind}-*"):
            assert backup.read_bytes() == original, f"a partial backup {backup.name} was left"
        if now != original:
            assert list(data.glob(f"{DB_NAME}.{kind}-*")), "replaced without a backup"
            for p in data.glob(f"{DB_NAME}.{kind}-*"):
                p.unlink()
            db.write_bytes(original)  # once more from the start
        for p in data.iterdir():
            assert not (p.name.startswith(f"{DB_NAME}.{kind}") and p.name.endswith(".tmp"))
    return seen


def test_sigkill_during_a_repair_leaves_the_damaged_file_or_the_repaired_one(tmp_path):
    ids = seed(tmp_path / "src", 6000)
    tables = json.loads((tmp_path / "src" / DB_NAME).read_bytes())
    tables["notes"]["999999"] = "not a note"  # one damaged record: repair = backup, then rewrite
    seen = _kill_opens(tmp_path, json.dumps(tables).encode(), "damaged", 20, 1304)
    with Store.open(tmp_path / "data") as store:
        assert [n.id for n in store.notes()] == ids
    assert seen, "no round ran"


def test_sigkill_during_a_migration_leaves_the_old_file_or_the_migrated_one(tmp_path):
    ids = seed(tmp_path / "src", 6000)
    tables = json.loads((tmp_path / "src" / DB_NAME).read_bytes())
    del tables["meta"]  # schema 0: no meta table, notes without "updated"
    for doc in tables["notes"].values():
        del doc["updated"]
    seen = _kill_opens(tmp_path, json.dumps(tables).encode(), "schema0", 20, 1305)
    with Store.open(tmp_path / "data") as store:
        assert store.warning is None
        notes = store.notes()
        assert [n.id for n in notes] == ids and all(n.updated == n.created for n in notes)
    assert seen, "no round ran"
