"""Bidi controls and invisible format characters never reach the terminal
raw (reliability finding F34).

``textsafe.visible`` is the one function that knows them; the palette, the
PDF handout and the editor draw through it. Stored text and the JSON backup
keep them exactly as typed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import ready, seen_data_dir
from rich.segment import Segment

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.textsafe import FORMAT_NAMES, one_line, visible
from ldn_tui.tui.app import create_app

#: U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C, U+200B–U+200D,
#: U+2060, U+FEFF: the characters the finding names.
FORMAT = [
    *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C,
    *range(0x200B, 0x200E), 0x2060, 0xFEFF,
]  # fmt: skip
HOSTILE = "a\u202eevil\u202c b\u2067iso\u2069 c\u200b\u200c\u200d\u2060\ufeff d\u200e\u200f\u061c e\x1b[2J"


@pytest.mark.parametrize("code", FORMAT, ids=lambda c: f"U+{c:04X}")
def test_visible_names_every_bidi_and_invisible_character(code: int) -> None:
    char = chr(code)
    shown = visible(f"x{char}y")
    assert char not in shown
    assert shown == f"x\u27e8{FORMAT_NAMES[code]}\u27e9y"
    assert char not in one_line(f"x{char}y")
    same = visible(f"x{char}y", same_length=True)
    assert char not in same and len(same) == 3


def test_visible_names_are_the_short_unicode_names() -> None:
    assert visible(HOSTILE) == ("a⟨RLO⟩evil⟨PDF⟩ b⟨RLI⟩iso⟨PDI⟩ c⟨ZWSP⟩⟨ZWNJ⟩⟨ZWJ⟩⟨WJ⟩⟨BOM⟩ d⟨LRM⟩⟨RLM⟩⟨ALM⟩ e␛[2J")


def test_same_length_keeps_columns_and_tabs() -> None:
    text = "a\tb\x1bc\x9bd\u202ee\u200bf\n"
    shown = visible(text, same_length=True)
    assert len(shown) == len(text)
    assert shown == "a\tb␛c\ufffdd⬚e⬚f␊"
    # ordinary text, emoji and right-to-left letters are left alone
    assert visible("שלום 😀 [bold]x[/]", same_length=True) == "שלום 😀 [bold]x[/]"


def test_palette_and_pdf_draw_through_the_one_function() -> None:
    from ldn_tui.export.pdf import printable
    from ldn_tui.tui.screens.palette import safe_line

    assert safe_line(HOSTILE, None) == visible(HOSTILE, keep_newlines=False)
    printed = printable(HOSTILE)
    for code in FORMAT:
        assert chr(code) not in printed
    assert "⟨ZWSP⟩" in printed and "⟨RLO⟩" in printed and "⟨BOM⟩" in printed and "⟨ESC⟩" in printed


def test_json_backup_keeps_the_characters_byte_exact(tmp_path: Path) -> None:
    from ldn_tui.export import request as ex
    from ldn_tui.notes.store import Store

    store = Store.open(seen_data_dir(tmp_path / "data"))
    store.add_note("dosing", "", "Heading \u202e", HOSTILE)
    selection = ex.select("all", store.bookmarks(), store.notes(), store.state())
    data = json.loads(ex.render_export("json", selection, None, datetime.now(UTC)))
    store.close()
    assert [n["text"] for n in data["notes"]] == [HOSTILE]
    assert [n["heading"] for n in data["notes"]] == ["Heading \u202e"]


def segments_text(screen) -> str:
    out = []
    for strip in screen._compositor.render_strips():
        for segment in strip:
            assert isinstance(segment, Segment) and not segment.control
            out.append(segment.text)
    return "".join(out)


async def test_editor_draws_them_visibly_and_stores_them_raw(tmp_path: Path) -> None:
    from ldn_tui.tui.screens.note_editor import NoteEditor, SafeTextArea

    app = create_app(load_library(bundled_content_dir()), seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, NoteEditor):
                break
        editor = app.screen
        area = editor.query_one(SafeTextArea)
        area.insert(HOSTILE)
        await pilot.pause()
        assert area.text == HOSTILE  # stored as typed
        drawn = segments_text(app.screen)
        for code in FORMAT:
            assert chr(code) not in drawn, hex(code)
        assert "\x1b" not in drawn
        assert "evil⬚ b⬚iso⬚ c⬚⬚⬚⬚⬚ d⬚⬚⬚ e␛[2J" in drawn
        # the cursor sits at the end of the stored text, one column per character
        assert area.cursor_location == (0, len(HOSTILE))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.text for n in app.store.notes()] == [HOSTILE]
