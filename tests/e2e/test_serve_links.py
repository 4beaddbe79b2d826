"""``ldn-tui serve``: web links open in the reader's browser, not on the server.

Under textual-serve, ``App.open_url`` is sent down the websocket and the
page's script calls ``window.open`` (textual ``WebDriver.open_url`` ->
textual-serve ``AppService.on_meta`` -> ``textual.js``). So a link the reader
chooses must reach ``App.open_url``; ``webbrowser.open`` would start a browser
on the *server*, where the reader is not.

The browser test drives headless Chromium over the DevTools protocol (see
tests/e2e/browser.py) through both ways a reader opens a web link: the keyboard
(``9`` References, ``tab`` to a DOI link, ``enter``, ``o`` in the "This link
leaves the app" dialog) and the mouse (click a PubMed link, click "Open in
browser"). It asserts that the browser itself started to open the expected
address (``Page.windowOpen`` and a new ``page`` target). There is no network
here, so the new tab's navigation fails: the attempt is what is checked.

Chromium is required (``./dev test`` installs Debian's ``chromium``): without
it this test fails, it does not skip.
"""

from __future__ import annotations

import ast
import asyncio
import time
from pathlib import Path

from e2e import browser as browser_module
from e2e.browser import Browser, free_port
from e2e.serving import CONTENT, gone, serve_env, start_server, stop_server, wait_for_server
from ldn_tui.content import load_library

PACKAGE = Path(__file__).resolve().parents[2] / "ldn_tui"

WEB = ("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/")

browser_module.KEYS.setdefault("tab", ("Tab", "Tab", 9, ""))

#: Where on the page a terminal cell is (CSS pixels): xterm.js's screen element
#: divided into the terminal's rows and columns.
CELL_GEOMETRY = """
(() => {
  const t = window.__ldnTerminal.terminal;
  const box = t.element.querySelector('.xterm-screen').getBoundingClientRect();
  return {left: box.left, top: box.top, width: box.width / t.cols, height: box.height / t.rows};
})()
"""


def _web_addresses() -> set[str]:
    """Every DOI / PubMed / registry / plain URL the references pane links to."""
    library = load_library(CONTENT)
    return {url for ref in library.references.values() for _label, url in ref.identifiers}


async def _tab_to_web_link(pilot, limit: int = 40) -> int:
    """Press tab in the References pane until a DOI or PubMed link is focused;
    return how many presses it took."""
    view = pilot.app.reader.view
    for presses in range(1, limit + 1):
        await pilot.press("tab")
        await pilot.pause()
        if view.focused_link is not None and view.links[view.focused_link][2].startswith(WEB):
            return presses
    raise AssertionError(f"tab never reached a DOI or PubMed link; links: {view.links[:10]}")


async def _presses_in_app(data: Path, size: tuple[int, int]) -> int:
    """How many tabs reach the first DOI/PubMed link of References in the real
    app at the browser terminal's size (the served app is the same app, with
    the same content and a fresh store)."""
    from helpers import seen_data_dir

    from ldn_tui.tui.app import create_app

    seen_data_dir(data)
    ldn = create_app(load_library(CONTENT), data)
    async with ldn.run_test(size=size) as pilot:
        from helpers import ready

        await ready(pilot)
        await pilot.press("9")
        await pilot.pause()
        return await _tab_to_web_link(pilot)


