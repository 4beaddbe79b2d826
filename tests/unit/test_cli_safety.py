"""``ldn-tui`` without a terminal (ecosystem.md defect 7; issue 10).

From cron, with ``</dev/null``, or piped into ``cat``, the app used to write
escape codes into the file or pipe and hang, or draw at a made-up size. It
must exit non-zero at once with one line on stderr that says why and
names the plain-text command. Each case runs the real console script's
module in a subprocess with a 10-second limit.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
LIMIT = 10


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LDN_TUI_DATA_DIR": str(tmp_path / "data"),
        "LDN_TUI_CONTENT": str(FIXTURE),
        "TERM": "xterm-256color",
    }


def _check(result: subprocess.CompletedProcess, stdout: bytes, which: str, started: float) -> None:
    assert time.monotonic() - started < LIMIT
    assert result.returncode != 0
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ldn-tui: needs a terminal")
    assert which in lines[0]
    assert "ldn-tui show" in lines[0]
    assert b"\x1b" not in stdout and b"\x1b" not in result.stderr


@pytest.mark.parametrize("args", [[], ["run"]])
def test_no_terminal_at_all_exits_at_once(tmp_path, args):
    """``ldn-tui </dev/null >file`` (cron)."""
    out = tmp_path / "out.txt"
    started = time.monotonic()
    with open(os.devnull, "rb") as stdin, open(out, "wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "ldn_tui", *args],
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=_env(tmp_path),
            cwd=tmp_path,
            timeout=LIMIT,
        )
    _check(result, out.read_bytes(), "standard input", started)


def test_pipes_on_both_sides_exit_at_once(tmp_path):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui"],
        input=b"q",
        capture_output=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=LIMIT,
    )
    _check(result, result.stdout, "standard input", started)


def _with_pty(tmp_path: Path, stdin_tty: bool) -> tuple[subprocess.CompletedProcess, bytes, float]:
    master, slave = pty.openpty()
    try:
        started = time.monotonic()
        if stdin_tty:  # ``ldn-tui | cat``: keys from the terminal, output into a pipe
            result = subprocess.run(
                [sys.executable, "-m", "ldn_tui"],
                stdin=slave,
                capture_output=True,
                env=_env(tmp_path),
                cwd=tmp_path,
                timeout=LIMIT,
            )
            drawn = result.stdout
        else:  # ``ldn-tui </dev/null`` in a terminal
            with open(os.devnull, "rb") as stdin:
                result = subprocess.run(
                    [sys.executable, "-m", "ldn_tui"],
                    stdin=stdin,
                    stdout=slave,
                    stderr=subprocess.PIPE,
                    env=_env(tmp_path),
                    cwd=tmp_path,
                    timeout=LIMIT,
                )
            drawn = b""
            while select.select([master], [], [], 0.2)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                drawn += chunk
        return result, drawn, started
    finally:
        os.close(slave)
        os.close(master)


def test_stdout_into_a_pipe_is_refused(tmp_path):
    """``ldn-tui | cat`` must not draw at a wrong size silently."""
    result, drawn, started = _with_pty(tmp_path, stdin_tty=True)
    _check(result, drawn, "standard output", started)


def test_stdin_not_a_terminal_is_refused_even_with_a_terminal_to_draw_on(tmp_path):
    result, drawn, started = _with_pty(tmp_path, stdin_tty=False)
    _check(result, drawn, "standard input", started)


def test_content_errors_still_come_first_without_a_terminal(tmp_path, fixture_content):
    """A broken content folder is named even from cron: the more useful line."""
    (fixture_content / "gamma.md").write_bytes(b"\xff")
    env = {**_env(tmp_path), "LDN_TUI_CONTENT": str(fixture_content)}
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=LIMIT,
    )
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and b"gamma.md:1:" in result.stderr
