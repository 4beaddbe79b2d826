"""D2 in a real terminal: the installed ``ldn-tui`` in tmux, the editor open
with unsaved text, then the terminal closed (tmux ``kill-server``: SIGHUP)
or the process stopped (SIGTERM). The next start must offer the text back,
byte-exact, and save it on request.

Heavy (two app starts per case): run with ``flock /tmp/ldn-heavy.lock``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from helpers import seen_data_dir

from e2e.test_terminal import START_TIMEOUT, STEP_TIMEOUT, Tmux
from ldn_tui.notes import drafts
from ldn_tui.notes.store import Store

TEXT = "unsaved then terminal closed ✎ 5 mg [bold]/day ünï"
APP = Path(sys.executable).parent / "ldn-tui"


def start(tmux: Tmux, data: Path, cwd: Path) -> int:
    """Start ldn-tui in ``tmux``; its pid once the first pane is drawn."""
    tmux.start(f"exec env LDN_TUI_DATA_DIR={shlex.quote(str(data))} {shlex.quote(str(APP))}", cwd)
    tmux.wait_for(lambda s: "Quit" in s or "Help" in s, "the app's footer", START_TIMEOUT)
    return int(tmux.run("list-panes", "-t", tmux.session, "-F", "#{pane_pid}").stdout.split()[0])


def wait_gone(pid: int, timeout: float = STEP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"ldn-tui (pid {pid}) did not exit after the signal")


@pytest.mark.parametrize("how", ["hangup", "sigterm"])
def test_closed_terminal_keeps_the_draft_and_offers_it_back(tmp_path: Path, how: str) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: this test needs it")
    assert APP.exists(), APP
    data = seen_data_dir(tmp_path / "data")
    first = Tmux(shutil.which("tmux"))
    try:
        pid = start(first, data, tmp_path)
        first.keys("n")
        first.wait_for(lambda s: "ctrl+s saves" in s, "the note editor", STEP_TIMEOUT)
        first.keys("-l", TEXT)
        first.wait_for(lambda s: "terminal closed" in s and "/day" in s, "the typed text", STEP_TIMEOUT)
        # No pause for the draft's own timer: the signal must write it.
        if how == "hangup":
            first.kill()  # the window closes: SIGHUP
        else:
            os.kill(pid, signal.SIGTERM)
        wait_gone(pid)
    finally:
        first.kill()
    [draft] = drafts.left_behind(data)
    assert draft.text == TEXT
    with Store.open(data) as store:
        assert store.notes() == []

    second = Tmux(shutil.which("tmux"))
    try:
        pid = start(second, data, tmp_path)
        second.wait_for(lambda s: "Unsaved note from last time" in s, "the draft offered back", STEP_TIMEOUT)
        second.keys("Enter")  # the default: restore into the editor
        second.wait_for(lambda s: "is back" in s and "terminal closed" in s, "the restored draft", STEP_TIMEOUT)
        second.keys("C-s")
        second.wait_for(lambda s: "Saved" in s, "the save", STEP_TIMEOUT)
        second.keys("C-q")
        wait_gone(pid)
    finally:
        second.kill()
    with Store.open(data) as store:
        assert [n.text for n in store.notes()] == [TEXT]
    assert drafts.left_behind(data) == []
