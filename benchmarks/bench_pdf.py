"""PDF handout speed: 1,000 notes to PDF, against the Markdown export of the same notes.

Run from the repository root::

    .venv/bin/python benchmarks/bench_pdf.py [--notes N] [--repeat R]

The notes and bookmarks are the ones ``bench_export.py`` makes (spread over
every heading of the shipped content), exported with scope ``all`` through
:func:`ldn_tui.export.request.write_export` to a temporary file (``fsync`` and
rename included), A4. The Markdown export of the same data, measured in
the same run, is the baseline. Also timed: one note of 1 MB (the PDF
prints its first ``NOTE_LIMIT`` characters). Target: 1,000 notes in at
most 2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import NOW, make_data, timed  # noqa: E402

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.export.request import ExportRequest, write_export  # noqa: E402
from ldn_tui.notes.models import AppState, Note  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402

TARGET_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per export; the best is shown")
    args = parser.parse_args()

    library = load_library(bundled_content_dir())
    bookmarks, notes = make_data(library, args.notes)
    state = AppState(last_pane=library.panes[0].id)
    first = notes[0]
    big = Note(
        "f" * 32, first.pane_id, first.slug, first.heading, "A long diary. " * 75_000, first.created, first.updated
    )  # 1.05 MB
    from pypdf import PdfReader  # noqa: E402 - a test extra; only for the page count

    with tempfile.TemporaryDirectory(prefix="ldn-bench-pdf-") as tmp:
        tmp_dir = Path(tmp)

        def run(fmt: str, name: str, notes_=notes) -> tuple[float, Path]:
            path = tmp_dir / name
            request = ExportRequest(fmt, "all", path, force=True)
            seconds = timed(lambda: write_export(request, library, bookmarks, notes_, state, now=NOW), args.repeat)
            return seconds, path

        md, md_path = run("md", "export.md")
        pdf, pdf_path = run("pdf", "export.pdf")
        one, one_path = run("pdf", "big.pdf", [big])
        pages = len(PdfReader(pdf_path).pages)
        print(
            f"{len(notes):,} notes over {len({(n.pane_id, n.slug) for n in notes}):,} headings, "
            f"{len(bookmarks)} bookmarks; best of {args.repeat}; target <= {TARGET_S:.1f} s"
        )
        print(f"{'export':<22}{'seconds':>9}{'KB':>9}{'pages':>7}{'x md':>8}")
        print(f"{'markdown':<22}{md:>9.3f}{md_path.stat().st_size / 1e3:>9.0f}{'':>7}{1.0:>8.1f}")
        print(f"{'pdf':<22}{pdf:>9.3f}{pdf_path.stat().st_size / 1e3:>9.0f}{pages:>7}{pdf / md:>8.1f}")
        print(
            f"{'pdf, one 1 MB note':<22}{one:>9.3f}{one_path.stat().st_size / 1e3:>9.0f}"
            f"{len(PdfReader(one_path).pages):>7}"
        )
    verdict = "ok" if pdf <= TARGET_S else "SLOW"
    print(f"pdf of {len(notes):,} notes: {pdf:.3f} s (target {TARGET_S:.1f} s): {verdict}")
    return 0 if pdf <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
