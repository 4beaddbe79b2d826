"""Colour checks on drawn segments: a background on every cell, and WCAG
contrast between text and its background.

Shared by the in-process theme tests (tests/tui/test_render_theme.py) and meant
to be reused by the end-to-end tier, which parses ``tmux capture-pane -e``
into the same (text, foreground, background) triples.

Contrast follows WCAG 2.x: relative luminance of sRGB colours, ratio
``(L1 + 0.05) / (L2 + 0.05)``; 4.5:1 is the minimum for body text (AA).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.color import ColorType
from rich.segment import Segment
from rich.style import Style

#: WCAG AA for body text.
MIN_CONTRAST = 4.5

RGB = tuple[int, int, int]


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour (0 black .. 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: RGB, other: RGB) -> float:
    """WCAG contrast ratio between two colours (1.0 .. 21.0)."""
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def has_text(text: str) -> bool:
    """True if ``text`` has a letter or digit (rules and borders are not text)."""
    return any(ch.isalnum() for ch in text)


@dataclass(frozen=True)
class Problem:
    """One offending segment."""

    line: int
    text: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text!r}: {self.why}"


def _rgb(color) -> RGB | None:
    """The colour as RGB, or None when the terminal decides it (default or
    one of the 16 ANSI colours, as in the textual-ansi theme)."""
    if color is None or color.type in (ColorType.DEFAULT, ColorType.STANDARD, ColorType.WINDOWS):
        return None
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def colours(style: Style) -> tuple[RGB | None, RGB | None]:
    """(foreground, background) as drawn, honouring ``reverse``."""
    fg, bg = _rgb(style.color), _rgb(style.bgcolor)
    if style.reverse:
        fg, bg = bg, fg
    return fg, bg


def check_lines(
    lines: Iterable[Iterable[Segment]],
    minimum: float = MIN_CONTRAST,
    check_contrast: bool = True,
) -> list[Problem]:
    """Problems in drawn lines: a segment without a style or a background
    (the terminal's default would show through), and text under ``minimum``
    contrast against its background."""
    problems: list[Problem] = []
    for number, line in enumerate(lines):
        for segment in line:
            text, style, control = segment
            if control or not text:
                continue
            if style is None or style.bgcolor is None:
                problems.append(Problem(number, text, "no background (terminal default shows through)"))
                continue
            if not check_contrast or not has_text(text):
                continue
            fg, bg = colours(style)
            if fg is None or bg is None:
                if style.color is None:
                    problems.append(Problem(number, text, "no foreground colour"))
                continue
            ratio = contrast(fg, bg)
            if ratio < minimum:
                problems.append(Problem(number, text, f"contrast {ratio:.2f}:1 ({fg} on {bg})"))
    return problems


def check_cells(
    rows: Iterable[Iterable[tuple[str, RGB | None, RGB | None]]],
    minimum: float = MIN_CONTRAST,
) -> list[Problem]:
    """The same checks on runs of ``(text, foreground, background)`` per row,
    as an end-to-end test gets them from ``tmux capture-pane -e`` (None: the
    terminal's default colour, i.e. a hole in the theme)."""
    problems: list[Problem] = []
    for number, row in enumerate(rows):
        for text, fg, bg in row:
            if not text:
                continue
            if bg is None:
                problems.append(Problem(number, text, "no background (terminal default shows through)"))
            elif has_text(text) and fg is not None and contrast(fg, bg) < minimum:
                problems.append(Problem(number, text, f"contrast {contrast(fg, bg):.2f}:1 ({fg} on {bg})"))
    return problems
