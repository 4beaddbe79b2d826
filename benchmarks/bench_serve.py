"""``ldn-tui serve``: time to the first text in a real browser.

Run from the repository root (needs Debian's ``chromium``)::

    .venv/bin/python benchmarks/bench_serve.py [--loads N]

Starts ``ldn-tui serve`` on a free loopback port and headless Chromium
(driven over the DevTools protocol by ``tests/e2e/browser.py``), then loads the
page N times; each load starts a new app process on the server, as each
browser tab does. Measured: from starting ``serve`` to its first HTTP answer,
and from ``Page.navigate`` to the first app text ("Before you start") in the
page's terminal. Baseline in the same run: ``bare_app.py`` (a Textual app
showing one line) served the same way, to the same first text.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import aiohttp  # noqa: E402
from browser import Browser, free_port  # noqa: E402


async def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    raise SystemExit(f"no answer from {url}")


def serve_bare(port: int) -> subprocess.Popen:
    code = (
        "from textual_serve.server import Server; "
        f"Server({shlex.join([sys.executable, str(ROOT / 'benchmarks' / 'bare_app.py')])!r}, "
        f"host='127.0.0.1', port={port}).serve()"
    )
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve_ldn(port: int, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ldn_tui",
            "--content",
            str(ROOT / "content"),
            "--data-dir",
            str(data),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def measure(browser: Browser, name: str, start, text: str, loads: int) -> float:
    port = free_port()
    began = time.monotonic()
    server = start(port)
    try:
        await wait_http(f"http://127.0.0.1:{port}/")
        up = time.monotonic() - began
        times = []
        for _ in range(loads):
            await browser.goto("about:blank")
            await asyncio.sleep(0.5)
            t0 = time.monotonic()
            await browser.goto(f"http://127.0.0.1:{port}/")
            await browser.wait_for_text(text, 60)
            times.append(time.monotonic() - t0)
        median = statistics.median(times)
        print(
            f"  {name:30} server up {up * 1000:6.0f} ms; page load -> first text median "
            f"{median * 1000:6.0f} ms (runs: {', '.join(f'{t * 1000:.0f}' for t in times)})"
        )
        return median
    finally:
        server.terminate()
        server.wait(30)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ldn-bench-serve-"))
    (scratch / "profile").mkdir()
    (scratch / "downloads").mkdir()
    browser = Browser(scratch / "profile", scratch / "downloads")
    await browser.start()
    print(f"== serve: first text in headless Chromium, median of {args.loads} page loads")
    try:
        bare = await measure(browser, "bare Textual app (baseline)", serve_bare, "bare-app-ready", args.loads)
        ldn = await measure(
            browser, "ldn-tui serve", lambda p: serve_ldn(p, scratch / "data"), "Before you start", args.loads
        )
    finally:
        await browser.close()
    print(f"  ratio ldn-tui/bare: {ldn / bare:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
