"""Import speed: a 10,000-note JSON export merged into the store, against ``json.loads``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_import.py [--notes N] [--repeat R] [--per-record N]

The export is made by :func:`ldn_tui.export.request.render_export` from notes spread
over every heading of the shipped content (see ``bench_export.py``), written
to a file, then imported the way ``ldn-tui import`` does it:
:func:`~ldn_tui.export.request.read_export` (read, JSON, schema and semantic checks)
and :func:`~ldn_tui.export.request.import_export` into a store opened with
:meth:`Store.open <ldn_tui.notes.store.Store.open>` (``fsync`` included). Three
imports are timed:

* into an empty store (every note and bookmark added);
* the same file again (everything skipped);
* a copy of the file with every note edited later (every note updated).

The baseline, measured in the same run, is ``json.loads`` of the same bytes.
Target: the whole import into an empty store well under 5 s.

``--per-record N`` also times the per-record path (``merge_note`` /
``merge_bookmark`` once per record, a whole-file write each) on the first
``N`` notes, to show what the batched :meth:`Store.merge_many` buys.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import make_data, timed  # noqa: E402

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.export import import_export, read_export, render_export, select  # noqa: E402
from ldn_tui.notes.models import AppState  # noqa: E402
from ldn_tui.notes.store import Store  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402

TARGET_S = 5.0
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def write_json_export(path: Path, bookmarks, notes, state) -> None:
    path.write_bytes(render_export("json", select("all", bookmarks, notes, state), None, NOW))


def run_import(file: Path, data: Path) -> list[str]:
    """What ``ldn-tui import FILE`` does, minus printing."""
    export = read_export(file)
    store = Store.open(data)
    try:
        return import_export(store, export).lines()
    finally:
        store.close()


def per_record(file: Path, data: Path) -> None:
    """The import as it was before ``merge_many``: one write per record."""
    export = read_export(file)
    store = Store.open(data)
    try:
        for note in export.notes:
            store.merge_note(note)
        for bookmark in export.bookmarks:
            store.merge_bookmark(bookmark)
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best is shown")
    parser.add_argument(
        "--per-record", type=int, default=0, metavar="N", help="also time the per-record path on the first N notes"
    )
    args = parser.parse_args()

    library = load_library(bundled_content_dir())
    bookmarks, notes = make_data(library, args.notes)
    state = AppState(last_pane=library.panes[0].id)
    later = [replace(n, text=n.text + " (edited)", updated="2026-03-01T00:00:00.000000+00:00") for n in notes]
    with tempfile.TemporaryDirectory(prefix="ldn-bench-import-") as tmp:
        tmp_dir = Path(tmp)
        file, edited = tmp_dir / "export.json", tmp_dir / "edited.json"
        write_json_export(file, bookmarks, notes, state)
        write_json_export(edited, bookmarks, later, state)
        raw = file.read_bytes()
        base = timed(lambda: json.loads(raw), args.repeat)
        parse = timed(lambda: read_export(file), args.repeat)

        counter = iter(range(1_000_000))

        def fresh() -> Path:
            return tmp_dir / f"store-{next(counter)}"

        empty = timed(lambda: run_import(file, fresh()), args.repeat)
        full = fresh()
        run_import(file, full)
        again = timed(lambda: run_import(file, full), args.repeat)
        updates = []
        for _ in range(args.repeat):
            data = fresh()
            run_import(file, data)
            start = time.perf_counter()
            report = run_import(edited, data)
            updates.append(time.perf_counter() - start)
        assert report[1].startswith(f"updated: {len(notes)} notes"), report

        print(
            f"{len(notes):,} notes, {len(bookmarks)} bookmarks, export {len(raw) / 1e6:.2f} MB; "
            f"best of {args.repeat}; target < {TARGET_S:.1f} s for the whole import"
        )
        print(f"{'case':<34}{'seconds':>9}{'x json.loads':>14}")
        rows = [
            ("baseline: json.loads", base),
            ("read_export (parse + validate)", parse),
            ("import into an empty store", empty),
            ("import again (all skipped)", again),
            ("import edited copy (all updated)", min(updates)),
        ]
        if args.per_record:
            subset = tmp_dir / "subset.json"
            write_json_export(subset, bookmarks, notes[: args.per_record], state)
            batched = timed(lambda: run_import(subset, fresh()), 1)
            slow = timed(lambda: per_record(subset, fresh()), 1)
            rows.append((f"{args.per_record:,} notes, batched", batched))
            rows.append((f"{args.per_record:,} notes, per record", slow))
        for label, seconds in rows:
            print(f"{label:<34}{seconds:>9.3f}{seconds / base:>14.1f}")
        verdict = "ok" if empty < TARGET_S else "SLOW"
        print(f"import into an empty store: {empty:.3f} s (target < {TARGET_S:.1f} s): {verdict}")
    return 0 if empty < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
