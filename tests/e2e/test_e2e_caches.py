"""A returning reader's start: the installed app, started again in the same
data directory, reads its document and stylesheet caches (written by the
first start) and paints exactly what the first start painted, colours
included; a cache made for one theme never colours a start in another."""

from __future__ import annotations

import time
from pathlib import Path

from e2e.conftest import write_state
from e2e.tmux_driver import Screen

LIGHT = "textual-light"


def first_frame(terminal, data_dir: Path) -> Screen:
    """Start the app in ``data_dir``, take its settled first screen, quit."""
    term = terminal(data_dir=data_dir)
    term.wait_for(lambda s: "Last reviewed" in s.text, what="the first pane")
    screen = term.wait_settled(quiet=0.5)
    term.keys("q")
    term.wait_exit()
    return screen


def wait_for_caches(terminal, data_dir: Path, timeout: float = 20.0) -> None:
    """Run the app until it has written both caches (after it prepared every pane)."""
    term = terminal(data_dir=data_dir)
    term.wait_for(lambda s: "Last reviewed" in s.text, what="the first pane")
    cache = data_dir / "cache"
    deadline = time.monotonic() + timeout
    while not (list(cache.glob("styles-*.pickle")) and list(cache.glob("documents-*.pickle"))):
        assert time.monotonic() < deadline, f"no caches written: {sorted(p.name for p in cache.glob('*'))}"
        time.sleep(0.1)
    time.sleep(0.3)
    term.keys("q")
    term.wait_exit()


def test_a_start_with_the_caches_paints_what_a_start_without_them_did(terminal, tmp_path):
    light = write_state(tmp_path / "light", notice_seen=True, theme=LIGHT)
    light_fresh = first_frame(terminal, light)

    data = write_state(tmp_path / "data", notice_seen=True)
    fresh = first_frame(terminal, data)  # a new data directory: painted with no cache
    wait_for_caches(terminal, data)
    cached = first_frame(terminal, data)
    assert cached.cells == fresh.cells, "the start with the caches painted something else:\n" + cached.text

    # The same data directory, now in the light theme: its cache is for the
    # dark one and must not be used.
    write_state(data, notice_seen=True, theme=LIGHT)
    switched = first_frame(terminal, data)
    assert switched.cells == light_fresh.cells, "a cache for another theme coloured this start:\n" + switched.text
    assert switched.cells != fresh.cells
