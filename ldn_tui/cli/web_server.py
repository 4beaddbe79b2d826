"""The textual-serve server behind ``ldn-tui serve``, and its listening check.

Imported only by ``ldn-tui serve`` (textual-serve is the optional ``[web]``
extra), so the plain-text commands never load it.
"""

from __future__ import annotations

import errno
import re
import socket
import sys
from typing import Any

from textual_serve.server import Server

#: What a Host header may hold before it is written into the page: a name or
#: an IPv4/IPv6 address and a port. Anything else keeps textual-serve's address.
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")


class ReaderServer(Server):
    """textual-serve's ``Server``, with the page's addresses taken from the request.

    textual-serve writes ``http://HOST:PORT`` (from ``--host``) into the page
    as the address of its script, its style sheet and the app's websocket.
    With ``--host 0.0.0.0`` (or ``::``) that is an address no browser on
    another computer can reach: the page loads but the app never starts
    (https://github.com/Textualize/textual-serve/issues/42). So each page
    names the address its browser used, as the browser sent it (Host header).
    """

    async def handle_index(self, request: Any) -> Any:
        host = request.host
        if _HOST.fullmatch(host or ""):
            # No await between this and super() computing the page, so two
            # requests cannot see each other's address.
            self.public_url = f"{request.scheme}://{host}"
        return await super().handle_index(request)

    async def on_startup(self, app: Any) -> None:
        """Quiet: ``ldn-tui serve`` has already said where it listens and how
        to stop (textual-serve's banner repeats it with the full command)."""


def listen_problem(host: str, port: int) -> str | None:
    """Why ``serve`` could not listen on ``host``:``port``, as one sentence for
    the reader, or None when it can.

    Tried before anything is printed, so a busy port gives one clear line
    instead of "Serving on ..." followed by an error. Binds like aiohttp does
    (``SO_REUSEADDR``), so a port left in TIME_WAIT by a previous run counts as
    free, as it is for the server.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return f"cannot find the address {host!r}: give an IP address such as 127.0.0.1 (this computer only)"
    for family, kind, proto, _name, address in infos:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind(address)
        except OSError as error:
            return describe(error, host, port)
    return None


def describe(error: OSError, host: str, port: int) -> str:
    """One sentence for an error from listening on ``host``:``port``."""
    shown = f"[{host}]" if ":" in host else host
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {shown} is already in use (is another 'ldn-tui serve' running?): "
            f"choose another, for example --port {port + 1 if port < 65535 else 8001}"
        )
    if error.errno == errno.EACCES:
        return (
            f"not allowed to listen on port {port} (ports below 1024 need administrator rights): "
            "choose another, for example --port 8000"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{shown} is not an address of this computer: use --host 127.0.0.1 (this computer only)"
    return f"cannot listen on {shown}:{port}: {error.strerror or error}"


def quiet_closed_loop_noise() -> None:
    """Keep one known asyncio shutdown message off the reader's screen.

    When ``serve`` stops while a browser tab's app is still ending, the
    subprocess transport of that app can be collected after the event loop has
    closed, and Python 3.11 prints "Exception ignored in
    BaseSubprocessTransport.__del__ ... RuntimeError: Event loop is closed"
    with a traceback (https://github.com/python/cpython/issues/114177, fixed in
    later Pythons). Only that exact message is silenced; anything else still
    goes to the previous hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        where = getattr(unraisable.object, "__qualname__", "")
        if (
            isinstance(exc, RuntimeError)
            and str(exc) == "Event loop is closed"
            and where == ("BaseSubprocessTransport.__del__")
        ):
            return
        previous(unraisable)

    sys.unraisablehook = hook
