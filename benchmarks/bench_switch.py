"""Perceived pane switch in a real terminal: ldn-tui versus a bare Textual app.

What the reader waits for: from pressing a pane key to the new pane's title
on screen. Both programs run under tmux at 100x30. ldn-tui is started by its
console script (byte-compiled first, as pip installs it; see
bench_startup), left alone for ``--wait`` seconds so it has prepared the
other panes in the background, then keys 1..9 are pressed in a shuffled
order (each pass visits every pane once; no key repeats the pane already
shown), ``--passes`` passes per round, with a reader's pause between keys.
A switch ends when the top screen line, right of the pane list, holds the
pane's title. The baseline, in the same run and measured the same way, is
``bare_switch_app.py``: a bare Textual app whose keys 1..9 swap a Static's
text to the same titles. Rounds alternate the programs so drift on a
busy machine hits all alike. Prints median and p95 of each and the ratios
(issue 14's target: p95 ratio <= 1.25).

A second, informative baseline (``bare app, full page``) swaps the Static
to the title plus a screenful of plain text: what Textual itself needs to
paint a new page of text, without ldn-tui's styles, pane list, scrollbar
and layout. Its ratio says how much of the gap is the page being new.

Measuring: one tmux control-mode client (``tmux -C``) sends the keys and
captures the pane, so a capture costs about 0.2 ms instead of the ~5 ms of
a new ``tmux`` process. The screen is polled every ``POLL`` seconds (2 ms):
each figure is late by at most that plus one capture, for both programs
alike. The time includes tmux itself (key delivery, parsing the program's
output), which a real terminal also adds.

    .venv/bin/python benchmarks/bench_switch.py [--rounds N] [--passes N] [--wait S]
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
sys.path.insert(0, str(HERE.parent))

from bench_startup import prepare_data  # noqa: E402
from terminal import Terminal  # noqa: E402

from ldn_tui.content.library import load_library  # noqa: E402
from ldn_tui.paths import bundled_content_dir  # noqa: E402

POLL = 0.002
#: between keys: a reader's pace, and the previous switch's frame settles
PAUSE = 0.25


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def title_shown(screen: list[str], title: str) -> bool:
    """The top line, right of the pane list (the '▕' rule), holds ``title``."""
    top = screen[0] if screen else ""
    return title in top.rsplit("▕", 1)[-1]


def time_switch(term: Terminal, key: str, title: str, timeout: float = 10.0) -> float:
    """Seconds from sending ``key`` until ``title`` is on the top line."""
    start = time.perf_counter()
    term.command(f"send-keys {key}")
    while True:
        if title_shown(term.screen(), title):
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise SystemExit(
                f"timed out waiting for {title!r} after key {key}; screen was:\n" + "\n".join(term.screen())
            )
        time.sleep(POLL)


def key_order(rng: random.Random, count: int, current: int, passes: int) -> list[int]:
    """``passes`` shuffled visits of panes 1..count; never the pane on screen."""
    order: list[int] = []
    for _ in range(passes):
        visit = list(range(1, count + 1))
        rng.shuffle(visit)
        if visit[0] == current:
            visit.append(visit.pop(0))
        order += visit
        current = visit[-1]
    return order


def one_run(
    command: list[str], ready: str, env: dict[str, str], keys: list[int], titles: list[str], wait: float
) -> list[float]:
    term = Terminal(env)
    try:
        term.start(command, {"LDN_TUI_DATA_DIR": env["LDN_TUI_DATA_DIR"]})
        term.wait_for(ready)
        time.sleep(wait)  # the app prepares the other panes meanwhile
        times = []
        for number in keys:
            time.sleep(PAUSE)
            times.append(time_switch(term, str(number), titles[number - 1]))
        return times
    finally:
        term.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=2, help="visits of every pane per round")
    parser.add_argument("--wait", type=float, default=2.0, help="seconds after start before the first key")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is required (apt-get install tmux)")
    compileall.compile_dir(HERE.parent / "ldn_tui", quiet=1)
    python = sys.executable
    script = Path(python).with_name("ldn-tui")
    ldn_tui = [str(script)] if script.exists() else [python, "-m", "ldn_tui"]
    titles = [pane.title for pane in load_library(bundled_content_dir()).panes][:9]
    bare = [python, str(HERE / "bare_switch_app.py"), *titles]
    page = [python, str(HERE / "bare_switch_app.py"), "--page", *titles]
    times: dict[str, list[float]] = {"bare textual app": [], "bare app, full page": [], "ldn-tui": []}
    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(14)
        for index in range(args.rounds):
            data = Path(tmp, f"d{index}")
            prepare_data(data, 0)  # notice seen; the app opens on pane 1
            env = {**os.environ, "LDN_TUI_DATA_DIR": str(data)}
            keys = key_order(rng, len(titles), 1, args.passes)
            runs = [
                ("ldn-tui", ldn_tui, "Last reviewed"),
                ("bare textual app", bare, "bare-app-ready"),
                ("bare app, full page", page, "bare-app-ready"),
            ]
            runs = runs[index % 3 :] + runs[: index % 3]
            for name, command, ready in runs:
                # The bare app starts on its ready line, not pane 1: its first
                # key is always a change too.
                times[name] += one_run(command, ready, env, keys, titles, args.wait)
    ms = {name: (statistics.median(v) * 1000, p95(v) * 1000) for name, v in times.items()}
    count = len(times["ldn-tui"])
    print(f"perceived pane switch (key -> title on screen), tmux 100x30, {args.rounds} rounds, {count} switches each,")
    print(f"after {args.wait:g} s of background preparation, polled every {POLL * 1000:g} ms")
    for name, (median, high) in ms.items():
        print(f"  {name:<21} median {median:6.1f} ms   p95 {high:6.1f} ms")
    median, high = ms["ldn-tui"]
    for name in ("bare textual app", "bare app, full page"):
        base_median, base_p95 = ms[name]
        print(f"  ldn-tui / {name:<21} median {median / base_median:4.2f}x   p95 {high / base_p95:4.2f}x")
    ratio = high / ms["bare textual app"][1]
    print(f"target p95 ratio <= 1.25: {'PASS' if ratio <= 1.25 else 'FAIL'} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
