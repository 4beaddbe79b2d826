"""The store under SIGKILL and under two writing processes at once."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from ldn_tui.notes import DB_NAME, Store

WORKER = Path(__file__).with_name("store_worker.py")
NOTE_ID = re.compile(r"[0-9a-f]{32}")


def spawn(data_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(data_dir), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def printed_ids(output: str) -> list[str]:
    """Complete id lines only (a kill may cut the last line short)."""
    lines = output.split("\n")[:-1]  # whatever follows the last newline is partial
    return [line for line in lines if NOTE_ID.fullmatch(line)]


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20240521)
    confirmed: set[str] = set()
    kills = 0
    for _ in range(60):
        child = spawn(data_dir)
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        time.sleep(rng.uniform(0.005, 0.060))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        kills += 1
        confirmed.update(printed_ids(out))
        with Store.open(data_dir) as store:
            assert store.warning is None
            assert not store.read_only
            have = {n.id for n in store.notes()}
        missing = confirmed - have
        assert not missing, f"after kill {kills}: {len(missing)} confirmed notes lost"
    assert kills >= 50
    assert len(confirmed) >= 10  # the children really were writing (typically ~800)
    assert not list(data_dir.glob(f"{DB_NAME}.damaged-*"))


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store.open(data_dir).close()
    workers = [spawn(data_dir, "200", name) for name in ("left", "right")]
    for w in workers:
        assert w.stdout.readline() == "ready\n", w.stderr.read()
    for w in workers:  # start together
        w.stdin.write("go\n")
        w.stdin.flush()
    ids: list[str] = []
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        got = printed_ids(out)
        assert len(got) == 200
        ids += got
    with Store.open(data_dir) as store:
        assert store.warning is None
        notes = store.notes()
    assert len(notes) == 400
    assert {n.id for n in notes} == set(ids)
    texts = {n.text for n in notes}
    for name in ("left", "right"):
        assert all(f"{name} note {i}\n\x00[bold]" in texts for i in range(200))
