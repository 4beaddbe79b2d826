"""Pane switching time and peak memory.

Switching: headless (Pilot, 100x30). Each round starts a fresh app on a
freshly loaded content directory (so every first visit parses and renders
from scratch) and visits the panes in a shuffled order, twice. A switch is
timed inside the app: the pane key's handler, then a synchronous layout and
full repaint of the screen (what the reader waits for). Pilot's own
round-trip (tens of milliseconds of idle waits) is left out. Baseline, in
the same run and measured the same way: a full repaint with no switch.
Target: p95 <= 50 ms, first visits included.

Memory: the real app in tmux (100x30) visits every pane; the peak resident
set (VmHWM) of its process is read from /proc. Target: <= 100 MB. Baseline:
the bare Textual app of bench_startup.

    .venv/bin/python benchmarks/bench_panes.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def one_round(data_dir: Path, seed: int, cold: bool = False) -> tuple[list[float], list[float], list[float]]:
    from ldn_tui.notes.store import Store
    from ldn_tui.tui.app import create_app

    store = Store.open(data_dir)
    store.set_state(notice_seen=True, last_pane=None)
    library = load_library(bundled_content_dir())
    app = create_app(library, data_dir, store)
    first, again, idle = [], [], []
    keys = [str(n) for n in range(1, min(9, len(library.panes)) + 1)]
    order = keys[1:] + keys[:1]  # pane 1 is shown at start: visit it last
    random.Random(seed).shuffle(order)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # The reader looks at the first pane while the others are prepared
        # in the background (a worker thread); let that finish.
        if not cold:
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.reader

        def repaint() -> None:
            # What the screen's update timer does, done now so it is timed.
            screen._refresh_layout()  # noqa: SLF001 - benchmark only
            screen._compositor_refresh()  # noqa: SLF001

        for visits, bucket in ((order, first), (list(reversed(order)), again)):
            for key in visits:
                await pilot.pause()
                start = time.perf_counter()
                screen.action_pane(int(key))
                repaint()
                bucket.append(time.perf_counter() - start)
                await pilot.pause()
                start = time.perf_counter()
                screen.view.refresh()
                repaint()
                idle.append(time.perf_counter() - start)
    return first, again, idle


def switching(rounds: int, cold: bool) -> None:
    first: list[float] = []
    again: list[float] = []
    idle: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(rounds):
            f, a, i = asyncio.run(one_round(Path(tmp, f"d{index}"), index, cold))
            first += f
            again += a
            idle += i
    every = first + again
    ms = lambda v: v * 1000  # noqa: E731
    base = statistics.median(idle)
    how = "without waiting for the background preparation" if cold else "after the background preparation"
    print(f"pane switch, headless 100x30, {rounds} rounds, {len(every)} switches, {how}")
    print(f"  baseline (repaint only)  median {ms(base):6.1f} ms   p95 {ms(p95(idle)):6.1f} ms")
    print(
        f"  first visits            median {ms(statistics.median(first)):6.1f} ms   p95 {ms(p95(first)):6.1f} ms   ratio {statistics.median(first) / base:4.1f}x"
    )
    print(
        f"  repeat visits           median {ms(statistics.median(again)):6.1f} ms   p95 {ms(p95(again)):6.1f} ms   ratio {statistics.median(again) / base:4.1f}x"
    )
    result = ms(p95(every))
    print(f"  all switches            p95 {result:6.1f} ms   target <= 50 ms: {'PASS' if result <= 50 else 'FAIL'}")


def peak_rss_mb(command: list[str], needle: str, keys: list[str], data_dir: Path) -> float:
    socket = f"ldn-rss-{os.getpid()}"
    tmux = lambda *a: subprocess.run(["tmux", "-L", socket, *a], capture_output=True, text=True).stdout  # noqa: E731
    tmux("kill-server")
    subprocess.run(
        [
            "tmux",
            "-L",
            socket,
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            f"LDN_TUI_DATA_DIR={data_dir}",
            *command,
        ],
        check=True,
    )
    try:
        deadline = time.time() + 20
        while needle not in tmux("capture-pane", "-p"):
            if time.time() > deadline:
                raise SystemExit(f"timed out waiting for {needle!r}")
            time.sleep(0.02)
        for key in keys:
            tmux("send-keys", key)
            time.sleep(0.3)
        pid = tmux("list-panes", "-F", "#{pane_pid}").strip()
        status = Path(f"/proc/{pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    finally:
        tmux("kill-server")


def memory() -> None:
    from ldn_tui.notes.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = Store.open(data)
        store.set_state(notice_seen=True)
        store.close()
        python = sys.executable
        bare = peak_rss_mb([python, str(HERE / "bare_app.py")], "bare-app-ready", [], data)
        app = peak_rss_mb([python, "-m", "ldn_tui"], "Last reviewed", [str(n) for n in range(1, 10)] + ["t", "1"], data)
    print("peak RSS (VmHWM), real terminal 100x30")
    print(f"  bare textual app        {bare:6.1f} MB")
    print(
        f"  ldn-tui, every pane     {app:6.1f} MB   ratio {app / bare:4.2f}x   target <= 100 MB: {'PASS' if app <= 100 else 'FAIL'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="switch at once, before panes are prepared")
    args = parser.parse_args()
    switching(args.rounds, args.cold)
    memory()
    return 0


if __name__ == "__main__":
    sys.exit(main())
