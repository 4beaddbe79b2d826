"""Show user text exactly as typed, never as markup or terminal control.

Notes may hold anything: ``[bold]``, ``[/]``, ANSI escape sequences,
control characters, emoji, right-to-left text. Markup is never a problem
when text goes into Rich ``Text`` objects (never markup strings), but
control characters would reach the terminal and act on it, so every piece
of user text passes through :func:`visible` before it is drawn: C0 and C1
control characters become visible symbols (ESC shows as ``␛``).

No Textual imports here.
"""

from __future__ import annotations

_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_C0[0x7F] = "\u2421"  # ␡
_C1 = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
_TABLE = {**_C0, **_C1, 0x09: "    "}


def visible(text: str, keep_newlines: bool = True) -> str:
    """``text`` with control characters replaced by visible symbols.

    Tabs become four spaces; newlines are kept unless ``keep_newlines`` is
    False, in which case they show as ``⏎``.
    """
    out = text.translate(_TABLE)
    if not keep_newlines:
        out = out.replace("\n", "\u23ce ")
    return out


def one_line(text: str, limit: int = 80) -> str:
    """A single visible line of ``text``, cut to ``limit`` characters."""
    line = visible(text, keep_newlines=False)
    return line if len(line) <= limit else line[: limit - 1] + "…"