async def _click_text(browser: Browser, text: str) -> None:
    """Click (mouse down and up, left button) the first cell of ``text`` on the screen."""
    screen = await browser.screen()
    for row, line in enumerate(screen.split("\n")):  # noqa: B007 - row is read after the loop
        column = line.find(text)
        if column >= 0:
            break
    else:
        raise AssertionError(f"{text!r} not on the screen:\n{screen}")
    cell = await browser.evaluate(CELL_GEOMETRY)
    x = cell["left"] + (column + 1.5) * cell["width"]
    y = cell["top"] + (row + 0.5) * cell["height"]
    await browser.send("page", "Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    for kind in ("mousePressed", "mouseReleased"):
        await browser.send("page", "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


async def _opened(browser: Browser, count: int, timeout: float = 15) -> list[str]:
    """The addresses the page asked the browser to open, once there are ``count``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        opened = [params["url"] for method, params in browser.events if method == "Page.windowOpen"]
        if len(opened) >= count:
            return opened
        await asyncio.sleep(0.1)
    raise AssertionError(
        f"the browser opened {opened} (wanted {count}); events: {sorted({m for m, _ in browser.events})}"
    )


def _new_tabs(browser: Browser) -> dict[str, set[str]]:
    """Every page target the browser reported: target id -> the addresses it had
    (empty when created, then the address its navigation started with)."""
    tabs: dict[str, set[str]] = {}
    for method, params in browser.events:
        if method in ("Target.targetCreated", "Target.targetInfoChanged"):
            info = params["targetInfo"]
            if info.get("type") == "page":
                tabs.setdefault(info["targetId"], set()).add(info.get("url", ""))
    return tabs


async def _wait_new_tab(browser: Browser, address: str, timeout: float = 15) -> None:
    """Wait until a page target (a tab) of the browser is at ``address``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(address in urls for urls in _new_tabs(browser).values()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no tab at {address}; page targets: {_new_tabs(browser)}")


async def test_web_links_open_in_the_readers_browser(tmp_path: Path):
    port = free_port()
    data, home, downloads, profile = (tmp_path / name for name in ("data", "home", "downloads", "profile"))
    for folder in (home, downloads, profile):
        folder.mkdir()
    # On the server a browser start would be a `webbrowser.open`: BROWSER points
    # it at a script that leaves a mark, so the test can prove none happened.
    marker = tmp_path / "server-browser-was-started"
    fake_browser = tmp_path / "fake-browser"
    fake_browser.write_text(f'#!/bin/sh\necho "$@" >> {marker}\n', encoding="utf-8")
    fake_browser.chmod(0o755)
    server = start_server(
        data, "--port", str(port), env=serve_env(HOME=str(home), BROWSER=str(fake_browser), DISPLAY="")
    )
    browser = Browser(profile, downloads)
    url = f"http://127.0.0.1:{port}/"
    addresses = _web_addresses()
    try:
        await wait_for_server(url, server)
        await browser.start()
        await browser.send("browser", "Target.setDiscoverTargets", discover=True)
        await browser.goto(url)
        await browser.wait_for_text("Before you start", 60)
        await browser.focus_terminal()
        await browser.press("enter")
        await gone(browser, "Before you start")
        await browser.wait_for_text("What low dose naltrexone is")

        # keyboard: 9 References, tab to the first DOI/PubMed link, enter, o
        size = await browser.evaluate("[window.__ldnTerminal.terminal.cols, window.__ldnTerminal.terminal.rows]")
        presses = await _presses_in_app(tmp_path / "count-data", tuple(size))
        await browser.type_text("9")
        await browser.wait_for_text("Every source cited in this app")
        for _ in range(presses):
            await browser.press("tab")
            await asyncio.sleep(0.2)
        await browser.press("enter")
        screen = await browser.wait_for_text("This link leaves the app")
        await browser.type_text("o")
        await browser.wait_for_text("Opening it in a new tab of your browser")
        first = (await _opened(browser, 1))[0]
        assert first in addresses, first
        assert first.startswith(WEB), first
        assert first[:30] in screen  # the address the dialog showed is the one opened
        await _wait_new_tab(browser, first)

        # mouse: click a PubMed link, then the dialog's "Open in browser" button
        await browser.wait_for_text("PMID ")
        await _click_text(browser, "PMID ")
        screen = await browser.wait_for_text("This link leaves the app")
        await _click_text(browser, "Open in browser")
        second = (await _opened(browser, 2))[1]
        assert second.startswith("https://pubmed.ncbi.nlm.nih.gov/") and second in addresses, second
        assert second[:30] in screen
        await _wait_new_tab(browser, second)
        await browser.screenshot(tmp_path / "links.png")
    finally:
        await browser.close()
        log = stop_server(server)
    assert not marker.exists(), f"a browser was started on the server: {marker.read_text()}"
    assert "Traceback" not in log, log


def test_no_module_opens_links_around_app_open_url():
    """Every web link goes through ``App.open_url``, which textual-serve sends to
    the reader's browser: no module of the app starts a browser by itself
    (``webbrowser``, ``xdg-open``/``open``/``start`` in a subprocess, ``os.startfile``)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                if any(name.split(".")[0] == "webbrowser" for name in names):
                    offenders.append(f"{path.name}:{node.lineno} imports webbrowser")
            elif isinstance(node, ast.Attribute) and node.attr == "startfile":
                offenders.append(f"{path.name}:{node.lineno} os.startfile")
            elif isinstance(node, ast.Constant) and node.value in ("xdg-open", "open", "start", "sensible-browser"):
                parent_calls = [
                    n
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Call)
                    and node in ast.walk(n)
                    and isinstance(n.func, ast.Attribute)
                    and n.func.attr in ("run", "Popen", "call", "check_call")
                ]
                if parent_calls:
                    offenders.append(f"{path.name}:{node.lineno} runs {node.value}")
    assert offenders == []


async def test_in_a_terminal_a_reference_link_still_opens_with_the_system_browser(app, monkeypatch):
    """In a terminal ``App.open_url`` reaches Textual's driver, which calls
    ``webbrowser.open`` on this computer (the reader's): as before serve."""
    import webbrowser

    from helpers import SIZE, ready, settle

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    ldn = app(content=CONTENT)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("9")
        await settle(pilot)
        presses = await _tab_to_web_link(pilot)
        assert presses >= 1
        href = ldn.reader.view.links[ldn.reader.view.focused_link][2]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert href in _web_addresses()
    assert opened == [href]


async def test_in_a_browser_the_reader_is_told_about_the_new_tab(app, monkeypatch):
    """Under serve the browser opens the tab only shortly after the key press
    or click (headless Chromium blocks a window.open 6 s after a gesture, allows
    it 0.5 s after): the message says where the page went and what to do if
    a pop-up blocker stopped it."""
    from helpers import SIZE, ready, record_notifications, settle
    from textual.app import App

    opened: list[str] = []
    ldn = app(content=CONTENT)
    monkeypatch.setattr(ldn, "open_url", lambda url, **kwargs: opened.append(url))
    monkeypatch.setattr(App, "is_web", property(lambda self: True))
    notes = record_notifications(ldn)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("9")
        await settle(pilot)
        await _tab_to_web_link(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert len(opened) == 1 and opened[0].startswith(WEB)
    assert [n["message"] for n in notes] == [
        "Opening it in a new tab of your browser. If no tab appears, allow pop-ups for this page, "
        "or choose Copy address."
    ]
