"""Start ``ldn-tui serve`` in a subprocess for the browser and network tests.

One place for the command line, the environment (the tests' own data folder,
never the developer's ``LDN_TUI_DATA_DIR``) and the waits, so the serve tests
differ only in what they check.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from e2e.browser import Browser
from ldn_tui.paths import bundled_content_dir

CONTENT = bundled_content_dir()


def serve_env(**extra: str) -> dict[str, str]:
    """This process's environment without ``LDN_TUI_DATA_DIR``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "LDN_TUI_DATA_DIR"}
    env.update(extra)
    return env


def serve_argv(data: Path, *args: str) -> list[str]:
    """``python -m ldn_tui --content <shipped> --data-dir DATA serve ARGS``."""
    return [sys.executable, "-m", "ldn_tui", "--content", str(CONTENT), "--data-dir", str(data), "serve", *args]


def start_server(
    data: Path, *args: str, env: dict[str, str] | None = None, stderr: int = subprocess.STDOUT
) -> subprocess.Popen[str]:
    """``ldn-tui serve ARGS`` running on ``data``; the caller stops it."""
    return subprocess.Popen(
        serve_argv(data, *args),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env if env is not None else serve_env(),
    )


def stop_server(server: subprocess.Popen[str]) -> str:
    """Stop ``server`` and return what it printed (stdout)."""
    server.terminate()
    return server.communicate(timeout=30)[0]


async def wait_for_server(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until ``url`` answers 200; fails at once if the server has ended."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0]
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"ldn-tui serve did not answer on {url}")


async def gone(browser: Browser, text: str, timeout: float = 15) -> str:
    """The browser's screen once ``text`` has left it."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = await browser.screen()
        if text not in screen:
            return screen
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} still on the screen:\n{screen}")
