"""Big notes and many notes (reliability review F9, F10).

A note holds at most ``MAX_NOTE_CHARS`` characters: the store, ``ldn-tui
import`` and the editor refuse more with one clear message, and nothing
already written is lost. A longer note from before the limit still opens,
shows, exports and can be edited. Every list shows a bounded preview, so a
1 MB note and 100,000 notes open in seconds. These tests check the work is
bounded (previews cut, rows paged, long lines drawn lazily), never a time: a
timed test fails on a loaded machine and proves little on a quiet one. How
long it takes is measured by ``benchmarks/bench_bignotes.py``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from helpers import edit_note
from textual import events
from textual.geometry import Region

from ldn_tui.cli import main
from ldn_tui.content.library import load_library
from ldn_tui.notes import DB_NAME, NoteTooLong, Store, StoreError, file_format
from ldn_tui.notes.note_size import MAX_NOTE_CHARS, PREVIEW_CHARS, PREVIEW_LINES, more_text, preview, too_long
from ldn_tui.notes.records import now_utc
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

SIZE = (100, 30)
MB = 1_000_000


def doc(pane: str, slug: str, heading: str, text: str) -> dict:
    stamp = now_utc()
    return {"id": uuid.uuid4().hex, "pane_id": pane, "slug": slug, "heading": heading,
            "text": text, "created": stamp, "updated": stamp}  # fmt: skip


def write_store(data: Path, docs: list[dict]) -> None:
    """A data directory holding ``docs`` as written by an older ldn-tui (no limit)."""
    data.mkdir(parents=True)
    tables = file_format.empty_tables()
    tables["notes"] = {str(i): d for i, d in enumerate(docs, 1)}
    tables["state"] = {"1": {"notice_seen": True}}
    (data / DB_NAME).write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    (data / DB_NAME).chmod(0o600)


def words(chars: int, line: int | None = 80) -> str:
    """``chars`` characters of text, in lines of ``line`` (None: one line)."""
    unit = ("sleep better " * 7)[: (line or 10**9) - 1] + "\n" if line else "pain fatigue "
    return (unit * (chars // len(unit) + 1))[:chars]


def places() -> list[tuple[str, str, str]]:
    library = load_library(bundled_content_dir())
    out = []
    for pane in library.panes:
        out += [(pane.id, h.slug, h.text) for h in library.document(pane.id).headings]
    return out


def first_pane_place(n: int = 0) -> tuple[str, str, str]:
    library = load_library(bundled_content_dir())
    pane = library.panes[0]
    heading = library.document(pane.id).headings[n]
    return pane.id, heading.slug, heading.text


def rendered(widget) -> str:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


async def settle(pilot, kind: type | None = None) -> None:
    for _ in range(3000):
        await pilot.pause()
        if kind is None or isinstance(pilot.app.screen, kind):
            return
    raise AssertionError(f"{kind} never came up")


# -- the limit in the domain -----------------------------------------------------------


def test_the_limit_is_generous_and_named_in_the_message():
    assert MAX_NOTE_CHARS == 100_000
    assert too_long("x" * MAX_NOTE_CHARS) is None
    message = too_long("x" * (MAX_NOTE_CHARS + 1))
    assert "100,001" in message and "100,000" in message and "Nothing was saved" in message
    # a note already longer may stay as long as it is
    assert too_long("x" * 150_000, allowed=150_000) is None


def test_preview_is_bounded_and_says_how_much_is_left():
    head, hidden = preview("short note")
    assert (head, hidden) == ("short note", 0)
    head, hidden = preview("x" * MB)
    assert len(head) == PREVIEW_CHARS and hidden == MB - PREVIEW_CHARS
    head, hidden = preview("line\n" * 100)
    assert head.count("\n") == PREVIEW_LINES - 1 and hidden == 500 - len(head)
    assert more_text(1234) == "… (1,234 more characters: open the note to read it all)"


def test_the_store_refuses_a_note_over_the_limit_and_saves_nothing(tmp_path):
    with Store.open(tmp_path) as store:
        kept = store.add_note("p", "s", "H", "x" * MAX_NOTE_CHARS)  # exactly the limit is fine
        before = (tmp_path / DB_NAME).read_bytes()
        for attempt in (
            lambda: store.add_note("p", "s", "H", "x" * (MAX_NOTE_CHARS + 1)),
            lambda: store.save_edit(kept.id, kept.updated, "p", "s", "H", "y" * (MAX_NOTE_CHARS + 1)),
            lambda: store.save_edit(None, None, "p", "s", "H", "y" * (MAX_NOTE_CHARS + 1)),
        ):
            with pytest.raises(NoteTooLong, match="at most 100,000") as caught:
                attempt()
            assert isinstance(caught.value, ValueError) and isinstance(caught.value, StoreError)
        assert (tmp_path / DB_NAME).read_bytes() == before
        assert store.get_note(kept.id) == kept


def test_a_note_already_over_the_limit_opens_exports_and_can_be_edited(tmp_path):
    data = tmp_path / "data"
    old = doc("overview", "", "Old", "a" * (3 * MAX_NOTE_CHARS))
    write_store(data, [old])
    with Store.open(data) as store:
        assert store.get_note(old["id"]).text == old["text"]
        shorter = edit_note(store, old["id"], old["text"][:-10])  # an edit that does not grow it
        assert len(shorter.text) == len(old["text"]) - 10
        with pytest.raises(NoteTooLong):
            edit_note(store, old["id"], old["text"] + "more")  # grows: refused
        saved, outcome = store.save_edit(old["id"], shorter.updated, "overview", "", "Old", shorter.text[:-1])
        assert outcome == "updated"
        # a conflict copy of it is kept too (another window changed the note meanwhile)
        copy, outcome = store.save_edit(old["id"], shorter.updated, "overview", "", "Old", shorter.text[:-2])
        assert outcome == "conflict" and len(copy.text) == len(shorter.text) - 2
    for fmt in ("json", "md", "html", "csv"):
        out = tmp_path / f"export.{fmt}"
        assert main(["export", "--data-dir", str(data), "-f", fmt, "-s", "notes", "-o", str(out)]) == 0
        assert "a" * 1000 in out.read_text(encoding="utf-8")


def test_import_refuses_a_note_over_the_limit_in_one_line_naming_it(tmp_path, capsys):
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.add_note("overview", "", "Mine", "mine")
    before = (data / DB_NAME).read_bytes()
    notes = [
        doc("overview", "", "Fine", "fine"),
        {**doc("overview", "", "Huge", "z" * (MAX_NOTE_CHARS + 1)), "id": "huge1"},
    ]
    export = {
        "schema_version": 1, "app": {"name": "ldn-tui", "version": "0.1.0"},
        "exported_at": "2026-01-01T00:00:00+00:00", "scope": "notes", "bookmarks": [], "notes": notes,
    }  # fmt: skip
    path = tmp_path / "big.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "--data-dir", str(data), str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "id huge1" in err and "100,001" in err and "100,000" in err and "nothing was imported" in err
    assert (data / DB_NAME).read_bytes() == before  # all or nothing: "fine" was not added either


# -- the app with a 1 MB note --------------------------------------------------------------


@pytest.fixture
def big_data(tmp_path: Path) -> tuple[Path, dict, dict]:
    """A store with a few short notes and two 1 MB notes on the first pane:
    one in 80-character lines, one on a single line (a paste with no breaks)."""
    data = tmp_path / "big"
    lines = doc(*first_pane_place(0), words(MB))
    one = doc(*first_pane_place(1), words(MB, None))
    short = [doc(*first_pane_place(i % 2), f"short note {i}") for i in range(5)]
    write_store(data, [*short, lines, one])
    return data, lines, one


async def test_a_1mb_note_opens_in_the_panel_notes_screen_and_editor(big_data):
    from ldn_tui.tui.screens.note_editor import NoteEditor
    from ldn_tui.tui.screens.notes import NotesScreen
    from ldn_tui.tui.widgets.notes_panel import NotesPanel

    data, lines, one = big_data
    app = create_app(load_library(bundled_content_dir()), data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("p")
        await settle(pilot)
        panel = app.reader.query_one(NotesPanel)
        shown = rendered(panel)
        prompts = [str(getattr(o.prompt, "plain", o.prompt)) for o in panel.options]
        assert shown and any("more characters: open the note" in p for p in prompts)
        assert max(map(len, prompts)) < 2 * PREVIEW_CHARS
        await pilot.press("p")
        await pilot.press("m")
        await settle(pilot, NotesScreen)
        rendered(app.screen.entry_list)
        prompts = [str(getattr(o.prompt, "plain", o.prompt)) for o in app.screen.entry_list.options]
        assert any("more characters: open the note" in p for p in prompts)
        assert max(map(len, prompts)) < 2 * PREVIEW_CHARS
        await pilot.press("escape")
        await settle(pilot)

        for note in (lines, one):
            app.reader.open_note(note["id"])
            await settle(pilot, NoteEditor)
            area = app.screen.text_area
            assert "sleep" in rendered(area) or "pain" in rendered(area)
            assert area.text == note["text"]  # the editor holds it whole
            await pilot.press("escape")
            await settle(pilot)


async def test_the_editor_draws_a_long_line_as_textual_does(tmp_path, monkeypatch):
    """The lazily divided long line (note_editor._Sections) draws the same
    rows as TextArea's own division, cursor and selection included."""
    from ldn_tui.tui.screens import note_editor

    text = "".join(f"word{i}\tstep " for i in range(900))  # one 11,700-character line with tabs
    data = tmp_path / "d"
    note = doc(*first_pane_place(0), text)
    write_store(data, [note])
    seen = []
    for long_line in (10**9, note_editor.LONG_LINE):  # Textual's way, then ours
        monkeypatch.setattr(note_editor, "LONG_LINE", long_line)
        app = create_app(load_library(bundled_content_dir()), data)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.reader.open_note(note["id"])
            await settle(pilot, note_editor.NoteEditor)
            area = app.screen.text_area
            assert area.text == text
            # A blinking cursor is drawn in one half-second and not the next:
            # a loaded machine drew the two sides in different phases.
            area.cursor_blink = False
            area.move_cursor((0, 5000))
            area.move_cursor((0, 5030), select=True)
            assert (area.selection.start, area.selection.end) == ((0, 5000), (0, 5030))
            await pilot.pause()
            strips = area.render_lines(Region(0, 0, area.size.width, area.size.height))
            seen.append([(s.text, [str(seg.style) for seg in s]) for s in strips])
    assert seen[0] == seen[1]


