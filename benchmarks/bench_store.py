"""How fast is the notes store with 10,000 notes? (fsync included)

    .venv/bin/python benchmarks/bench_store.py [--adds 200] [--notes 10000] [--naive]

Measures, against the same operations on an empty store in the same run:

* ``add_note`` latency (p50/p95); target p95 <= 50 ms with 10,000 notes;
* ``Store.open()`` + ``state()`` (what start-up pays); target at most 50 ms
  slower with 10,000 notes than with none.

``--naive`` measures the store without its two speed-ups (a full
``json.dumps`` of every note per write, and a re-parse of the file on every
read, as TinyDB's own JSONStorage does), to show what they buy.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ldn_tui.notes import DB_NAME, Store, file_format, storage  # noqa: E402  # noqa: E402
from ldn_tui.notes.records import now_utc  # noqa: E402

WORDS = [
    "naltrexone",
    "low",
    "dose",
    "sleep",
    "pain",
    "fatigue",
    "started",
    "titrated",
    "evening",
    "morning",
    "vivid",
    "dreams",
    "better",
    "worse",
    "flare",
    "week",
    "month",
    "doctor",
    "pharmacy",
    "compounded",
    "liquid",
    "capsule",
]


def note_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 60)))


def build(data_dir: Path, count: int, rng: random.Random) -> None:
    """Write a store holding ``count`` notes in one go (10,000 fsync'd adds would take minutes)."""
    data_dir.mkdir(parents=True)
    tables = file_format.empty_tables()
    notes = {}
    for i in range(1, count + 1):
        stamp = now_utc()
        notes[str(i)] = {
            "id": uuid.uuid4().hex, "pane_id": f"pane-{i % 12}", "slug": f"heading-{i % 40}",
            "heading": "Starting dose and titration", "text": note_text(rng), "created": stamp, "updated": stamp,
        }  # fmt: skip
    tables["notes"] = notes
    tables["state"] = {"1": {"last_pane": "pane-1", "last_slug": "heading-1", "scroll_y": 40}}
    (data_dir / DB_NAME).write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    (data_dir / DB_NAME).chmod(0o600)


def time_adds(data_dir: Path, n: int, rng: random.Random) -> list[float]:
    out = []
    with Store.open(data_dir) as store:
        assert store.warning is None, store.warning
        store.notes()  # as the app would: the list is on screen
        for _ in range(n):
            text = note_text(rng)
            t0 = time.perf_counter()
            store.add_note("pane-3", "heading-7", "Side effects", text)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def time_open(data_dir: Path, n: int = 15) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        store = Store.open(data_dir)
        store.state()
        out.append((time.perf_counter() - t0) * 1000)
        assert store.warning is None, store.warning
        store.close()
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def make_naive() -> None:
    """Undo the store's speed-ups (for the before/after comparison)."""
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    storage.AtomicJSONStorage.serialise = lambda self, data: plain(data)
    original_read = storage.AtomicJSONStorage.read

    def read_every_time(self):
        self.invalidate()
        return original_read(self)

    storage.AtomicJSONStorage.read = read_every_time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--naive", action="store_true", help="measure without the cache and serialiser")
    parser.add_argument("--dir", type=Path, default=None, help="where to make the stores (default: temp)")
    args = parser.parse_args()
    if args.naive:
        make_naive()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        big, empty = Path(tmp) / "big", Path(tmp) / "empty"
        build(big, args.notes, rng)
        Store.open(empty).close()
        size_mb = (big / DB_NAME).stat().st_size / 1e6

        open_big, open_empty = time_open(big), time_open(empty)
        adds_empty = time_adds(empty, args.adds, rng)
        adds_big = time_adds(big, args.adds, rng)

    mode = "NAIVE (no cache, full json.dumps)" if args.naive else "store as shipped"
    print(f"ldn-tui store benchmark: {mode}; {args.notes:,} notes = {size_mb:.1f} MB file; fsync on every write")
    print()
    p50b, p95b, p50e, p95e = pct(adds_big, 50), pct(adds_big, 95), pct(adds_empty, 50), pct(adds_empty, 95)
    print(f"add_note x{args.adds}      p50 ms   p95 ms")
    print(f"  {args.notes:>6,} notes   {p50b:7.2f}  {p95b:7.2f}")
    print(f"  empty store    {p50e:7.2f}  {p95e:7.2f}   (baseline, same run)")
    print(f"  ratio          {p50b / p50e:7.1f}x {p95b / p95e:7.1f}x")
    ok_add = p95b <= 50
    print(f"  target: p95 <= 50 ms with {args.notes:,} notes -> {'PASS' if ok_add else 'FAIL'}")
    print()
    mb, me = statistics.median(open_big), statistics.median(open_empty)
    print(f"Store.open() + state()   median ms  (of {len(open_big)})")
    print(f"  {args.notes:>6,} notes   {mb:7.2f}")
    print(f"  empty store    {me:7.2f}")
    ok_open = mb - me <= 50
    print(f"  difference     {mb - me:7.2f}   target: <= 50 ms slower -> {'PASS' if ok_open else 'FAIL'}")
    return 0 if ok_add and ok_open else 1


if __name__ == "__main__":
    sys.exit(main())
