"""``ldn-tui serve``: the full app in a real browser (headless Chromium).

One browser start drives the whole reader journey over the DevTools
protocol (see tests/e2e/browser.py): the page loads and shows the first-start
notice, Enter dismisses it and the Overview is on screen, ``3`` opens
Studies, ``b`` bookmarks, ``n`` opens the note editor, typed text and
ctrl+s save a note, ``e`` and Enter export the handout, and the browser
receives it as a download while nothing is written on the server.

Chromium is required (``./dev test`` installs Debian's ``chromium`` when it
is missing): without it this test fails, it does not skip.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from e2e.browser import Browser, free_port
from e2e.serving import CONTENT, gone, serve_env, start_server, stop_server, wait_for_server
from ldn_tui.cli import main

NOTE = "Ask about 1.5 mg start"


async def test_serve_in_headless_chromium(tmp_path: Path):
    port = free_port()
    data, home, downloads, profile = (tmp_path / name for name in ("data", "home", "downloads", "profile"))
    for folder in (home, downloads, profile):
        folder.mkdir()
    server = start_server(
        data, "--port", str(port), env=serve_env(HOME=str(home), XDG_DOWNLOAD_DIR=str(home / "Downloads"))
    )
    browser = Browser(profile, downloads)
    url = f"http://127.0.0.1:{port}/"
    try:
        await wait_for_server(url, server)
        await browser.start()
        started = time.monotonic()
        await browser.goto(url)
        screen = await browser.wait_for_text("Before you start", 60)
        print(f"serve: first text in the browser after {time.monotonic() - started:.2f} s")
        assert "education only" in screen

        await browser.focus_terminal()
        await browser.press("enter")
        screen = await gone(browser, "Before you start")
        screen = await browser.wait_for_text("What low dose naltrexone is")
        assert "1 Overview" in screen and "9 References" in screen

        await browser.type_text("3")
        await browser.wait_for_text("What trials of LDN found in fibromyalgia")

        await browser.type_text("b")  # bookmark the place, so the handout holds it
        await asyncio.sleep(0.5)
        await browser.type_text("n")
        await browser.wait_for_text("^s Save")
        await browser.type_text(NOTE)
        await browser.wait_for_text(NOTE)
        await browser.press("ctrl+s")
        await browser.wait_for_text("Saved at")
        await browser.press("escape")
        await gone(browser, "^s Save")

        await browser.type_text("e")
        screen = await browser.wait_for_text("Export bookmarks and notes")
        assert str(home)[:30] in screen  # the dialog offers a path on the server, under its HOME
        await browser.press("enter")
        handout = await browser.wait_for_download()
        screen = await browser.wait_for_text("to your browser's downloads")
        await browser.screenshot(tmp_path / "export.png")
    finally:
        await browser.close()
        log = stop_server(server)
    text = handout.read_text(encoding="utf-8")
    assert handout.name.startswith("ldn-notes-") and handout.suffix == ".md"
    assert NOTE in text and "Education, not medical advice" in text
    # nothing was written on the server's side
    assert sorted(p.name for p in home.iterdir()) == []
    assert "/download/" in log
    # the note is in the reader's store
    from ldn_tui.notes.store import Store

    store = Store.open(data)
    try:
        assert [n.text for n in store.notes()] == [NOTE]
    finally:
        store.close()


def test_serve_without_textual_serve_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    code = main(["--content", str(CONTENT), "serve"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == "ldn-tui: 'serve' needs textual-serve: install it with  pip install 'ldn-tui[web]'\n"


def _port_is_free(monkeypatch) -> None:
    """The serve is faked: skip the real check that the port can be listened on
    (another program may hold 8000 or 8123 on this machine)."""
    import ldn_tui.cli.web_server

    monkeypatch.setattr(ldn_tui.cli.web_server, "listen_problem", lambda host, port: None)


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_serve_warns_when_open_to_the_network(capsys, monkeypatch, tmp_path, host, warned):
    import textual_serve.server

    seen = {}

    def fake_serve(self, debug=False):
        seen.update(host=self.host, port=self.port, command=self.command)

    monkeypatch.setattr(textual_serve.server.Server, "serve", fake_serve)
    _port_is_free(monkeypatch)
    code = main(["--content", str(CONTENT), "--data-dir", str(tmp_path), "serve", "--host", host, "--port", "8123"])
    out, err = capsys.readouterr()
    assert code == 0
    assert seen["host"] == host and seen["port"] == 8123
    assert str(tmp_path) in seen["command"] and seen["command"].endswith(" run")
    if warned:
        assert "everyone who can reach this computer" in err and "read and change your notes" in err
    else:
        assert err == ""


def test_serve_binds_loopback_by_default(capsys, monkeypatch):
    import textual_serve.server

    seen = {}
    monkeypatch.setattr(textual_serve.server.Server, "serve", lambda self, debug=False: seen.update(host=self.host))
    _port_is_free(monkeypatch)
    assert main(["--content", str(CONTENT), "serve"]) == 0
    assert seen == {"host": "127.0.0.1"}
