"""Drive a program in a real terminal: a private tmux server per test.

The end-to-end tier starts the *installed* ``ldn-tui`` (see ``conftest.py``)
inside tmux, types at it the way a person or a terminal does (one key at a
time, a burst, a bracketed paste, a resize, a closed window) and reads the
screen back with ``capture-pane -e``, colours included, parsed into cells.

Each :class:`Terminal` has its own tmux socket (``tmux -L <uuid>``), so tests
never see each other's sessions or the developer's, and its own data
directory. ``remain-on-exit`` keeps the pane after the program ends, so a
traceback stays readable and the exit status can be read: a test that finds
the app dead fails with that text instead of a bare timeout.

No test imports this through ``conftest``: ``from e2e.tmux_driver import ...``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.cells import get_character_cell_size

#: An RGB colour, or None for the terminal's own default colour.
RGB = tuple[int, int, int]

#: The xterm 256-colour palette's first 16 entries (xterm's defaults): what a
#: basic SGR colour (30-37, 90-97, ...) most likely shows as.
_BASIC = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
]


def xterm_256(n: int) -> RGB:
    """The RGB value of xterm colour ``n`` (0-255)."""
    if n < 16:
        return _BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
    level = 8 + (n - 232) * 10
    return level, level, level


@dataclass(frozen=True)
class Cell:
    """One terminal cell as drawn: its character and effective colours.

    ``fg``/``bg`` are what the reader sees (reverse video already applied);
    None means "the terminal's default colour".
    """

    char: str
    fg: RGB | None
    bg: RGB | None
    bold: bool = False
    underline: bool = False


class _Pen:
    """SGR state while walking a ``capture-pane -e`` stream."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.fg: RGB | None = None
        self.bg: RGB | None = None
        self.bold = self.underline = self.reverse = False

    def apply(self, params: str) -> None:
        codes = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 2 and i + 4 < len(codes):
                    colour: RGB | None = (codes[i + 2], codes[i + 3], codes[i + 4])
                    i += 4
                elif codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm_256(codes[i + 2])
                    i += 2
                else:
                    colour = None
                    i += 1
                if code == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            elif code == 0:
                self.reset()
            elif code == 1:
                self.bold = True
            elif code == 22:
                self.bold = False
            elif code == 4:
                self.underline = True
            elif code == 24:
                self.underline = False
            elif code == 7:
                self.reverse = True
            elif code == 27:
                self.reverse = False
            elif 30 <= code <= 37:
                self.fg = _BASIC[code - 30]
            elif 90 <= code <= 97:
                self.fg = _BASIC[code - 90 + 8]
            elif code == 39:
                self.fg = None
            elif 40 <= code <= 47:
                self.bg = _BASIC[code - 40]
            elif 100 <= code <= 107:
                self.bg = _BASIC[code - 100 + 8]
            elif code == 49:
                self.bg = None
            i += 1

    def cell(self, char: str) -> Cell:
        fg, bg = (self.bg, self.fg) if self.reverse else (self.fg, self.bg)
        return Cell(char, fg, bg, self.bold, self.underline)


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")


def parse_capture(raw: str, width: int, height: int) -> list[list[Cell]]:
    """``capture-pane -p -e -N`` output -> ``height`` rows of ``width`` cells.

    tmux carries the SGR state from one line to the next (it only writes
    changes), so the pen is carried too. A wide character fills two cells
    (the second a blank ``""``). Cells the capture does not reach are the
    terminal's defaults.
    """
    pen = _Pen()
    rows: list[list[Cell]] = []
    for line in raw.split("\n")[:height]:
        row: list[Cell] = []
        pos = 0
        while pos < len(line):
            if line[pos] == "\x1b":
                match = _SGR.match(line, pos)
                if match:
                    pen.apply(match.group(1))
                    pos = match.end()
                    continue
                other = _OTHER_ESCAPE.match(line, pos)
                pos = other.end() if other else pos + 1
                continue
            char = line[pos]
            pos += 1
            size = get_character_cell_size(char)
            if size == 0 and row:  # a combining mark joins the cell before it
                last = row[-1]
                row[-1] = Cell(last.char + char, last.fg, last.bg, last.bold, last.underline)
                continue
            row.append(pen.cell(char))
            if size == 2:
                row.append(pen.cell(""))
        rows.append((row + [Cell(" ", None, None)] * width)[:width])
    while len(rows) < height:
        rows.append([Cell(" ", None, None)] * width)
    return rows


@dataclass
class Screen:
    """A captured screen: rows of cells plus their plain text."""

    cells: list[list[Cell]]

    @property
    def lines(self) -> list[str]:
        return ["".join(c.char for c in row) for row in self.cells]

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)

    def __contains__(self, needle: str) -> bool:
        return needle in self.text

    def find(self, needle: str) -> tuple[int, int] | None:
        """(row, column) where ``needle`` starts, or None."""
        for y, row in enumerate(self.cells):
            chars = [c.char for c in row]
            line = "".join(chars)
            x = line.find(needle)
            if x >= 0:
                # map the string index back to a cell index (wide chars add a "" cell)
                col, seen = 0, 0
                for col, ch in enumerate(chars):  # noqa: B007 - col is read after the loop
                    if seen >= x:
                        break
                    seen += len(ch)
                return y, col
        return None


