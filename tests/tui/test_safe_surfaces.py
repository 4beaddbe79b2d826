"""Hostile note text through the search screen and the palette (F1, F3).

Hypothesis writes notes full of C0/C1 controls, ESC, OSC 0/8/52 sequences,
bidi overrides and Textual markup; the real app (shipped content) then
shows them in the search screen's rows and the palette's hits. No control
byte or bidi override may be in the segments the app draws (what the
driver writes to the terminal), and the app must still be running.
"""

from __future__ import annotations

import pytest
from helpers import ready, seen_data_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.command import CommandList, CommandPalette

from ldn_tui.content.library import load_library
from ldn_tui.notes.store import Store
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app
from ldn_tui.tui.screens.search import SearchResults, SearchScreen

PAYLOADS = [
    "\x1b]52;c;cHduZWQ=\x1b\\",  # OSC 52: write the clipboard
    "\x1b]0;TITLEPWN\x07",  # OSC 0: window title
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J",  # clear screen
    "\x1b[31m",
    "\x9b31m",  # C1 CSI
    "\x9d0;x\x9c",  # C1 OSC ... ST
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "[@click=app.quit]CLICK[/]",
    "[/]",
    "[b]",
    "4.5 mg [/day]",
    "[link=https://evil.example/x]x[/]",
    "\r",
    "\x00",
    "\x08",
    "\x07",
    "\t",
    "\n",
    "\x7f",
]

note_text = st.lists(
    st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2100), max_size=8),
    ),
    min_size=1,
    max_size=8,
).map("".join)

BAD = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def assert_terminal_safe(screen, where: str) -> None:
    """Every segment the screen draws is plain, safe text."""
    for strip in screen._compositor.render_strips():
        for segment in strip:
            assert not segment.control, (where, segment)
            bad = [hex(ord(c)) for c in segment.text if ord(c) in BAD]
            assert not bad, (where, bad, segment.text)


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(note_text, min_size=3, max_size=6))
async def test_hostile_notes_are_drawn_safely_in_search_rows_and_palette_hits(shipped, tmp_path_factory, texts):
    data = seen_data_dir(tmp_path_factory.mktemp("data"))
    store = Store.open(data)
    for n, text in enumerate(texts):
        # a findable word on each side, hostile text between
        store.add_note("dosing", "", f"Heading {text[:20]}", f"lowdose {text} zzescape{n}")
    store.close()
    app = create_app(shipped, data)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        # the search screen (s)
        await pilot.press("s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, SearchScreen)
        for char in "lowdose":
            await pilot.press(char)
        await pilot.pause(0.2)
        rows = app.screen.query_one(SearchResults)
        assert rows.option_count >= 1
        assert_terminal_safe(app.screen, "search screen")
        for option in rows.options:
            assert not [c for c in str(option.prompt) if ord(c) in BAD - {0x0A}], option.prompt
        await pilot.press("escape")
        await pilot.pause(0.1)
        # the palette (ctrl+p)
        await pilot.press("ctrl+p")
        await pilot.pause(0.1)
        assert isinstance(app.screen, CommandPalette)
        for char in "lowdose":
            await pilot.press(char)
            await pilot.pause(0.02)
        await pilot.pause(0.5)
        hits = app.screen.query_one(CommandList).options
        assert any("your note" in str(getattr(h.prompt, "plain", h.prompt)) for h in hits)
        assert_terminal_safe(app.screen, "palette")
        for hit in hits:
            plain = str(getattr(hit.prompt, "plain", hit.prompt))
            assert not [c for c in plain if ord(c) in BAD - {0x0A}], plain
            for span in getattr(hit.prompt, "spans", []):
                assert "@click" not in str(span.style) and "link" not in str(span.style), span
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.is_running
