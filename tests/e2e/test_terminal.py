"""The real thing: ``python -m ldn_tui`` in a real terminal (tmux), with the
shipped content, driven by keys and read back with ``capture-pane``.

tmux is required (CI installs it): without it this test fails, it does not
skip.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir

WIDTH, HEIGHT = 100, 30
START_TIMEOUT = 15.0
STEP_TIMEOUT = 10.0


class Tmux:
    """One private tmux server (its own socket) holding one session."""

    def __init__(self, tmux: str, session: str = "ldn") -> None:
        self.tmux = tmux
        self.socket = f"ldn-tui-test-{uuid.uuid4().hex[:12]}"
        self.session = session

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # The server inherits this environment. COLUMNS and LINES (pytest
        # sets them) would override the real terminal size in the app.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        return subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=check,
            env=env,
        )

    def start(self, command: str, cwd: Path) -> None:
        self.run(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-c",
            str(cwd),
            command,
        )

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session, check=False).returncode == 0

    def capture(self) -> str:
        result = self.run("capture-pane", "-p", "-t", self.session, check=False)
        return result.stdout if result.returncode == 0 else ""

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def wait_for(self, predicate, what: str, timeout: float) -> str:
        """Poll the screen until ``predicate(screen)`` holds."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if predicate(screen):
                return screen
            if not self.alive():
                break
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; the screen was:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


def view_title(screen: str) -> str:
    """The pane title: the first line's text right of the pane list's border."""
    first = screen.splitlines()[0] if screen.strip() else ""
    return re.split(r"[▕│|]", first)[-1].strip()


@pytest.fixture
def tmux():
    """A private tmux server, or None when tmux is missing (the test then
    fails, in its own body, so it is reported as a failure, not an error)."""
    path = shutil.which("tmux")
    server = Tmux(path) if path else None
    yield server
    if server is not None:
        server.kill()


def test_app_in_a_real_terminal(tmux: Tmux | None, tmp_path: Path):
    if tmux is None:
        pytest.fail("tmux is not installed: this test needs it (CI installs it; apt-get install tmux)")
    panes = load_library(bundled_content_dir()).panes
    first, second = panes[0], panes[1]
    data = tmp_path / "data"
    status = tmp_path / "exit-status"
    app = shlex.join(
        [
            "env",
            "-u",
            "LDN_TUI_CONTENT",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            f"LDN_TUI_DATA_DIR={data}",
            sys.executable,
            "-m",
            "ldn_tui",
        ]
    )
    tmux.start(f"{app}; echo $? > {shlex.quote(str(status))}", tmp_path)

    screen = tmux.wait_for(lambda s: view_title(s) == first.title, f"the first pane ({first.title!r})", START_TIMEOUT)
    assert f"Last reviewed {first.reviewed}" in screen
    # The app fills the 100x30 terminal: the footer is on the last row.
    tmux.wait_for(
        lambda s: "Quit" in (s.splitlines() + [""] * HEIGHT)[HEIGHT - 1], "the footer on the last row", STEP_TIMEOUT
    )
    tmux.wait_for(lambda s: "I understand" in s, "the first-start notice", STEP_TIMEOUT)

    tmux.keys("Enter")
    tmux.wait_for(lambda s: "I understand" not in s, "the notice to close", STEP_TIMEOUT)

    tmux.keys("2")
    screen = tmux.wait_for(lambda s: view_title(s) == second.title, f"the second pane ({second.title!r})", STEP_TIMEOUT)
    assert f"Last reviewed {second.reviewed}" in screen

    tmux.keys("q")
    deadline = time.monotonic() + STEP_TIMEOUT
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), f"the app did not exit after q; the screen was:\n{tmux.capture()}"
    assert status.read_text().strip() == "0"
    # The notice was accepted and remembered in the data directory.
    from ldn_tui.notes.store import Store

    with Store.open(data) as store:
        assert store.state().notice_seen is True
