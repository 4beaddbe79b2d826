"""A small Chrome DevTools Protocol client for the ``serve`` browser test.

It drives Debian's ``chromium`` (headless, no sandbox, no network services)
over one websocket with aiohttp (already installed: textual-serve needs it),
so no browser download and no Playwright are needed.

Reading the screen: textual-serve draws with xterm.js on a canvas (WebGL or
2D), so the text is not in the DOM. A script that runs before the page's own
code puts a setter for ``fitAddon`` on ``Object.prototype``; textual-serve's
terminal wrapper assigns ``this.fitAddon`` in its constructor, so the setter
catches the wrapper and keeps it as ``window.__ldnTerminal``. The test then
reads xterm.js's screen buffer (what the browser draws) row by row.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
    "--window-size=1200,800",
]

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal && !window.__ldnTerminal) { window.__ldnTerminal = this; }
  },
  get() { return undefined; },
});
"""

SCREEN_TEXT = """
(() => {
  const wrapper = window.__ldnTerminal;
  if (!wrapper) return null;
  const buffer = wrapper.terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < wrapper.terminal.rows; y++) {
    const line = buffer.getLine(y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""

# key -> (key, code, windows virtual key code, text)
KEYS = {
    "enter": ("Enter", "Enter", 13, "\r"),
    "escape": ("Escape", "Escape", 27, ""),
    "ctrl+s": ("s", "KeyS", 83, ""),
}


class Browser:
    """Headless Chromium with one page, driven over CDP."""

    def __init__(self, profile: Path, downloads: Path) -> None:
        self.profile = profile
        self.downloads = downloads
        self.process: subprocess.Popen | None = None
        self.session: aiohttp.ClientSession | None = None
        self.browser_ws = None
        self.page_ws = None
        self._ids = itertools.count(1)
        self._pending: dict[tuple[str, int], asyncio.Future] = {}
        self.events: list[tuple[str, dict]] = []
        self._readers: list[asyncio.Task] = []

    async def start(self) -> None:
        assert CHROMIUM, "chromium is not installed (./dev test installs it)"
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        url = await asyncio.to_thread(self._devtools_url)
        self.session = aiohttp.ClientSession()
        self.browser_ws = await self.session.ws_connect(url, max_msg_size=0)
        self._readers.append(asyncio.create_task(self._read("browser", self.browser_ws)))
        port = re.search(r":(\d+)/", url).group(1)
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json(content_type=None)
        page = next(t for t in targets if t["type"] == "page")
        self.page_ws = await self.session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        self._readers.append(asyncio.create_task(self._read("page", self.page_ws)))
        await self.send(
            "browser",
            "Browser.setDownloadBehavior",
            behavior="allow",
            downloadPath=str(self.downloads),
            eventsEnabled=True,
        )
        await self.send("page", "Page.enable")
        await self.send("page", "Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)

    def _devtools_url(self) -> str:
        assert self.process and self.process.stderr
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                return match.group(1)
        raise RuntimeError("chromium did not start: " + "".join(seen[-10:]))

    async def _read(self, name: str, ws) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data:
                future = self._pending.pop((name, data["id"]), None)
                if future and not future.done():
                    future.set_result(data)
            else:
                self.events.append((data.get("method", ""), data.get("params", {})))

    async def send(self, target: str, method: str, **params) -> dict:
        ws = self.browser_ws if target == "browser" else self.page_ws
        ident = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[(target, ident)] = future
        await ws.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.send("page", "Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def goto(self, url: str) -> None:
        await self.send("page", "Page.navigate", url=url)

    async def screen(self) -> str:
        return await self.evaluate(SCREEN_TEXT) or ""

    async def wait_for_text(self, text: str, timeout: float = 30.0) -> str:
        """Wait until ``text`` is on the terminal's screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = await self.screen()
            if text in screen:
                return screen
            await asyncio.sleep(0.1)
        raise AssertionError(f"{text!r} not on the screen after {timeout} s; the screen:\n{screen}")

    async def focus_terminal(self) -> None:
        await self.evaluate("window.__ldnTerminal && window.__ldnTerminal.terminal.focus()")

    async def type_text(self, text: str) -> None:
        """Type printable characters as key presses (keyDown with text, keyUp)."""
        for char in text:
            code = f"Key{char.upper()}" if char.isalpha() else (f"Digit{char}" if char.isdigit() else "")
            vk = ord(char.upper()) if char.isalnum() else (32 if char == " " else 0)
            await self.send(
                "page",
                "Input.dispatchKeyEvent",
                type="keyDown",
                key=char,
                code=code,
                text=char,
                unmodifiedText=char,
                windowsVirtualKeyCode=vk,
            )
            await self.send(
                "page", "Input.dispatchKeyEvent", type="keyUp", key=char, code=code, windowsVirtualKeyCode=vk
            )

    async def press(self, name: str) -> None:
        """Press a named key (``enter``, ``escape``, ``ctrl+s``)."""
        key, code, vk, text = KEYS[name]
        modifiers = 2 if name.startswith("ctrl+") else 0
        params = dict(key=key, code=code, windowsVirtualKeyCode=vk, modifiers=modifiers)
        kind = "keyDown" if text else "rawKeyDown"
        await self.send("page", "Input.dispatchKeyEvent", type=kind, text=text, **params)
        await self.send("page", "Input.dispatchKeyEvent", type="keyUp", **params)

    async def screenshot(self, path: Path) -> None:
        result = await self.send("page", "Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))

    async def wait_for_download(self, timeout: float = 30.0) -> Path:
        """The first download the browser completed, as a file in ``downloads``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            begun = {p["guid"]: p for m, p in self.events if m == "Browser.downloadWillBegin"}
            for method, params in self.events:
                if method == "Browser.downloadProgress" and params.get("state") == "completed":
                    name = begun.get(params["guid"], {}).get("suggestedFilename", "")
                    for candidate in (self.downloads / name, self.downloads / params["guid"]):
                        if candidate.is_file():
                            return candidate
            await asyncio.sleep(0.1)
        raise AssertionError(f"no download completed; events: {[m for m, _ in self.events if 'ownload' in m]}")

    async def close(self) -> None:
        for task in self._readers:
            task.cancel()
        for ws in (self.page_ws, self.browser_ws):
            if ws is not None:
                await ws.close()
        if self.session is not None:
            await self.session.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


__all__ = ["Browser", "CHROMIUM", "free_port", "temp_dir", "os"]