def view_title(screen: Screen) -> str:
    """The reader's pane title: the first row's text right of the pane list's
    border (the whole first row when the pane list is hidden)."""
    return re.split(r"[▕▏│|]", screen.lines[0])[-1].strip()


#: Wait this long after sending ESC (Textual's ESCDELAY is 100 ms).
ESC_GAP = 0.15


class AppDied(AssertionError):
    """The program in the terminal ended while a test still needed it."""


class Terminal:
    """A private tmux server running one command in one window.

    ``size`` is (columns, rows). The environment is minimal and explicit:
    ``TERM=xterm-256color``, ``COLORTERM=truecolor``, the data directory,
    a private ``HOME``, plus ``env``.
    """

    def __init__(
        self,
        argv: list[str],
        data_dir: Path,
        size: tuple[int, int] = (100, 30),
        env: dict[str, str] | None = None,
        home: Path | None = None,
    ) -> None:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise AssertionError("tmux is not installed: the end-to-end tests need it (./dev test installs it)")
        self.tmux = tmux
        self.socket = f"ldn-e2e-{uuid.uuid4().hex[:12]}"
        self.argv = argv
        self.data_dir = data_dir
        self.size = size
        self.home = home or data_dir.parent / "home"
        self.env = {
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LDN_TUI_DATA_DIR": str(data_dir),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            **(env or {}),
        }
        self.started = False
        self.last_dead = False

    # -- tmux ------------------------------------------------------------------
    def tmux_cmd(self, *args: str, check: bool = True, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        # The server inherits this environment: drop what would leak into the
        # app (pytest's COLUMNS/LINES override the real size; an outer TMUX).
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")}
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            errors="replace",
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result

    def start(self) -> Terminal:
        self.home.mkdir(parents=True, exist_ok=True)
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        drop = [
            "COLUMNS",
            "LINES",
            "TMUX",
            "TMUX_PANE",
            "LDN_TUI_CONTENT",
            "PYTHONPATH",
            "PYTHONHOME",
            "VIRTUAL_ENV",
            "NO_COLOR",
            "FORCE_COLOR",
            "TEXTUAL",
            "TEXTUAL_DRIVER",
            "TEXTUAL_COLOR_SYSTEM",
        ]
        unset = [a for name in drop if name not in self.env for a in ("-u", name)]
        command = shlex.join(["env", *unset, *(f"{k}={v}" for k, v in self.env.items()), *self.argv])
        width, height = self.size
        # One client command: the options are in place before the program
        # starts, so even a crash in its first frame stays on screen.
        self.tmux_cmd(
            "start-server",
            ";",
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
            ";",
            "set-option",
            "-g",
            "history-limit",
            "5000",
            ";",
            "set-option",
            "-g",
            "default-terminal",
            "xterm-256color",
            ";",
            # OSC 52 from the program lands in a tmux buffer: a test can see it.
            "set-option",
            "-g",
            "set-clipboard",
            "on",
            ";",
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(self.home),
            command,
            ";",
            "set-option",
            "-g",
            "window-size",
            "manual",
        )
        self.started = True
        return self

    def close(self) -> None:
        """Kill the tmux server (and so the program, with SIGHUP)."""
        if self.started:
            self.tmux_cmd("kill-server", check=False)
            self.started = False

    hangup = close  #: a closed terminal window: the program gets SIGHUP

    def __enter__(self) -> Terminal:
        return self.start() if not self.started else self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- state -----------------------------------------------------------------
    def _display(self, fmt: str) -> str:
        # A busy machine can make one tmux call fail; only a server that
        # stays unreachable counts as gone.
        for _ in range(3):
            result = self.tmux_cmd("display-message", "-p", "-t", "app", fmt, check=False)
            if result.returncode == 0:
                return result.stdout.strip()
            time.sleep(0.05)
        return ""

    def dead(self) -> bool:
        """True once the program has ended (or the server is gone)."""
        return self._display("#{pane_dead}") != "0"

    def exit_status(self) -> int | None:
        status = self._display("#{pane_dead_status}")
        return int(status) if status.lstrip("-").isdigit() else None

    def pane_title(self) -> str:
        return self._display("#{pane_title}")

    def history_text(self) -> str:
        """Everything the pane shows and scrolled past (a traceback's text)."""
        result = self.tmux_cmd("capture-pane", "-p", "-J", "-S", "-", "-t", "app", check=False)
        return result.stdout

    def check_alive(self, doing: str = "") -> None:
        """Fail with the program's last words if it has ended."""
        if self.dead():
            status = self.exit_status()
            raise AppDied(
                f"the app died{(' ' + doing) if doing else ''} (exit status {status}); the terminal showed:\n"
                + self.history_text()[-6000:]
            )

    # -- reading ---------------------------------------------------------------
    def capture(self) -> Screen:
        """The screen now, with colours; one tmux call (``self.last_dead``
        tells whether the program had ended at that moment)."""
        result = self.tmux_cmd(
            "display-message",
            "-p",
            "-t",
            "app",
            "#{pane_dead} #{pane_width} #{pane_height}",
            ";",
            "capture-pane",
            "-p",
            "-e",
            "-N",
            "-t",
            "app",
            check=False,
        )
        head, _, raw = result.stdout.partition("\n")
        fields = head.split()
        if result.returncode != 0 or len(fields) != 3:
            self.last_dead = True
            width, height = self.size
            return Screen(parse_capture("", width, height))
        self.last_dead = fields[0] != "0"
        width, height = int(fields[1]), int(fields[2])
        return Screen(parse_capture(raw.rstrip("\n"), width, height))

    def text(self) -> str:
        result = self.tmux_cmd("capture-pane", "-p", "-t", "app", check=False)
        return result.stdout

    def current_size(self) -> tuple[int, int]:
        size = self._display("#{pane_width} #{pane_height}").split()
        return (int(size[0]), int(size[1])) if len(size) == 2 else self.size

    def wait_for(
        self,
        want: str | Iterable[str] | Callable[[Screen], bool],
        timeout: float = 10.0,
        what: str = "",
        alive: bool = True,
    ) -> Screen:
        """Poll until ``want`` (text, any of several texts, or a predicate on
        the screen) holds; fail with the screen, or the traceback if the app
        died meanwhile."""
        if isinstance(want, str):
            texts: tuple[str, ...] = (want,)
        elif callable(want):
            texts = ()
        else:
            texts = tuple(want)
        if texts:
            predicate: Callable[[Screen], bool] = lambda s: any(t in s.text for t in texts)  # noqa: E731
            what = what or " or ".join(repr(t) for t in texts)
        else:
            predicate = want  # type: ignore[assignment]
        deadline = time.monotonic() + timeout
        screen = self.capture()
        while True:
            if predicate(screen):
                return screen
            if alive and self.last_dead:
                self.check_alive(f"while waiting for {what}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:.0f}s waiting for {what}; the screen was:\n{screen.text}"
                )
            time.sleep(0.05)
            screen = self.capture()

    def wait_gone(self, text: str, timeout: float = 10.0) -> Screen:
        return self.wait_for(lambda s: text not in s.text, timeout, f"{text!r} to go away")

    def wait_settled(self, quiet: float = 0.25, timeout: float = 5.0) -> Screen:
        """Wait until the screen has not changed for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last = self.capture()
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.capture()
            if self.last_dead:
                self.check_alive("while the screen settled")
            if now.cells != last.cells:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
        return last

    def wait_exit(self, timeout: float = 10.0) -> int | None:
        """Wait for the program to end; its exit status, or None when tmux
        did not record one (tmux 3.3a sometimes marks a pane dead without
        ever filling ``pane_dead_status``: seen here with ``sh -c 'exit 3'``
        too, so callers check the screen for a traceback instead)."""
        deadline = time.monotonic() + timeout
        while not self.dead():
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not exit; the screen was:\n{self.text()}")
            time.sleep(0.05)
        settle = time.monotonic() + 2.0
        while (status := self.exit_status()) is None and time.monotonic() < settle:
            time.sleep(0.05)
        return status

    # -- writing ---------------------------------------------------------------
    def keys(self, *keys: str, delay: float = 0.0) -> None:
        """tmux key names (``Enter``, ``Escape``, ``C-p``, ``q``), one per
        send, ``delay`` seconds apart."""
        for i, key in enumerate(keys):
            if i and delay:
                time.sleep(delay)
            self.tmux_cmd("send-keys", "-t", "app", key)
            if key == "Escape":
                # A lone ESC is only a key once no more bytes follow within
                # Textual's ESCDELAY (0.1 s); the next key sent sooner would
                # be read as alt+key, which no person types by accident.
                time.sleep(ESC_GAP)

    def type(self, text: str, delay: float = 0.08) -> None:
        """Type ``text`` one character at a time, ``delay`` seconds apart."""
        for i, char in enumerate(text):
            if i and delay:
                time.sleep(delay)
            self.tmux_cmd("send-keys", "-t", "app", "-l", char)

    def burst(self, text: str) -> None:
        """All of ``text`` at once, as a fast typist or an unbracketed paste."""
        self.tmux_cmd("send-keys", "-t", "app", "-l", text)

    def paste(self, text: str) -> None:
        """A bracketed paste of ``text`` (tmux turns LF into CR, as terminals do)."""
        self.tmux_cmd("set-buffer", "-b", "e2e", "--", text)
        self.tmux_cmd("paste-buffer", "-p", "-d", "-b", "e2e", "-t", "app")

    def resize(self, width: int, height: int) -> None:
        self.tmux_cmd("resize-window", "-t", "app", "-x", str(width), "-y", str(height))


# -- colour arithmetic (WCAG 2.x) ---------------------------------------------------
def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    r, g, b = rgb
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours (1.0 to 21.0)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
