"""ldn-tui is POSIX-only (ldn_tui/posix.py says why): elsewhere it says so in
one line and exits 2, never with a traceback (issue 14).

Windows is simulated by a ``fcntl`` module that cannot be imported, put first
on ``PYTHONPATH`` (the real one lives in lib-dynload, after it), and the
installed ``ldn-tui`` script is run as a reader would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_tui.posix import MESSAGE

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("ldn-tui")


@pytest.fixture
def no_fcntl(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``import fcntl`` fails, as on Windows."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "fcntl.py").write_text('raise ModuleNotFoundError("No module named \'fcntl\'", name="fcntl")\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LDN_TUI", "PYTHON"))}
    env["PYTHONPATH"] = str(fake)
    env["LDN_TUI_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_the_message_is_one_line_naming_the_platforms():
    assert "\n" not in MESSAGE
    assert MESSAGE.startswith("ldn-tui runs on Linux and macOS (POSIX)")


@pytest.mark.parametrize("argv", [[], ["check"], ["export", "--output", "-"], ["show", "overview"]])
def test_without_posix_locks_ldn_tui_says_so_in_one_line(no_fcntl: dict[str, str], argv: list[str], tmp_path: Path):
    assert SCRIPT.is_file(), SCRIPT
    result = subprocess.run(
        [str(SCRIPT), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=no_fcntl,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result
    assert result.stderr == MESSAGE + "\n"
    assert result.stdout == ""
    assert not (tmp_path / "data").exists()  # nothing written either


def test_importing_the_store_without_posix_locks_names_the_reason(no_fcntl: dict[str, str], tmp_path: Path):
    """A program importing the store (not via ``ldn-tui``) gets an ImportError
    whose message is the same line, not a bare ``No module named 'fcntl'``."""
    code = (
        "from ldn_tui.posix import NotPosix\n"
        "try:\n"
        "    import ldn_tui.notes.storage\n"
        "except NotPosix as error:\n"
        "    print(error)\n"
        "    raise SystemExit(isinstance(error, ImportError) and error.__suppress_context__ and 3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=no_fcntl, cwd=ROOT
    )
    assert result.returncode == 3, result
    assert result.stdout == MESSAGE + "\n"


def test_on_posix_nothing_changes():
    result = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result
    assert result.stderr == ""