async def test_pasting_past_the_limit_is_refused_and_the_text_kept(tmp_path):
    from ldn_tui.tui.screens.note_editor import NoteEditor

    data = tmp_path / "d"
    near = "n" * (MAX_NOTE_CHARS - 5)
    note = doc(*first_pane_place(0), near)
    write_store(data, [note])
    app = create_app(load_library(bundled_content_dir()), data)
    told: list[str] = []
    original = app.notify
    app.notify = lambda message, *a, **k: (told.append(str(message)), original(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.reader.open_note(note["id"])
        await settle(pilot, NoteEditor)
        editor = app.screen
        area = editor.text_area
        app.post_message(events.Paste("0123456789"))  # 10 more: 5 too many
        await pilot.pause()
        assert area.text == near and not editor.dirty  # refused whole, nothing changed
        assert any("Not pasted" in m and "100,005" in m and "100,000" in m for m in told), told
        app.copy_to_clipboard("abc")
        area.action_paste()  # ctrl+v of the app's clipboard: fits
        await pilot.pause()
        assert area.text == near + "abc"
        await pilot.press("x", "y", "z")  # the last one does not fit
        assert area.text == near + "abcxy"
        assert "The note is full" in str(editor.query_one("#note-status").render())
        await pilot.press("backspace", "q")  # deleting makes room again
        assert area.text == near + "abcxq"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.get_note(note["id"]).text == near + "abcxq"


# -- 100,000 notes ---------------------------------------------------------------------


async def test_the_notes_screen_opens_with_100000_notes(tmp_path):
    from ldn_tui.tui.screens.notes import MORE, ROWS, NotesScreen

    spots = places()
    data = tmp_path / "many"
    write_store(data, [doc(*spots[i % len(spots)], f"note {i} sleep better pain") for i in range(100_000)])
    app = create_app(load_library(bundled_content_dir()), data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("m")
        await settle(pilot, NotesScreen)
        rendered(app.screen.entry_list)
        screen = app.screen
        assert "100000 notes" in str(screen.query_one("#notes-count").render())
        listing = screen.entry_list
        assert listing.get_option_at_index(listing.option_count - 1).id == MORE
        notes_listed = len(screen._entries)
        assert notes_listed == ROWS
        # "Show more" lists more, the cursor on the first new entry
        screen.entry_list.focus()
        listing.highlighted = listing.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        assert len(screen._entries) == 2 * ROWS
        assert screen.highlighted_entry is not None
