"""Start-up time in a real terminal: ldn-tui versus a bare Textual app.

Runs both under tmux at 100x30, alternately (ldn-tui by its console
script, as a reader starts it), and measures the time from launch until the first pane's text (for the bare app: its one line) is on
screen, polling the pane through one tmux control-mode client
(:mod:`terminal`: no process per poll, so the polling takes next to no CPU
from the program measured). Prints medians and the ratio
(target: ldn-tui <= 1.25x the bare app; issue 14 asks <= 1.15x).
A second, informative baseline (``bare app, full page``) paints a
screenful of plain text under its line, as ldn-tui's first frame is a full
page: its ratio says how much of the gap is the page itself.

Also measures ldn-tui with a store of 10,000 notes against an empty store
(target: at most 50 ms slower).

Byte code: Textual's modules were compiled to ``.pyc`` when pip installed
them, and a wheel install of ldn-tui is compiled the same way. An editable
install is compiled on its first run, unless ``PYTHONDONTWRITEBYTECODE`` is
set (as on some build machines), in which case every start compiles ldn-tui
from source (about 15 ms more). So the benchmark byte-compiles the package
first, as pip does; ``--source`` measures the uncompiled case instead.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--source]
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from terminal import Terminal  # noqa: E402


def time_to_text(term: Terminal, command: list[str], needle: str, data: Path, linger: float = 0.0) -> float:
    """Seconds from starting ``command`` in ``term`` until ``needle`` shows.

    ``linger`` keeps the program running that long afterwards (the warm-up
    run lets the app finish its background work, which writes the parsed
    document and stylesheet caches that every later start reads).
    """
    term.idle()
    start = term.start(command, {"LDN_TUI_DATA_DIR": str(data)})
    seen = term.wait_for(needle)
    time.sleep(linger)
    return seen - start


def prepare_data(path: Path, notes: int) -> None:
    """A data dir with the notice seen and ``notes`` notes."""
    sys.path.insert(0, str(HERE.parent))
    from ldn_tui.notes.store import Store

    store = Store.open(path)
    store.set_state(notice_seen=True)
    if notes:
        bulk_notes(store, notes)
    store.close()


def bulk_notes(store, count: int) -> None:
    """Add ``count`` notes in one write (the public API fsyncs each add)."""
    from dataclasses import asdict

    from ldn_tui.notes.models import Note
    from ldn_tui.notes.records import NOTES, now_utc

    stamp = now_utc()
    docs = [
        asdict(Note(f"{i:032x}", "studies", "fibromyalgia", "Fibromyalgia", f"note {i} " * 20, stamp, stamp))
        for i in range(count)
    ]
    with store._op(write=True):  # noqa: SLF001 - benchmark set-up only
        store._table(NOTES).insert_multiple(docs)


def ratio_interval(values: list[float], base: list[float], rounds: int = 2000) -> tuple[float, float]:
    """A 95% bootstrap interval of median(values) / median(base): how far
    the ratio could move on another run of the same length."""
    rng = random.Random(15)
    ratios = sorted(
        statistics.median(rng.choices(values, k=len(values))) / statistics.median(rng.choices(base, k=len(base)))
        for _ in range(rounds)
    )
    return ratios[int(0.025 * rounds)], ratios[int(0.975 * rounds) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--source", action="store_true", help="remove ldn-tui's byte code first: every start compiles it"
    )
    args = parser.parse_args()
    package = HERE.parent / "ldn_tui"
    if args.source:
        for cache in package.rglob("__pycache__"):
            shutil.rmtree(cache)
    else:
        compileall.compile_dir(package, quiet=1)
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is required (apt-get install tmux)")
    python = sys.executable
    # What a reader types: the console script next to this interpreter
    # (``python -m ldn_tui`` when the package is not installed).
    script = Path(python).with_name("ldn-tui")
    LDN_TUI = [str(script)] if script.exists() else [python, "-m", "ldn_tui"]
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp, "empty"), Path(tmp, "full")
        prepare_data(empty, 0)
        prepare_data(full, 10_000)
        env = dict(os.environ)
        if args.source:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        term = Terminal(env)
        cases = {
            "bare textual app": ([python, str(HERE / "bare_app.py")], "bare-app-ready", empty),
            "bare app, full page": ([python, str(HERE / "bare_app.py"), "--page"], "bare-app-ready", empty),
            "ldn-tui (empty store)": (LDN_TUI, "Last reviewed", empty),
            "ldn-tui (10,000 notes)": (LDN_TUI, "Last reviewed", full),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        # Warm up once (the OS file cache, Python's bytecode cache, and the
        # app's own document cache, written by its background worker), then
        # alternate so drift hits all alike.
        try:
            for command, needle, data in cases.values():
                time_to_text(term, command, needle, data, linger=3.0)
            for _ in range(args.runs):
                for name, (command, needle, data) in cases.items():
                    times[name].append(time_to_text(term, command, needle, data))
        finally:
            term.close()
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    base = medians["bare textual app"]
    code = "ldn-tui compiled from source at every start" if args.source else "ldn-tui byte-compiled, as pip installs it"
    print(f"start-up to first text, tmux 100x30, median of {args.runs} runs ({code})")
    for name, value in medians.items():
        print(f"  {name:<24} {value:7.1f} ms   ratio {value / base:4.2f}x")
    ratio = medians["ldn-tui (empty store)"] / base
    page = medians["ldn-tui (empty store)"] / medians["bare app, full page"]
    print(f"ldn-tui / bare app, full page: {page:4.2f}x (informative: the same job, a screenful of text)")
    extra = medians["ldn-tui (10,000 notes)"] - medians["ldn-tui (empty store)"]
    low, high = ratio_interval(times["ldn-tui (empty store)"], times["bare textual app"])
    print(f"target ratio <= 1.15x (issue 14): {'PASS' if ratio <= 1.15 else 'FAIL'} ({ratio:.2f}x;", end=" ")
    print(f"95% interval {low:.2f}x-{high:.2f}x: the same program's start varies by tens of ms)")
    print(f"10,000 notes add {extra:+.1f} ms (target <= +50 ms): {'PASS' if extra <= 50 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
