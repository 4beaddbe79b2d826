"""Benchmark the search index: build time and query latency.

Run from the checkout::

    .venv/bin/python benchmarks/bench_search.py [--content DIR] [--repeat N]

Measures, for the shipped content and for a synthetic corpus 100 times
larger (every pane's blocks replicated under renamed pane ids):

* parsing the panes (the content loader's job, reported apart),
* building the index from the parsed documents (target <= 50 ms shipped),
* query latency, median and p95, over a fixed mixed query list (exact,
  typo, prefix, multi-word, no-hit, regex characters) (targets: shipped
  median <= 5 ms, p95 <= 15 ms; 100x p95 <= 50 ms),
* as a baseline measured in the same run, a naive linear scan: every block
  text lower-cased once up front, then ``text.find(query)`` over all of them
  per query (no typos, no ranking, no snippets).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.notes.models import Bookmark, Note  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402
from ldn_tui.search.query import build_index  # noqa: E402

QUERIES = [
    # exact
    "naltrexone",
    "fibromyalgia",
    "dose",
    "sleep",
    "microglia",
    "trial",
    # case / accent
    "LDN",
    "Naltréxone",
    # typos (one edit)
    "naltrexon",
    "fibromyalga",
    "microglai",
    "insomnai",
    "placbo",
    # prefixes / word forms
    "dream",
    "nal",
    "stud",
    "inflamm",
    "dosing",
    # multi-word
    "low dose naltrexone",
    "side effects sleep",
    "vivid dreams",
    "how to take ldn at night",
    # no hit / regex characters
    "zzyzx",
    "qwertyuiop",
    "(",
    "a+b*",
    "[bold]",
]
REPEAT = 20


class SyntheticLibrary:
    """The shipped library's panes ``copies`` times under renamed ids.

    Has just what :func:`build_index` reads: ``panes``, ``document()`` and
    ``references``.
    """

    def __init__(self, library, copies: int) -> None:
        self.panes = tuple(
            replace(pane, id=f"{pane.id}-{n}", title=f"{pane.title} {n}")
            for n in range(copies)
            for pane in library.panes
        )
        self._source = {f"{pane.id}-{n}": pane.id for n in range(copies) for pane in library.panes}
        self._library = library
        self.references = {
            f"{key}x{n}": replace(ref, key=f"{key}x{n}")
            for n in range(copies)
            for key, ref in library.references.items()
        }

    @property
    def references_pane(self):
        return next((p for p in self.panes if p.kind == "references"), None)

    def document(self, pane_id: str):
        return self._library.document(self._source[pane_id])


def block_texts(library) -> list[str]:
    texts = []
    for pane in library.panes:
        for block in library.document(pane.id).blocks:
            text = block.text
            if text:
                texts.append(text.lower())
    return texts


def timed(func, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def query_times(index, repeat: int) -> list[float]:
    index.search(QUERIES[0])  # warm caches (lazy typo table, fold cache)
    for q in QUERIES:
        index.search(q)
    times = []
    for _ in range(repeat):
        for q in QUERIES:
            start = time.perf_counter()
            index.search(q)
            times.append((time.perf_counter() - start) * 1000)
    return times


def naive_times(texts: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for q in QUERIES:
            needle = q.lower()
            start = time.perf_counter()
            [i for i, t in enumerate(texts) if t.find(needle) != -1]
            times.append((time.perf_counter() - start) * 1000)
    return times


def report(
    name: str, library, repeat: int, build_target: float | None, median_target: float | None, p95_target: float
) -> None:
    builds = timed(lambda: build_index(library), 5)
    index = build_index(library)
    index.set_user_data(
        [Note("n1", library.panes[0].id, "", "", "My note about sleep and vivid dreams", "", "")],
        [Bookmark(library.panes[0].id, "", library.panes[0].title, "")],
    )
    typo_table = timed(lambda: (setattr(index._content, "_deletes", None), index._content.deletes))[0]
    times = query_times(index, repeat)
    texts = block_texts(library)
    naive = naive_times(texts, repeat)
    med, p95 = statistics.median(times), percentile(times, 95)
    nmed, np95 = statistics.median(naive), percentile(naive, 95)
    print(
        f"\n== {name}: {len(library.panes)} panes, {len(texts)} blocks, {len(index)} index entries, "
        f"{len(index._content.vocab)} words"
    )
    target = f"(target <= {build_target:.0f} ms)" if build_target else "(no target)"
    print(f"  build index (median of 5): {statistics.median(builds):8.2f} ms  {target}")
    print(f"  typo table, built lazily on first typo query: {typo_table:8.2f} ms")
    mt = f"(target <= {median_target:.0f} ms)" if median_target else ""
    print(f"  query median:              {med:8.3f} ms  {mt}")
    print(f"  query p95:                 {p95:8.3f} ms  (target <= {p95_target:.0f} ms)")
    print(f"  query max:                 {max(times):8.3f} ms")
    print(f"  naive str.find scan median {nmed:8.3f} ms, p95 {np95:8.3f} ms")
    print(
        f"  ratio index/naive: median {med / nmed:6.1f}x, p95 {p95 / np95:6.1f}x "
        f"({len(QUERIES)} queries x {repeat} runs)"
    )
    misses = [q for q in QUERIES if not index.search(q)] + ["fibromialgya", "nalterxxone", "slep"]
    suggest = []
    for _ in range(repeat):
        for q in misses:
            start = time.perf_counter()
            index.suggest(q)
            suggest.append((time.perf_counter() - start) * 1000)
    print(
        f"  suggest() (the screen calls it on no results): median {statistics.median(suggest):.3f} ms, "
        f"p95 {percentile(suggest, 95):.3f} ms over {len(misses)} queries"
    )
    slow = sorted(QUERIES, key=lambda q: -statistics.median(timed(lambda: index.search(q), 5)))[:3]
    print(f"  slowest queries: {', '.join(repr(q) for q in slow)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=bundled_content_dir())
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    print(f"content: {args.content}  python {sys.version.split()[0]}")
    start = time.perf_counter()
    library = load_library(args.content)
    for pane in library.panes:
        library.document(pane.id)
    parse_ms = (time.perf_counter() - start) * 1000
    print(f"load + parse all panes (content loader, cold, incl. markdown-it import): {parse_ms:.1f} ms")
    cold = load_library(args.content)
    start = time.perf_counter()
    build_index(cold)
    print(
        f"build_index on an unparsed library (parse + index, warm imports): "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )
    report("shipped content", library, args.repeat, 50, 5, 15)
    report("synthetic 100x", SyntheticLibrary(library, 100), max(3, args.repeat // 4), None, None, 50)


if __name__ == "__main__":
    main()
