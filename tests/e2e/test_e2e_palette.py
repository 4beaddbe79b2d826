"""Palette sweep: the command palette, typed into the way a person types.

ux-defects C1: typing ordinary words into ``ctrl+p`` one key at a time killed
the app (a Textual ``Style`` handed to Rich in the search provider's
highlighted results). Here every command title the installed app offers, and
a list of free words, is typed one key at a time; the app must stay alive
after every key, and ``enter`` on the safe commands must open what they say.
"""

from __future__ import annotations

import time

import pytest

from e2e.conftest import Installed, write_state
from e2e.tmux_driver import Terminal, view_title

#: Words a reader might type; several of them crashed the palette (C1, W9).
FREE_WORDS = (
    "do",
    "dose",
    "dosing",
    "export",
    "notes",
    "glossary",
    "side effects",
    "fibro",
    "theme",
    "Change theme",
    "quit",
    "bookmark",
    "not",
    "help",
    "studies",
    "Keys",
    "fibromyalgia",
    "go to dosing",
    "naltrexone",
    "g",
    "[/x]",
    "[@click=app.quit]",
    "4.5 mg [/day]",
)
#: The palette's search icon (Textual's ``CommandPalette``): it is open.
PALETTE = "🔎"
KEY_DELAY = 0.07
#: Text only the help screen shows (its title, its first section).
HELP = ("Keys (esc closes)", "Panes and places")


def open_palette(term: Terminal) -> None:
    term.keys("C-p")
    term.wait_for(PALETTE, what="the command palette")


def type_slowly(term: Terminal, text: str) -> None:
    """One key at a time, checking after each that the app is still there."""
    for char in text:
        term.type(char)
        time.sleep(KEY_DELAY)
        term.check_alive(f"after typing {char!r} of {text!r} into the palette")


def close_palette(term: Terminal, typed: str, listed: bool = False) -> None:
    """Let the providers answer the last key before leaving (the crash came
    from drawing their answers); ``listed``: the typed text is one of the
    palette's titles, so it shows twice: in the input and in the results."""
    screen = term.wait_settled(quiet=0.2, timeout=3)
    term.check_alive(f"once the palette showed the results for {typed!r}")
    if listed:
        assert screen.text.count(typed) >= 2, f"{typed!r} typed, not in the results:\n{screen.text}"
    term.keys("Escape")
    term.wait_gone(PALETTE)


#: The sweep in parts (a terminal each), so a parallel run (pytest -n)
#: spreads it; together they type every word.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_palette_survives_every_title_and_word_typed_one_key_at_a_time(
    installed: Installed, terminal, tmp_path, part: int
):
    data = write_state(tmp_path / "data", notice_seen=True)
    term = terminal(size=(100, 30), data_dir=data)
    term.wait_for("Last reviewed", what="the first pane")

    words = [*installed.commands, *FREE_WORDS]
    assert len(installed.commands) >= 20, installed.commands
    for word in words[part::PARTS]:
        open_palette(term)
        type_slowly(term, word)
        close_palette(term, word, listed=word in installed.commands)
    term.check_alive("after the palette sweep")


def test_enter_on_the_palettes_safe_commands_opens_what_they_name(installed: Installed, terminal, tmp_path):
    data = write_state(tmp_path / "data", notice_seen=True)
    term = terminal(size=(100, 30), data_dir=data)
    first_title = installed.panes[0][1]
    term.wait_for("Last reviewed", what="the first pane")

    for _pane_id, title in reversed(installed.panes):
        open_palette(term)
        type_slowly(term, f"Go to: {title}")
        term.wait_settled(quiet=0.2, timeout=3)
        term.keys("Enter")
        screen = term.wait_for(
            lambda s: PALETTE not in s.text and view_title(s) == title, what=f"pane {title!r} after 'Go to: {title}'"
        )
        assert "Last reviewed" in screen.text
    assert title == first_title

    open_palette(term)
    type_slowly(term, "Help")
    term.wait_settled(quiet=0.2, timeout=3)
    term.keys("Enter")
    term.wait_for(HELP, what="the help screen after the palette's Help")
    term.keys("Escape")
    term.wait_for(lambda s: not any(h in s.text for h in HELP), what="the help screen to close")
    term.check_alive("after the palette's commands")
