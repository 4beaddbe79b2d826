"""Pilot flows for bookmarks and notes: the editor, the notes screen and panel.

A reader's note must never be lost, so besides the happy paths these check
that unsaved edits are asked about, kept when saving fails, saved when the
app quits mid-edit, and that no text (markup, escape sequences, control
characters) is ever interpreted or sent to the terminal raw.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.geometry import Region

from ldn_tui.content.library import load_library
from ldn_tui.notes import Store, StoreError
from ldn_tui.textsafe import visible
from ldn_tui.tui.app import LdnApp, create_app
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.reader import ReaderScreen
from ldn_tui.tui.widgets.notes_panel import NotesPanel

FIXTURE = Path(__file__).parent.parent / "fixtures" / "content"
SIZE = (100, 30)
#: Enough text after the last heading for every heading to reach the top.
FILLER = "\n\n## Appendix\n\n" + "\n\n".join(f"Filler paragraph {n} keeps the pane long." for n in range(60))
CONTROL = {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0))} - {"\n"}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The fixture content, with panes long enough for any heading to reach the top."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    for pane in ("alpha", "beta"):
        path = target / f"{pane}.md"
        path.write_text(path.read_text(encoding="utf-8") + FILLER, encoding="utf-8")
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose first-start notice has been seen."""
    path = tmp_path / "data"
    with Store.open(path) as store:
        store.set_state(notice_seen=True)
    return path


def make_app(content: Path, data_dir: Path) -> LdnApp:
    return create_app(load_library(content), data_dir)


async def to_heading(pilot, slug: str) -> None:
    """Move the reader down heading by heading until ``slug`` is being read."""
    view = pilot.app.reader.view
    for _ in range(10):
        if view.current_heading()[0] == slug:
            return
        await pilot.press("full_stop")
    assert view.current_heading()[0] == slug


async def screen(pilot, kind: type):
    """Let the app settle, check the active screen's type, return it."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


def editor_type():
    from ldn_tui.tui.screens.note_editor import NoteEditor

    return NoteEditor


def notes_type():
    from ldn_tui.tui.screens.notes import NotesScreen

    return NotesScreen


def prompts(option_list) -> dict[str, str]:
    """Plain text of every option with an id."""
    return {o.id: o.prompt.plain for o in option_list.options if o.id}


def record_notifications(app) -> list[str]:
    """The messages of every later ``notify`` call of ``app``."""
    told: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        told.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return told


def rendered_text(widget) -> str:
    """Every character the widget draws in its visible region."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


# -- bookmarks and the editor --------------------------------------------------------


