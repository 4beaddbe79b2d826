"""Export speed: 10,000 notes in every format, against a plain ``json.dumps``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_export.py [--notes N] [--repeat R]

The notes are spread over every heading of the shipped content (a bookmark
on every third heading), so the Markdown, HTML and CSV exports do their
real work: outline in reading order, citations, reference list. Each format
goes through :func:`ldn_tui.export.request.write_export` to a temporary file
(``fsync`` and rename included). The baseline, measured in the same run,
is ``json.dumps`` of the same notes as dicts, written and ``fsync``-ed.
Target: at most 1 s per format. The PDF handout has its own benchmark and
target (``bench_pdf.py``: 1,000 notes in at most 2 s), so it is left out here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.export import FORMATS, ExportRequest, write_export  # noqa: E402
from ldn_tui.notes.models import AppState, Bookmark, Note  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402

TARGET_S = 1.0
NOW = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
TEXTS = [
    "Started at 0.5 mg. Vivid dreams the first week, then fine.",
    "Ask about taking it in the morning instead:\n- sleep\n- headaches\n\n```\nnot code\n```",
    "# Not a heading, <b>not html</b>, [not a link](x), *not bold*",
    'Pain diary: week 1 = 6/10, week 4 = 5/10. "Worth discussing", she said.',
]


def make_data(library, count: int) -> tuple[list[Bookmark], list[Note]]:
    places = [(pane.id, heading) for pane in library.panes for heading in library.document(pane.id).headings]
    notes = []
    for index in range(count):
        pane_id, heading = places[index % len(places)]
        stamp = f"2026-01-{1 + index % 28:02d}T{index % 24:02d}:00:00.{index:06d}+00:00"
        notes.append(
            Note(
                f"{index:032x}",
                pane_id,
                heading.slug,
                heading.text,
                f"{TEXTS[index % len(TEXTS)]} (note {index})",
                stamp,
                stamp,
            )
        )
    bookmarks = [
        Bookmark(pane_id, heading.slug, heading.text, "2026-01-01T00:00:00.000000+00:00")
        for pane_id, heading in places[::3]
    ]
    return bookmarks, notes


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs)


def baseline(records: list[dict], path: Path) -> None:
    data = json.dumps(records).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per format; the best is shown")
    args = parser.parse_args()

    library = load_library(bundled_content_dir())
    bookmarks, notes = make_data(library, args.notes)
    state = AppState(last_pane=library.panes[0].id)
    with tempfile.TemporaryDirectory(prefix="ldn-bench-export-") as tmp:
        tmp_dir = Path(tmp)
        records = [asdict(n) for n in notes]  # converted outside the timing
        base = timed(lambda: baseline(records, tmp_dir / "baseline.json"), args.repeat)
        base_size = (tmp_dir / "baseline.json").stat().st_size
        print(
            f"{len(notes):,} notes over {len({(n.pane_id, n.slug) for n in notes}):,} headings "
            f"of {len(library.panes)} panes, {len(bookmarks)} bookmarks; best of {args.repeat}; "
            f"target <= {TARGET_S:.1f} s per format"
        )
        print(f"{'format':<10}{'scope':<12}{'seconds':>9}{'MB':>8}{'x baseline':>12}  target")
        print(f"{'baseline':<10}{'json.dumps':<12}{base:>9.3f}{base_size / 1e6:>8.2f}{1.0:>12.1f}")
        worst = 0.0
        for fmt in FORMATS:
            if fmt == "pdf":  # see bench_pdf.py
                continue
            path = tmp_dir / f"export.{fmt}"
            request = ExportRequest(fmt, "all", path, force=True)
            seconds = timed(lambda: write_export(request, library, bookmarks, notes, state, now=NOW), args.repeat)
            worst = max(worst, seconds)
            verdict = "ok" if seconds <= TARGET_S else "SLOW"
            print(
                f"{fmt:<10}{'all':<12}{seconds:>9.3f}{path.stat().st_size / 1e6:>8.2f}"
                f"{seconds / base:>12.1f}  {verdict}"
            )
    print(f"slowest format: {worst:.3f} s (target {TARGET_S:.1f} s): {'ok' if worst <= TARGET_S else 'SLOW'}")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
