"""``ldn-tui show studies`` (plain text) against ``cat`` of the pane's file.

Run from the repository root::

    .venv/bin/python benchmarks/bench_show.py [--repeat R]

Both run as a reader runs them, as new processes writing to a pipe: the
``ldn-tui`` console script of this checkout (byte-compiled first, as
``pip install`` does) and ``cat content/studies.md``, the baseline measured
in the same run. ``cat`` only copies bytes; ``show`` starts Python, loads the
content, parses the pane and its references and wraps the text, so the ratio
says what plain text costs over reading the raw file. Also timed:
``ldn-tui search fibromyalgia``. Target: ``show`` well under half a second.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5


def timed(argv: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{argv} failed: {result.stderr.decode()[-500:]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "ldn_tui"), quiet=1)
    script = Path(sys.executable).with_name("ldn-tui")
    content = ROOT / "content"
    cat = shutil.which("cat")
    runs = {
        "cat content/studies.md (baseline)": [cat, str(content / "studies.md")],
        "ldn-tui show studies": [str(script), "--content", str(content), "show", "studies"],
        "ldn-tui search fibromyalgia": [
            str(script),
            "--content",
            str(content),
            "--data-dir",
            "/nonexistent-ldn-bench",
            "search",
            "fibromyalgia",
        ],
    }
    timed(runs["ldn-tui show studies"], 2)  # warm the page cache
    medians = {}
    print(f"== show and search as new processes, median of {args.repeat} runs")
    for name, argv in runs.items():
        times = timed(argv, args.repeat)
        medians[name] = statistics.median(times)
        print(
            f"  {name:38} median {medians[name] * 1000:8.1f} ms   p90 "
            f"{sorted(times)[int(len(times) * 0.9)] * 1000:8.1f} ms"
        )
    base = medians["cat content/studies.md (baseline)"]
    show = medians["ldn-tui show studies"]
    verdict = "OK" if show <= TARGET_S else "SLOW"
    print(
        f"  ratio show/cat: {show / base:.0f}x  (show {show * 1000:.0f} ms; target <= {TARGET_S * 1000:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