async def test_bookmark_note_and_reopen(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await to_heading(pilot, "background")
        await pilot.press("b")
        assert app.reader.view.markers == {"background": "★"}
        assert [(b.pane_id, b.slug, b.heading) for b in app.store.bookmarks()] == [
            ("alpha", "background", "Background")
        ]

        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        assert "Background" in editor.query_one(".note-title").render().plain
        await pilot.press(*"Take it at night [bold]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor  # saving keeps the editor open
        [note] = app.store.notes()
        assert (note.pane_id, note.slug, note.text) == ("alpha", "background", "Take it at night [bold]")
        assert "Saved" in str(editor.query_one("#note-status").render())
        assert app.reader.view.markers == {"background": "★✎"}

        # The new note became an existing one: saving again updates it.
        await pilot.press(*" ok")
        await pilot.press("ctrl+s")
        [again] = app.store.notes()
        assert again.id == note.id and again.text == "Take it at night [bold] ok"
        await pilot.press("escape")
        await screen(pilot, ReaderScreen)

    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.reader.pane_id == "alpha"
        assert app.reader.view.markers == {"background": "★✎"}
        assert [b.slug for b in app.store.bookmarks()] == ["background"]
        assert [n.text for n in app.store.notes()] == ["Take it at night [bold] ok"]
        await pilot.press("m")
        notes = await screen(pilot, notes_type())
        rows = prompts(notes.entry_list)
        assert rows == {
            "bookmark:alpha\x1fbackground": "★ Background  bookmark",
            f"note:{note.id}": "✎ Background  note\nTake it at night [bold] ok",
        }


async def test_editor_keys_are_priority_and_shown(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        assert app.focused is editor.text_area
        shown = {key: b.binding for key, b in editor.active_bindings.items() if b.binding.show}
        assert {"ctrl+s", "escape", "ctrl+d"} <= set(shown)
        assert all(shown[key].priority for key in ("ctrl+s", "escape", "ctrl+d"))
        # Keys that mean something in the reader are just letters here.
        await pilot.press("q", "b", "n", "m", "p", "question_mark")
        await pilot.pause()
        assert app.screen is editor and editor.text == "qbnmp?"
        assert app.store.bookmarks() == []


async def test_escape_with_unsaved_edits_asks(content: Path, data_dir: Path) -> None:
    from ldn_tui.tui.screens.note_editor import UnsavedDialog

    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        await pilot.press(*"draft")
        await pilot.press("escape")
        await screen(pilot, UnsavedDialog)
        await pilot.press("escape")  # keep editing
        assert await screen(pilot, editor_type()) is editor
        assert editor.text == "draft" and app.focused is editor.text_area

        await pilot.press("escape")
        await screen(pilot, UnsavedDialog)
        await pilot.press("enter")  # the focused choice saves and closes
        await screen(pilot, ReaderScreen)
        [note] = app.store.notes()
        assert note.text == "draft"

        await pilot.press("n")  # opens the same note again
        editor = await screen(pilot, editor_type())
        assert editor.note == note and editor.text == "draft"
        await pilot.press("escape")  # nothing changed: closes at once
        await screen(pilot, ReaderScreen)

        await pilot.press("n")
        await screen(pilot, editor_type())
        await pilot.press(*" more")
        await pilot.press("escape")
        await screen(pilot, UnsavedDialog)
        await pilot.press("d")  # discard
        await screen(pilot, ReaderScreen)
        assert [n.text for n in app.store.notes()] == ["draft"]


async def test_empty_new_note_is_not_saved(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        await pilot.press("ctrl+s")
        await pilot.press("space", "enter", "ctrl+s")
        await pilot.pause()
        assert app.store.notes() == []
        assert app.screen is editor
        assert "empty" in str(editor.query_one("#note-status").render())
        await pilot.press("escape")  # only whitespace: nothing to lose, no question
        await screen(pilot, ReaderScreen)


async def test_delete_from_the_editor_asks(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        note = app.notebook.save_edit("alpha", "", "Alpha", None, "keep me?", None).note
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        assert editor.note == note
        await pilot.press("ctrl+d")
        await screen(pilot, ConfirmDialog)
        await pilot.press("n")
        assert await screen(pilot, editor_type()) is editor
        assert app.store.notes() == [note]
        await pilot.press("ctrl+d")
        await screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await screen(pilot, ReaderScreen)
        assert app.store.notes() == []


async def test_failed_save_keeps_the_text(content: Path, data_dir: Path, monkeypatch) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        editor = await screen(pilot, editor_type())

        def broken(*args, **kwargs):
            raise StoreError("Your change could not be saved (No space left on device).")

        monkeypatch.setattr(app.store, "add_note", broken)
        told = record_notifications(app)
        await pilot.press(*"precious")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor and editor.text == "precious"
        assert "Not saved" in str(editor.query_one("#note-status").render())
        assert any("No space left" in message for message in told)
        await pilot.press("escape")  # still unsaved: asks
        from ldn_tui.tui.screens.note_editor import UnsavedDialog

        await screen(pilot, UnsavedDialog)
        await pilot.press("s")  # save and close fails: stays open, text kept
        assert await screen(pilot, editor_type()) is editor
        assert editor.text == "precious"

        monkeypatch.undo()
        await pilot.press("ctrl+s")
        assert [n.text for n in app.store.notes()] == ["precious"]


async def test_note_deleted_elsewhere_can_be_saved_as_new(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        note = app.notebook.save_edit("alpha", "", "Alpha", None, "first", None).note
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        app.store.delete_note(note.id)  # another window
        await pilot.press(*" and more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Saved at once as a new note (issue 13, F5), and the reader is told.
        assert [n.text for n in app.store.notes()] == ["first and more"] and editor.text == "first and more"
        assert app.store.notes()[0].id != note.id
        assert "new note" in str(editor.query_one("#note-status").render())
        await pilot.press("ctrl+s")
        assert [n.text for n in app.store.notes()] == ["first and more"]


async def test_quitting_mid_edit_keeps_the_draft(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await screen(pilot, editor_type())
        await pilot.press(*"not yet saved")
        await pilot.press("ctrl+q")
    with Store.open(data_dir) as store:
        assert [n.text for n in store.notes()] == ["not yet saved"]


async def test_control_characters_never_reach_the_terminal(content: Path, data_dir: Path) -> None:
    from textual import events

    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        # A note stored with raw escapes (from an import, say) is shown safely
        # and left exactly as it is.
        raw = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x00\x08"
        note = app.notebook.save_edit("alpha", "", "Alpha", None, raw, None).note
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        area = editor.text_area
        assert area.text == raw and not editor.dirty
        drawn = rendered_text(area)
        assert not CONTROL & set(drawn)
        assert "␛[31mred␛[0m ␛]0;title␇ ␀␈" in drawn

        # A paste with escapes and Windows line ends: kept as data (drawn as
        # symbols), with plain newlines.
        await pilot.press("ctrl+a")  # start of the line
        app.post_message(events.Paste("\x1b[1mhi\r\nthere\x1b[0m\n"))  # as a terminal sends it
        await pilot.pause()
        assert area.text.startswith("\x1b[1mhi\nthere\x1b[0m\n")
        assert not CONTROL & set(rendered_text(area))
        await pilot.press("ctrl+s")
        assert app.store.get_note(note.id).text == "\x1b[1mhi\nthere\x1b[0m\n" + raw


async def test_unusual_line_breaks_are_told_not_changed(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        note = app.notebook.save_edit("alpha", "", "Alpha", None, "page\x0cbreak\u2028and\r\nmixed\n", None).note
        told = record_notifications(app)
        await pilot.press("n")
        editor = await screen(pilot, editor_type())
        assert editor.text_area.text == "page\r\nbreak\r\nand\r\nmixed\r\n"  # TextArea's view of it
        assert not editor.dirty and any("line breaks" in message for message in told)
        await pilot.press("escape")  # nothing was edited: no question, nothing saved
        await screen(pilot, ReaderScreen)
        assert app.store.get_note(note.id) == note


# -- the notes screen ---------------------------------------------------------------------


def seed(app: LdnApp) -> dict[str, object]:
    """Bookmarks and notes on two panes, one of them orphaned."""
    app.notebook.toggle_bookmark("beta", "details", "Details")
    app.notebook.toggle_bookmark("alpha", "deeper", "Deeper")
    return {
        "dreams": app.notebook.save_edit("beta", "details", "Details", None, "Vivid DREAMS in week one", None).note,
        "alpha": app.notebook.save_edit("alpha", "background", "Background", None, "Ask about dose", None).note,
        "orphan": app.notebook.save_edit(
            "alpha", "old-heading", "A heading that was removed", None, "Still mine", None
        ).note,
    }


async def test_notes_screen_lists_groups_and_filters(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        notes = seed(app)
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        listing = scr.entry_list
        assert app.focused is scr.filter_input
        plain = [o.prompt.plain for o in listing.options if o.prompt is not None]
        assert plain == [
            "Alpha",
            "✎ Background  note\nAsk about dose",
            "★ Deeper  bookmark",
            "✎ A heading that was removed  (orphaned)  note\nStill mine",
            "Beta",
            "★ Details  bookmark",
            "✎ Details  note\nVivid DREAMS in week one",
        ]
        assert "2 bookmarks, 3 notes" in str(scr.query_one("#notes-count").render())

        await pilot.press(*"dreams")  # note text, any case
        await pilot.pause()
        assert list(prompts(listing)) == [f"note:{notes['dreams'].id}"]
        assert "Showing 1 of 5" in str(scr.query_one("#notes-count").render())
        for _ in "dreams":
            await pilot.press("backspace")
        await pilot.press(*"BETA")  # pane title
        await pilot.pause()
        assert list(prompts(listing)) == ["bookmark:beta\x1fdetails", f"note:{notes['dreams'].id}"]
        await pilot.press("ctrl+u", *"removed mine")  # heading and text, every word
        await pilot.pause()
        assert list(prompts(listing)) == [f"note:{notes['orphan'].id}"]
        await pilot.press("ctrl+u", *"nothing like this")
        await pilot.pause()
        assert prompts(listing) == {}
        assert "Nothing matches" in listing.options[0].prompt.plain
        await pilot.press("escape")
        await screen(pilot, ReaderScreen)


async def test_enter_jumps_to_the_place(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        seed(app)
        await pilot.press("m")
        await screen(pilot, notes_type())
        await pilot.press(*"dreams", "enter")  # enter from the filter opens the highlighted entry
        await screen(pilot, ReaderScreen)
        assert app.reader.pane_id == "beta"
        assert app.reader.view.current_heading()[0] == "details"

        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        await pilot.press("down")  # into the list
        assert app.focused is scr.entry_list
        await pilot.press("down")
        assert scr.highlighted_entry.slug == "deeper"
        await pilot.press("up", "up")  # up from the first entry: back to the filter
        assert app.focused is scr.filter_input
        await pilot.press("down", "down", "enter")
        await screen(pilot, ReaderScreen)
        assert (app.reader.pane_id, app.reader.view.current_heading()[0]) == ("alpha", "deeper")

        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        await pilot.press("down", "v", "i")  # typing in the list goes on in the filter
        assert app.focused is scr.filter_input and scr.filter_input.value == "vi"
        assert list(prompts(scr.entry_list)) == [scr.highlighted_entry.key] and scr.highlighted_entry.slug == "details"


async def test_orphans_are_shown_and_open_their_pane(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        notes = seed(app)
        app.notebook.save_edit("gone", "x", "From a removed pane", None, "kept", None)
        told = record_notifications(app)
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        plain = [o.prompt.plain for o in scr.entry_list.options if o.prompt is not None]
        assert plain[-2:] == ["gone  (pane no longer in the content)", "✎ From a removed pane  (orphaned)  note\nkept"]
        await pilot.press(*"removed mine", "enter")
        await screen(pilot, ReaderScreen)
        assert app.reader.pane_id == "alpha"
        assert any("no longer in Alpha" in message for message in told)
        await pilot.press("m")
        await screen(pilot, notes_type())
        await pilot.press(*"removed pane", "enter")  # the pane is gone: stay and say so
        await screen(pilot, notes_type())
        assert app.store.get_note(notes["orphan"].id) is not None


async def test_delete_from_the_notes_screen_asks(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        notes = seed(app)
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        await pilot.press(*"dreams", "down")
        assert scr.highlighted_entry.note == notes["dreams"]
        await pilot.press("d")
        await screen(pilot, ConfirmDialog)
        await pilot.press("n")
        await screen(pilot, notes_type())
        assert notes["dreams"] in app.store.notes()
        await pilot.press("delete")
        await screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await screen(pilot, notes_type())
        assert notes["dreams"] not in app.store.notes()
        assert prompts(scr.entry_list) == {}

        # A bookmark: removed (not toggled back on), after asking.
        await pilot.press("slash", "ctrl+u", *"deeper", "down", "d")
        await screen(pilot, ConfirmDialog)
        await pilot.press("n")
        await screen(pilot, notes_type())
        assert app.store.is_bookmarked("alpha", "deeper")
        await pilot.press("d")
        await screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await screen(pilot, notes_type())
        assert not app.store.is_bookmarked("alpha", "deeper")
        assert [b.slug for b in app.store.bookmarks()] == ["details"]


async def test_edit_from_the_notes_screen(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        notes = seed(app)
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        await pilot.press(*"dose", "down", "e")
        editor = await screen(pilot, editor_type())
        assert editor.note == notes["alpha"]
        await pilot.press(*" at night", "ctrl+s", "escape")
        await screen(pilot, notes_type())  # back on the list, which shows the change
        assert prompts(scr.entry_list)[f"note:{notes['alpha'].id}"].endswith("Ask about dose at night")

        await pilot.press("slash", "ctrl+u", *"deeper", "down", "e")  # a bookmark: a new note on its heading
        editor = await screen(pilot, editor_type())
        assert (editor.pane_id, editor.slug, editor.note) == ("alpha", "deeper", None)


async def test_filter_paste_drops_control_characters(content: Path, data_dir: Path) -> None:
    from textual import events

    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        seed(app)
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        app.post_message(events.Paste("\x1b[31mDREAMS\x07\nsecond line"))
        await pilot.pause()
        assert scr.filter_input.value == "[31mDREAMS"
        assert "Nothing matches" in scr.entry_list.options[0].prompt.plain
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("\x1bdreams"))
        await pilot.pause()
        assert len(prompts(scr.entry_list)) == 1


async def test_empty_notes_screen_says_how(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        scr = await screen(pilot, notes_type())
        assert "press b to bookmark" in scr.entry_list.options[0].prompt.plain
        await pilot.press("down", "enter", "e", "d")  # nothing to act on: nothing happens
        assert await screen(pilot, notes_type()) is scr


async def test_notes_panel_shows_the_text_exactly(content: Path, data_dir: Path) -> None:
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        text = "Line one [b]not bold[/b]\n  indented line two 🙂"
        note = app.notebook.save_edit("alpha", "background", "Background", None, text, None).note
        await pilot.press("p")
        await pilot.pause()
        panel = app.reader.query_one(NotesPanel)
        assert panel.display
        assert prompts(panel) == {note.id: f"Background\n{text}"}


# -- any text at all ------------------------------------------------------------------------


async def test_any_note_text_is_shown_exactly(content: Path, data_dir: Path) -> None:
    """Arbitrary text, saved through the app, shows as ``visible(text)`` in
    the notes panel and the notes screen, and nothing raw is drawn.

    One app runs on this loop, with the notes panel open and the notes
    screen over it; hypothesis drives it from a worker thread.
    """
    app = make_app(content, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        loop = asyncio.get_running_loop()
        await pilot.press("p", "m")
        scr = await screen(pilot, notes_type())
        panel = app.reader.query_one(NotesPanel)

        async def check(text: str) -> None:
            note = app.notebook.save_edit("alpha", "background", "Background", None, text, None).note
            assert note is not None and app.store.get_note(note.id).text == text
            scr.refresh_entries()
            await pilot.pause()
            assert prompts(panel)[note.id].split("\n", 1)[1] == visible(text)
            assert prompts(scr.entry_list)[f"note:{note.id}"].split("\n", 1)[1] == visible(text)
            for widget in (panel, scr.entry_list):
                assert not CONTROL & set(rendered_text(widget))
            app.export_screenshot()  # the whole screen through the compositor
            assert app.notebook.delete_note(note.id)

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.text())
        @example("[bold]x[/]")
        @example("[/]")
        @example("[@click=app.quit]x[/]")
        @example("\x1b[31mred\x1b[0m")
        @example("\x00\x07\r")
        @example("שלום עולם")
        @example("🙂")
        @example("")
        @example("\t\x7f\x85\x9b[2J\u2028end\r\n")
        def prop(text: str) -> None:
            asyncio.run_coroutine_threadsafe(check(text), loop).result(timeout=60)

        await asyncio.to_thread(prop)
        assert app.is_running
