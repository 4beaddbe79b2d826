"""The real command palette of the real app on the shipped content.

Findings F3/F22 (note, title and summary text read as markup; C1/F2, an
ordinary word typed crashed the app, is swept in tests/e2e), W9 (content hits came and went)
and the palette's command list (every app action with its key, no
Keys/Maximize/Screenshot, "Change theme"). Keys are typed one at a time
with pauses, so the palette's providers really run on each prefix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ready, seen_data_dir
from textual.command import CommandList, CommandPalette

from ldn_tui.content.library import load_library
from ldn_tui.notes.store import Store
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

SIZE = (100, 30)


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def key_for(char: str) -> str:
    return {
        " ": "space",
        "[": "left_square_bracket",
        "]": "right_square_bracket",
        "/": "slash",
        "?": "question_mark",
    }.get(char, char)


async def type_slowly(pilot, text: str, pause: float = 0.03) -> None:
    for char in text:
        await pilot.press(key_for(char))
        await pilot.pause(pause)


async def open_palette(pilot) -> CommandPalette:
    await pilot.press("ctrl+p")
    for _ in range(100):
        if isinstance(pilot.app.screen, CommandPalette):
            break
        await pilot.pause(0.01)
    assert isinstance(pilot.app.screen, CommandPalette)
    return pilot.app.screen


async def palette_lines(pilot, settle: float = 0.6) -> list[str]:
    """The palette's current options as plain text, after the search settles."""
    await pilot.pause(settle)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(CommandList).options
    return [str(getattr(option.prompt, "plain", option.prompt)) for option in options]


async def close_palette(pilot) -> None:
    await pilot.press("escape")
    await pilot.pause(0.05)
    if isinstance(pilot.app.screen, CommandPalette):
        await pilot.press("escape")
        await pilot.pause(0.05)


def app_on(shipped, data_dir: Path):
    return create_app(shipped, data_dir)


# Typing words into the palette one key at a time (C1, F2, F3: ordinary
# words and markup crashed it) is tested on the installed app in a real
# terminal, which shows the app's traceback if it dies:
# tests/e2e/test_e2e_palette.py types every command title and its FREE_WORDS.


async def test_content_hits_for_dose_and_fibro_every_time(shipped, tmp_path):
    """W9: the same word finds content every time, even typed before the
    background index build has finished."""
    app = app_on(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for _ in range(2):
            for word in ("dose", "fibro"):
                await open_palette(pilot)
                await type_slowly(pilot, word, pause=0.0)
                lines = await palette_lines(pilot)
                hits = [line for line in lines if "(text)" in line or "(heading)" in line or "(glossary)" in line]
                assert hits, (word, lines)
                await close_palette(pilot)


async def test_palette_lists_every_app_action_with_its_key_and_no_generic_commands(shipped, tmp_path):
    app = app_on(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_palette(pilot)
        lines = await palette_lines(pilot, settle=0.3)
        firsts = {line.split("\n")[0] for line in lines}
        for generic in ("Keys", "Maximize", "Screenshot", "Theme"):
            assert generic not in firsts, lines
        for title in ("Change theme", "Quit", "Help", "Search everything", "Export notes", "Bookmarks and notes"):
            assert title in firsts, (title, firsts)
        # every reader binding's action can be reached from the palette
        helps = " ".join(lines)
        for key in (
            "key [",
            "key ]",
            "key t",
            "key /",
            "key s",
            "key b",
            "key n",
            "key m",
            "key p",
            "key e",
            "key ?",
            "key q",
        ):
            assert key in helps, key
        await close_palette(pilot)
        # Change theme opens Textual's theme list (the README's way)
        await open_palette(pilot)
        await type_slowly(pilot, "Change theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        lines = await palette_lines(pilot, settle=0.2)
        assert any("nord" in line for line in lines), lines[:5]
        await close_palette(pilot)
        assert app.is_running


HOSTILE_NOTES = [
    "ask pharmacist about 4.5 mg [/day] lowdose",
    "[@click=app.quit]CLICKME[/] lowdose",
    "[link=https://evil.example/x]x[/] lowdose [b]",
    "Dosing tip \x1b]52;c;cHduZWQ=\x1b\\ \x1b]0;TITLEPWN\x1b\\ \x1b[2J see lowdose",
]


async def test_palette_shows_hostile_note_text_literally(shipped, tmp_path):
    """F3: note text is never markup in the palette: it neither crashes it
    nor becomes a live action; escape codes are shown as symbols."""
    data = seen_data_dir(tmp_path / "data")
    store = Store.open(data)
    for text in HOSTILE_NOTES:
        store.add_note("dosing", "", "Dosing", text)
    store.close()
    app = app_on(shipped, data)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_palette(pilot)
        await type_slowly(pilot, "lowdose")
        lines = await palette_lines(pilot)
        joined = "\n".join(lines)
        assert "[/day]" in joined and "[@click=app.quit]CLICKME[/]" in joined, joined
        assert "\x1b" not in joined and "␛]52" in joined
        # a click on the note hit runs no action: there is none in its spans
        palette = app.screen
        for option in palette.query_one(CommandList).options:
            for span in getattr(option.prompt, "spans", []):
                assert "@click" not in str(span.style), span
        await close_palette(pilot)
        assert app.is_running


async def test_markup_in_pane_titles_and_summaries_does_not_crash_the_palette(fixture_content, tmp_path):
    """F22: a title or summary such as ``dose [/day]`` is plain text."""
    for path in sorted(fixture_content.glob("*.md"))[:1]:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        lines = [
            (line + " [/x] [@click=app.quit]") if line.startswith(("title:", "summary:")) else line for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
    library = load_library(fixture_content)
    app = create_app(library, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_palette(pilot)
        lines = await palette_lines(pilot, settle=0.3)
        assert any("[/x]" in line for line in lines), lines
        await type_slowly(pilot, "go")
        lines = await palette_lines(pilot)
        assert any("[/x] [@click=app.quit]" in line for line in lines), lines
        await close_palette(pilot)
        assert app.is_running
