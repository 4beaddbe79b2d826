"""Terminal input that keeps a bracketed paste whole, escape characters and all.

Why this exists: Textual's xterm parser (``textual/_xterm_parser.py``,
``XTermParser.parse``, Textual 8.2) treats an ESC inside a bracketed paste
as the start of an escape sequence: the characters after it are read into a
sequence instead of the paste buffer, and that sequence is then sent as key
presses *before* the paste event. So pasting ``Alpha ␛[31mRed␛[0m omega``
typed ``^[31mRed^[0m omega`` first and then pasted ``Alpha `` (ux-defects D4).

:class:`PasteSafeParser` takes everything between the paste brackets
(``ESC [200~`` ... ``ESC [201~``) out of the byte stream itself and reports
it as one :class:`~textual.events.Paste`, in order, with every character
(the editor shows control characters as symbols); everything else goes to
Textual's parser unchanged. :class:`PasteSafeLinuxDriver` is Textual's Linux
driver reading its input through that parser. Remove both once Textual's
parser keeps pastes whole.
"""

from __future__ import annotations

import os
import selectors
import signal
import time
from codecs import getincrementaldecoder
from collections.abc import Iterable
from typing import Any

from textual import events
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
#: How long a possible start of PASTE_START waits for the rest (seconds)
#: before it goes on as ordinary input (an ``escape`` key press, say).
HOLD = 0.03


def _partial(data: str, marker: str) -> int:
    """Length of the longest end of ``data`` that begins ``marker`` (not all of it)."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


class PasteSafeParser(XTermParser):
    """Textual's xterm parser, with bracketed pastes handled before it (see module doc)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste: list[str] | None = None
        self._held = ""
        self._held_since = 0.0

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: nothing may stay behind
            held, self._held = self._held, ""
            if self._paste is not None:
                yield events.Paste("".join(self._paste) + held)
                self._paste = None
            elif held:
                yield from super().feed(held)
            yield from super().feed("")
            return
        data, self._held = self._held + data, ""
        while data:
            if self._paste is None:
                at = data.find(PASTE_START)
                if at < 0:
                    keep = _partial(data, PASTE_START)
                    if keep:
                        data, self._held = data[:-keep], data[-keep:]
                        self._held_since = time.monotonic()
                    if data:
                        yield from super().feed(data)
                    return
                if at:
                    yield from super().feed(data[:at])
                self._paste = []
                data = data[at + len(PASTE_START) :]
            else:
                at = data.find(PASTE_END)
                if at < 0:  # the rest of the paste is still to come
                    keep = _partial(data, PASTE_END)
                    self._paste.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep :]
                    return
                self._paste.append(data[:at])
                yield events.Paste("".join(self._paste))
                self._paste = None
                data = data[at + len(PASTE_END) :]

    def tick(self) -> Iterable[Message]:
        if self._held and self._paste is None and time.monotonic() - self._held_since >= HOLD:
            held, self._held = self._held, ""
            if held == "\x1b":  # the escape key: already waited as long as Textual would
                yield events.Key("escape", "\x1b")
            else:
                yield from super().feed(held)
        yield from super().tick()


class PasteSafeLinuxDriver(LinuxDriver):
    """Textual's Linux driver, reading input through :class:`PasteSafeParser`."""

    def run_input_thread(self) -> None:
        parser = PasteSafeParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        fileno = self.fileno

        def pump(ready: list[Any], final: bool = False) -> bool:
            """Read what is ready; False once the terminal is gone."""
            for number, (_key, mask) in enumerate(ready, 1):
                if not mask & selectors.EVENT_READ:
                    continue
                try:
                    raw = os.read(fileno, 4096)
                except OSError:  # EIO: the terminal's other end has closed
                    raw = b""
                if not raw:
                    return False
                text = decode(raw, final=final and number == len(ready))
                for message in parser.feed(text):
                    self.process_message(message)
            for message in parser.tick():
                self.process_message(message)
            return True

        selector = selectors.SelectSelector()
        selector.register(fileno, selectors.EVENT_READ)
        try:
            while not self.exit_event.is_set():
                if not pump(selector.select(0.1)):
                    # End of input on a terminal means it has gone (the window
                    # closed without a hang-up reaching us). Textual's own loop
                    # then spins on the closed descriptor at full CPU for ever
                    # (seen: an orphaned ldn-tui at 81% CPU after its tmux server
                    # was killed). Leave the way a hang-up does: the app's
                    # SIGHUP handler keeps any draft and exits.
                    terminal_gone()
                    return
            selector.unregister(fileno)
            pump(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _message in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def terminal_gone() -> None:
    """Treat a vanished terminal as a hang-up (see ``run_input_thread``)."""
    os.kill(os.getpid(), signal.SIGHUP)


def paste_safe(driver_class: type) -> type:
    """The driver to use instead of ``driver_class`` (itself unless it is
    Textual's plain Linux driver)."""
    return PasteSafeLinuxDriver if driver_class is LinuxDriver else driver_class
