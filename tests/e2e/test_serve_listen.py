"""``ldn-tui serve``: where it listens, and one clear line when it cannot.

Real processes and real sockets (no browser): a busy port, an address that
is not this computer's, the page's own addresses under ``--host 0.0.0.0``,
and which hosts get the network warning.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from e2e.browser import free_port
from e2e.serving import CONTENT, serve_argv, serve_env, start_server, stop_server, wait_for_server
from ldn_tui.cli import main


def _serve(data: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(serve_argv(data, *args), capture_output=True, text=True, timeout=timeout, env=serve_env())


def test_busy_port_gives_one_clear_line(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve(tmp_path / "data", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # no "Serving ... on" before the failure, no banner
    assert result.stderr == (
        f"ldn-tui: port {port} on 127.0.0.1 is already in use (is another 'ldn-tui serve' running?): "
        f"choose another, for example --port {port + 1}\n"
    )


def test_an_address_of_another_computer_gives_one_clear_line(tmp_path: Path):
    # 203.0.113.7 is TEST-NET-3 (RFC 5737): never an address of this computer
    result = _serve(tmp_path / "data", "--host", "203.0.113.7", "--port", str(free_port()))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "ldn-tui: 203.0.113.7 is not an address of this computer: use --host 127.0.0.1 (this computer only)\n"
    )


async def test_all_interfaces_page_points_at_the_address_the_browser_used(tmp_path: Path):
    """With ``--host 0.0.0.0`` the page must not send the browser to 0.0.0.0 for
    its script and websocket (textual-serve#42): on another computer that is the
    reader's own machine, and the app would never start."""
    port = free_port()
    server = start_server(tmp_path / "data", "--host", "0.0.0.0", "--port", str(port))
    try:
        await wait_for_server(f"http://127.0.0.1:{port}/", server)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as response:
                page = await response.text()
            # as a browser on the network would ask, by this computer's name
            async with session.get(
                f"http://127.0.0.1:{port}/", headers={"Host": f"reader-pc.local:{port}"}
            ) as response:
                named = await response.text()
            # a Host header that is not an address is never written into the page
            async with session.get(
                f"http://127.0.0.1:{port}/", headers={"Host": 'x"><script>alert(1)</script>'}
            ) as response:
                hostile = await response.text()
    finally:
        log = stop_server(server)
    assert "0.0.0.0" not in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert f"http://127.0.0.1:{port}/static/js/textual.js" in page
    assert f'data-session-websocket-url="ws://reader-pc.local:{port}/ws"' in named
    assert "alert" not in hostile  # neither raw nor escaped: the address falls back
    assert "Traceback" not in log, log


@pytest.mark.parametrize(
    "host, warned",
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.0.2.10", True),
    ],
)
def test_warning_names_what_the_network_can_do(capsys, monkeypatch, tmp_path, host, warned):
    import textual_serve.server

    import ldn_tui.cli.web_server

    seen = {}
    monkeypatch.setattr(ldn_tui.cli.web_server, "listen_problem", lambda host, port: None)
    monkeypatch.setattr(textual_serve.server.Server, "serve", lambda self, debug=False: seen.update(host=self.host))
    code = main(["--content", str(CONTENT), "--data-dir", str(tmp_path), "serve", "--host", host])
    out, err = capsys.readouterr()
    assert code == 0 and seen == {"host": host}
    if warned:
        assert err == (
            f"ldn-tui: WARNING: listening on {host}: everyone who can reach this computer on the network "
            f"can open the guide AND read and change your notes ({tmp_path}). There is no password. "
            "Use --host 127.0.0.1 to keep it to this computer.\n"
        )
    else:
        assert err == ""
    assert out.startswith("Serving ldn-tui on http://")


def test_host_help_says_the_network_can_change_notes(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "0.0.0.0 lets everyone on your network read and change your notes" in out


def test_quiet_start_no_textual_serve_banner(tmp_path: Path):
    """The reader sees one line saying where to go (textual-serve's banner, with
    the full server command, is not repeated)."""

    async def first_lines() -> tuple[str, int]:
        port = free_port()
        server = start_server(tmp_path / "d", "--port", str(port), stderr=subprocess.PIPE)
        try:
            await wait_for_server(f"http://127.0.0.1:{port}/", server)
            await asyncio.sleep(0.3)
        finally:
            out = stop_server(server)
        return out, port

    out, port = asyncio.run(first_lines())
    assert out.splitlines()[0] == f"Serving ldn-tui on http://127.0.0.1:{port} (Ctrl+C to stop)"
    # then only the access log (one line per request), no logo, no server command
    assert "Press Ctrl+C to quit" not in out and "-m ldn_tui" not in out and "___" not in out


def test_stopping_with_an_app_still_ending_prints_no_traceback(capsys, monkeypatch, tmp_path):
    """CPython #114177 on 3.11: a subprocess transport collected after the loop
    closed prints a traceback when serve stops (seen once in the browser test's
    server log). serve silences that one message and nothing else."""
    import gc

    import textual_serve.server

    import ldn_tui.cli.web_server

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    monkeypatch.setattr(ldn_tui.cli.web_server, "listen_problem", lambda host, port: None)
    monkeypatch.setattr(textual_serve.server.Server, "serve", lambda self, debug=False: None)
    assert main(["--content", str(CONTENT), "--data-dir", str(tmp_path), "serve"]) == 0
    capsys.readouterr()

    def collected(message: str, error=RuntimeError, qualname="BaseSubprocessTransport.__del__") -> None:
        """Make and drop an object whose ``__del__`` raises, as asyncio's does."""

        class Transport:
            def __del__(self):
                raise error(message)

        Transport.__del__.__qualname__ = qualname
        Transport()
        gc.collect()

    collected("Event loop is closed")
    assert capsys.readouterr().err == ""
    collected("something else")
    collected("Event loop is closed", error=ValueError)
    collected("Event loop is closed", qualname="Other.__del__")
    err = capsys.readouterr().err
    assert err.count("Traceback") == 3 and "something else" in err
