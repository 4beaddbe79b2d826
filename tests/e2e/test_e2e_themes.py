"""Theme sweep: a complete, readable page in every built-in theme and with
``NO_COLOR=1``.

ux-defects W2: the margin, title, headings, bullets, tables and the focused
link were drawn on the terminal's default background (black or white bars
across the page). W1: citation links were pure white in every theme (about
1.1:1 on light themes). C2: ``NO_COLOR=1`` crashed on the first frame.

One app start per theme, with the theme already saved in the data
directory: the first-start notice, every pane (1-9) and every dialog (help,
contents, search, notes, export) are captured with colours and checked:

* no cell has the terminal's default background (the ANSI themes and
  ``NO_COLOR`` may use the terminal's own colours on purpose: when most of
  the page does, the rule does not apply; when most of it is themed, it does);
* every character of the reading pane (body text, headings, links) has a
  known colour with a WCAG contrast of at least 4.5:1 against its background.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from e2e.conftest import Installed, write_state
from e2e.tmux_driver import Screen, Terminal, contrast, view_title

SIZE = (100, 30)
MIN_CONTRAST = 4.5
#: key -> text that shows the dialog is open
DIALOGS = {"?": "Keys", "t": "(its own border)", "s": "Search everything", "m": "Bookmarks and notes", "e": "Markdown"}
#: parallel terminals per part (each app mostly waits for keys)
WORKERS = 2
#: the sweep in parts, so a parallel run (pytest -n) spreads it; together
#: they cover every theme and NO_COLOR=1
PARTS = 3


def is_text(char: str) -> bool:
    """A character a reader reads (not a space, box line, block or bar)."""
    return bool(char.strip()) and not any(0x2500 <= ord(c) <= 0x259F for c in char)


def reading_area(screen: Screen) -> list[tuple[int, int]]:
    """(row, col) of the reading pane: right of the pane list, above the footer."""
    first = screen.lines[0]
    left = max(first.rfind(ch) for ch in "▕▏│") + 1
    return [(y, x) for y in range(len(screen.cells) - 1) for x in range(left, len(screen.cells[y]))]


def holes(screen: Screen, own_colours: bool) -> list[str]:
    """Cells on the terminal's default background (any, or -- when the theme
    uses the terminal's own colours -- a mix of both)."""
    cells = [(y, x, c) for y, row in enumerate(screen.cells) for x, c in enumerate(row)]
    default = [(y, x, c) for y, x, c in cells if c.bg is None]
    if not default or own_colours and len(default) * 2 > len(cells):
        return []  # a themed page, or a page in the terminal's own colours
    rows = sorted({y for y, _, _ in default})
    sample = [f"row {y}: {screen.lines[y].rstrip()[:60]!r}" for y in rows[:3]]
    return [f"{len(default)} cells on the terminal's default background, in rows {rows[:12]}: " + "; ".join(sample)]


def low_contrast(screen: Screen, own_colours: bool) -> list[str]:
    """Characters of the reading pane below 4.5:1 (or in the terminal's
    default text colour on a themed background)."""
    bad: dict[str, tuple[str, int]] = {}
    for y, x in reading_area(screen):
        cell = screen.cells[y][x]
        if not is_text(cell.char):
            continue
        if cell.bg is None and own_colours:
            continue  # the terminal's colours: nothing to measure
        if cell.fg is None or cell.bg is None:
            key = f"default {'text colour' if cell.fg is None else 'background'} fg={cell.fg} bg={cell.bg}"
        else:
            ratio = contrast(cell.fg, cell.bg)
            if ratio >= MIN_CONTRAST:
                continue
            key = f"{ratio:.2f}:1 fg={cell.fg} bg={cell.bg}"
        word = screen.lines[y][max(0, x - 8) : x + 12].strip()
        count = bad.get(key, (word, 0))[1] + 1
        bad[key] = (bad.get(key, (word, 0))[0], count)
    return [f"{key} ({count} chars, e.g. {word!r})" for key, (word, count) in bad.items()]


def contents_open(screen: Screen) -> bool:
    """The contents panel adds a second border to the top row (the footer
    always says "t Contents", so the word proves nothing)."""
    return sum(screen.lines[0].count(ch) for ch in "▕▏│") >= 2


def sweep(installed: Installed, start: Callable[..., Terminal], tmp_path: Path, theme: str | None) -> list[str]:
    """Run one theme (None: NO_COLOR=1) through every pane and dialog."""
    name = theme or "NO_COLOR=1"
    own_colours = theme is None or theme.startswith("ansi")
    data = write_state(tmp_path / f"data-{name}", **({"theme": theme} if theme else {}))
    term = start(size=SIZE, data_dir=data, env={"NO_COLOR": "1"} if theme is None else None)
    problems: list[str] = []

    def check(screen: Screen, place: str, reading: bool) -> None:
        found = holes(screen, own_colours) + (low_contrast(screen, own_colours) if reading else [])
        problems.extend(f"{name} / {place}: {p}" for p in found)

    try:
        check(term.wait_for("Before you start", what="the first-start notice"), "notice", reading=False)
        term.keys("Enter")
        term.wait_gone("Before you start")
        for number, (_, title) in enumerate(installed.panes[:9], 1):
            term.keys(str(number))
            term.wait_for(lambda s: view_title(s) == title, what=f"pane {number} ({title})")
            time.sleep(0.05)  # the rest of the frame
            check(term.capture(), f"pane {number} {title}", reading=True)
        for key, marker in DIALOGS.items():
            term.keys(key)
            is_open = contents_open if key == "t" else (lambda s, m=marker: m in s.text)
            term.wait_for(is_open, what=f"the dialog opened by {key!r}")
            time.sleep(0.1)
            check(term.capture(), f"dialog {key!r}", reading=False)
            term.keys("Escape")
            term.wait_for(lambda s: not is_open(s), what=f"the dialog opened by {key!r} to close")
        term.check_alive()
    except AssertionError as error:
        problems.append(f"{name}: {str(error)[:3000]}")
    finally:
        term.close()
    return problems


@pytest.mark.parametrize("part", range(PARTS))
def test_every_theme_paints_every_cell_with_readable_text(installed: Installed, terminal, tmp_path, part: int):
    every: list[str | None] = [*installed.themes, None]
    assert "nord" in every and len(every) >= 10, every
    themes = every[part::PARTS]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda t: sweep(installed, terminal, tmp_path, t), themes))
    problems = [p for r in results for p in r]
    failed = sorted({p.split(" / ")[0].split(":")[0] for p in problems})
    assert not problems, (
        f"{len(failed)} of {len(themes)} themes in this part fail ({', '.join(failed)}):\n" + "\n".join(problems[:80])
    )
