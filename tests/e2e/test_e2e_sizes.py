"""Size sweep: small and huge terminals, and resizing with every dialog open.

ux-defects E1/E2: at 60x20 and 40x12 the first-start notice hid its only
button and ``q`` did nothing there; at 40x12 Help showed keys without their
descriptions and the export dialog hid its buttons. From 40x12 up, every
dialog's main text and buttons must be on screen, and resizing down to 30x8
and up to 300x100 with a dialog open must never crash.
"""

from __future__ import annotations

import pytest

from e2e.tmux_driver import AppDied, Screen, Terminal

NOTICE = "Before you start"
NOTICE_BUTTON = "I understand"
START_SIZES = [(40, 12), (60, 20), (80, 24), (200, 60)]
RESIZES = [(30, 8), (40, 12), (60, 20), (120, 40), (300, 100)]


def body(screen: Screen) -> str:
    """The screen without its last row (the footer, which repeats key names)."""
    return "\n".join(screen.text.split("\n")[:-1])


#: key -> (what proves the dialog is open, what must be visible from 40x12 up)
DIALOGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "?": ("Keys", ("esc", "Contents")),  # help: a way out, and key descriptions, not bare keys
    "s": ("Search everything", ("Search",)),
    "m": ("Bookmarks and notes", ("Bookmarks and notes",)),
    "e": ("Markdown", ("Export", "Cancel")),  # the export dialog's two buttons
    "n": ("✎ Note on", ("✎ Note on",)),
    "t": ("Key points", ()),  # contents panel: only that it survives
}


@pytest.mark.parametrize(
    "size,leave",
    zip(START_SIZES, ["q", "Escape", "q", "Escape"]),
    ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v,
)
def test_the_first_start_notice_fits_and_q_or_escape_leaves_it(terminal, size, leave):
    """The notice's button is on screen, and ``q`` (the footer says "q Quit")
    or ``escape`` leaves it: q by quitting or by closing the notice."""
    term: Terminal = terminal(size=size)
    term.wait_for(NOTICE, what="the first-start notice")
    term.wait_for(
        NOTICE_BUTTON, timeout=5, what=f"the notice's button {NOTICE_BUTTON!r} on screen at {size[0]}x{size[1]}"
    )
    term.keys(leave)
    term.wait_for(lambda s: NOTICE not in s.text, alive=leave == "Escape", what=f"{leave} to leave the notice")


def check_visible(
    term: Terminal, size: tuple[int, int], texts: tuple[str, ...], what: str, problems: list[str]
) -> None:
    """Wait for ``texts`` on screen (from 40x12 up); a miss is noted in
    ``problems`` and the sweep goes on; a dead app fails at once."""
    width, height = size
    if width < 40 or height < 12 or not texts:
        term.wait_settled(quiet=0.15)
        term.check_alive(f"with {what} open at {width}x{height}")
        return
    try:
        term.wait_for(
            lambda s: all(t in body(s) for t in texts),
            timeout=3,
            what=f"{', '.join(map(repr, texts))} visible in {what} at {width}x{height}",
        )
    except AppDied:
        raise
    except AssertionError as error:
        problems.append(str(error))


def test_resizing_with_each_dialog_open_never_crashes_and_keeps_buttons_visible(terminal, tmp_path):
    term: Terminal = terminal(size=(80, 24))
    problems: list[str] = []
    term.wait_for(NOTICE, what="the first-start notice")
    for size in RESIZES:
        term.resize(*size)
        check_visible(term, size, (NOTICE_BUTTON,), "the first-start notice", problems)
    term.resize(80, 24)
    term.keys("Enter")
    term.wait_gone(NOTICE)
    for key, (marker, texts) in DIALOGS.items():
        term.keys(key)
        term.wait_for(marker, what=f"the dialog opened by {key!r}")
        for size in RESIZES:
            term.resize(*size)
            check_visible(term, size, texts, f"the dialog opened by {key!r}", problems)
        term.resize(80, 24)
        term.wait_settled(quiet=0.2)
        term.keys("Escape")
        if key == "n":
            term.wait_gone("✎ Note on")
        term.wait_settled(quiet=0.2)
        term.check_alive(f"after closing the dialog opened by {key!r}")
    # Back at the reader, which still answers.
    term.keys("2")
    term.wait_for("Last reviewed", what="pane 2 after the sweep")
    assert not problems, f"{len(problems)} dialog texts not on screen:\n" + "\n\n".join(problems)
