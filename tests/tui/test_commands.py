"""The command table (``ldn_tui/tui/commands.py``, issue 14) yields exactly
the bindings, the palette entries, the help screen and the keymap's ids.

Each test reads what the real app shows (its classes' bindings, the keys
Textual has bound, the palette's commands, the help screen as drawn) and
compares it with the table, so a derivation that drifts from the table, or
a text that names a key the reader no longer has, fails here.
"""

from __future__ import annotations

import io
import re

import pytest
from helpers import ready, record_notifications, seen_data_dir, settle
from rich.console import Console
from textual.binding import Binding
from textual.widgets import Label, Static

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui import commands
from ldn_tui.tui.app import LdnApp, create_app
from ldn_tui.tui.screens.help import HelpScreen
from ldn_tui.tui.screens.note_editor import NoteEditor
from ldn_tui.tui.screens.notes import NotesScreen
from ldn_tui.tui.screens.reader import ReaderScreen
from ldn_tui.tui.widgets.document_view import DocumentView
from ldn_tui.tui.widgets.footer import KeysFooter

SIZE = (100, 30)

#: Where each command is bound, and the class that binds there.
CLASSES = {
    "app": LdnApp,
    "reader": ReaderScreen,
    "view": DocumentView,
    "notes": NotesScreen,
    "editor": NoteEditor,
}

#: A keymap that moves a palette command, the notes screen, a pane key and
#: the line-width key.
REMAP = '[keymap]\nbookmark = "x"\nnotes = "M"\npane3 = "z"\nline_width = "W"\ntheme = "Y"\n'


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


def _app(shipped, tmp_path, monkeypatch, keymap: str = ""):
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(keymap, encoding="utf-8")
    monkeypatch.setenv("LDN_TUI_CONFIG_DIR", str(folder))
    return create_app(shipped, seen_data_dir(tmp_path / "data"))


def _fields(binding: Binding) -> tuple:
    return (binding.key, binding.action, binding.description, binding.show, binding.key_display, binding.priority)


def _live_keys(app, command_id: str) -> set[str]:
    """The keys bound now (keymap applied) to ``command_id``, as the app
    shows them, on the reader with the pane focused."""
    active = app.reader.active_bindings
    return {
        app.get_key_display(Binding(key, found.binding.action))
        for key, found in active.items()
        if found.binding.id == command_id
    }


def _palette_key(help_text: str) -> str | None:
    """The key a palette help text names: "... (key b)" -> "b"."""
    match = re.search(r"\(key (\S+?)(?:\)| steps through)", help_text)
    return match.group(1) if match else None


def _palette_ids(app) -> dict[str, str]:
    """Palette title -> the binding id whose key its help text names."""
    ids = {entry.title: entry.command.id for entry in commands.palette_entries({}, app.get_key_display)}
    ids.update({f"Go to: {pane.title}": f"pane{n}" for n, pane in enumerate(app.library.panes[:9], 1)})
    ids.update({"Quit": "quit"})
    return ids


def _help_rows(screen: HelpScreen) -> list[tuple[str, str]]:
    """(keys, description) rows the help screen draws, in order."""
    console = Console(width=120, record=True, file=io.StringIO())
    for static in screen.query(Static):
        if not isinstance(static, Label):
            console.print(static.content)
    rows = []
    for line in console.export_text().splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) == 2:
            rows.append((parts[0], parts[1]))
    return rows


async def _open_help(pilot) -> HelpScreen:
    await pilot.press("question_mark")
    for _ in range(100):
        if isinstance(pilot.app.screen, HelpScreen):
            break
        await pilot.pause(0.01)
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen


# -- the table itself ------------------------------------------------------------------


def test_every_row_is_well_formed():
    seen_ids = [row.id for row in commands.COMMANDS if row.id]
    assert len(seen_ids) == len(set(seen_ids)), "binding ids are unique"
    sections = {title for title, _ in commands.SECTIONS}
    for row in commands.COMMANDS:
        assert row.where in CLASSES, row
        assert row.section in sections, row
        assert row.keys and row.action and row.label, row
        if row.palette:
            assert row.help and row.id and row.where in ("app", "reader", "view"), row
            assert "(key" not in row.help, f"the key is added from the keymap: {row}"
    # the n of "next match" and "write a note" is the one key bound twice
    keys = [(row.where, key) for row in commands.COMMANDS for key in row.keys.split(",")]
    doubled = {k for k in keys if keys.count(k) > 1}
    assert doubled == {("reader", "n")}, doubled


# -- bindings ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", list(CLASSES))
def test_each_class_binds_exactly_its_rows_of_the_table(where):
    cls = CLASSES[where]
    rows = [row for row in commands.COMMANDS if row.where == where]
    assert rows, where
    bound = [b for b in cls.BINDINGS if isinstance(b, Binding)]
    assert [_fields(b) for b in bound] == [
        (row.keys, row.action, row.label, row.show, row.key_display, row.priority) for row in rows
    ]
    assert [b.id for b in bound] == [row.id for row in rows]


async def test_the_running_app_has_each_key_of_the_table_bound(shipped, tmp_path, monkeypatch):
    """Textual really binds the table's keys (app, reader and pane), each to
    its action: what a keypress runs is what the table says."""
    app = _app(shipped, tmp_path, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        active = app.reader.active_bindings
        for row in commands.COMMANDS:
            if row.where not in ("app", "reader", "view") or row.action in ("next_match", "previous_match"):
                continue  # next/previous match are hidden while no find is open
            if row.action == "close_find":
                continue
            for key in row.keys.split(","):
                assert key in active, (key, row)
                assert active[key].binding.action == row.action, (key, row, active[key].binding)


# -- the keymap's ids --------------------------------------------------------------------


def test_the_keymap_knows_exactly_the_bound_ids():
    bound = {b.id for cls in CLASSES.values() for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
    assert commands.binding_ids() == bound
    assert {f"pane{n}" for n in range(1, 10)} <= bound and "bookmark" in bound


# -- the palette -------------------------------------------------------------------------


async def test_every_palette_key_is_the_key_bound_now(shipped, tmp_path, monkeypatch):
    """Every "(key X)" in the palette is a key that runs that command, with
    the default keys and after a keymap moved some of them."""
    for keymap in ("", REMAP):
        app = _app(shipped, tmp_path, monkeypatch, keymap)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            ids = _palette_ids(app)
            named = 0
            for entry in app.get_system_commands(app.reader):
                key = _palette_key(entry.help)
                if entry.title.startswith("Line width:"):
                    assert key == "W" if keymap else key == "w", entry
                    assert key in _live_keys(app, "line_width"), entry
                    continue
                if key is None:
                    assert entry.title == "Change theme", f"every other command names its key: {entry}"
                    continue
                assert entry.title in ids, entry
                assert key in _live_keys(app, ids[entry.title]), (entry, _live_keys(app, ids[entry.title]))
                named += 1
            assert named >= 25


async def test_a_remapped_key_shows_its_new_key_in_the_palette(shipped, tmp_path, monkeypatch):
    """``[keymap] bookmark = "x"``: the palette said "(key b)" before the
    command table; now it says "(key x)", and x is what bookmarks."""
    app = _app(shipped, tmp_path, monkeypatch, REMAP)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        helps = {entry.title: entry.help for entry in app.get_system_commands(app.reader)}
        assert helps["Bookmark this heading"].endswith("(key x)"), helps["Bookmark this heading"]
        assert helps["Bookmarks and notes"].endswith("(key M)")
        assert helps["Go to: Studies"].endswith("(key z)")
        assert not any(text.endswith("(key b)") for text in helps.values())
        await pilot.press("x")
        await pilot.pause()
        assert len(app.store.bookmarks()) == 1
        # "Change theme" lists the three plain themes with the key that steps through them
        app.action_change_theme()
        await pilot.pause(0.3)
        themes = {title: help_text for title, help_text, _ in app.screen._providers[0].rows()}
        assert themes["Calm dark"].endswith("(key Y)"), themes["Calm dark"]
        await pilot.press("escape")
        await pilot.pause()
        # the toast after a line-width step names the key that steps too
        said = record_notifications(app)
        await pilot.press("W")
        await pilot.pause()
        assert any("(W for the next)" in call["message"] for call in said), said


async def test_every_palette_command_of_the_table_is_in_the_palette_and_runs(shipped, tmp_path, monkeypatch):
    """Each row with a palette title is offered, with its help text, and its
    entry runs the row's action where the row is bound (app, reader, view)."""
    app = _app(shipped, tmp_path, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        offered = {entry.title: entry for entry in app.get_system_commands(app.reader)}
        for row in commands.COMMANDS:
            if row.palette:
                assert row.title in offered, row
                assert offered[row.title].help.startswith(row.help + " (key "), offered[row.title]
        # one of each kind runs where it is bound
        await offered["End of the pane"].callback()  # the document view
        await pilot.pause()
        assert app.reader.view.scroll_y > 0
        await offered["Bookmark this heading"].callback()  # the reader
        await pilot.pause()
        assert len(app.store.bookmarks()) == 1
        await offered["Bookmarks and notes"].callback()  # the reader's "app.notes_screen"
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("escape")
        await pilot.pause()
        await offered["Help"].callback()  # the app
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


# -- the help screen ---------------------------------------------------------------------


async def test_every_binding_is_on_the_help_screen_with_its_key(shipped, tmp_path, monkeypatch):
    """The help screen as drawn lists each binding of every class in the
    table, with the key that runs it now (the pane keys 2-9 are in the
    "1-9 Panes" row while unchanged); the sections come in the table's order."""
    for keymap in ("", REMAP):
        app = _app(shipped, tmp_path, monkeypatch, keymap)
        async with app.run_test(size=(120, 80)) as pilot:
            await ready(pilot)
            screen = await _open_help(pilot)
            rows = _help_rows(screen)
            keymap_now = app.current_keymap
            panes_grouped = not any(pane in keymap_now for pane in commands.PANE_IDS)
            for where, cls in CLASSES.items():
                for binding in cls.BINDINGS:
                    assert isinstance(binding, Binding)
                    row = next(r for r in commands.COMMANDS if r.where == where and r.action == binding.action)
                    is_pane = row.id in commands.PANE_IDS
                    if is_pane and panes_grouped:
                        if row.id != "pane1":
                            continue  # in the "1-9 Panes" row
                        expected = ("1-9", "Panes")
                    elif row.key_display and not is_pane and row.id not in keymap_now:
                        expected = (row.key_display, binding.description)
                    else:
                        keys = commands.current_keys(row, keymap_now).split(",")
                        shown = " ".join(app.get_key_display(Binding(k, row.action)) for k in keys)
                        expected = (shown, f"Pane {row.id[4:]}" if is_pane else binding.description)
                    assert expected in rows, (expected, rows)
            titles = [title for title, _ in app.help_sections()]
            notes_key = "M" if keymap else "m"
            assert titles == [
                "Panes and places",
                "Reading",
                "Find, bookmarks, notes",
                "Note editor",
                f"Bookmarks and notes screen ({notes_key})",
                "App",
            ]
            drawn = "\n".join(str(static.content) for static in screen.query(Static))
            assert f"Bookmarks and notes screen ({notes_key})" in drawn
            if keymap:
                assert ("x", "Bookmark") in rows and ("b", "Bookmark") not in rows
                assert ("z", "Pane 3") in rows and ("1-9", "Panes") not in rows


async def test_help_rows_are_unchanged_for_the_default_keys(shipped, tmp_path, monkeypatch):
    """Every row the reader saw before the command table, in the same order."""
    app = _app(shipped, tmp_path, monkeypatch)
    async with app.run_test(size=(120, 80)) as pilot:
        await ready(pilot)
        rows = _help_rows(await _open_help(pilot))
    before = [
        ("1-9", "Panes"),
        ("t", "Contents"),
        ("[ alt+←", "Back"),
        ("] alt+→", "Forward"),
        ("j", "Down"),
        ("k", "Up"),
        ("space", "Page down"),
        ("shift+space", "Page up"),
        ("g", "Top"),
        ("G", "Bottom"),
        (".", "Next heading"),
        (",", "Previous heading"),
        ("tab", "Next link"),
        ("shift+tab", "Previous link"),
        ("⏎", "Follow link"),
        ("/", "Find"),
        ("n", "Next match"),
        ("N", "Previous match"),
        ("esc", "Close find"),
        ("s", "Search"),
        ("b", "Bookmark"),
        ("n", "Note"),
        ("m", "Notes"),
        ("p", "Panel"),
        ("e", "Export"),
        ("^s", "Save"),
        ("esc", "Close"),
        ("^d", "Delete note"),
        ("⏎", "Go to"),
        ("e", "Edit note"),
        ("d", "Delete"),
        ("u", "Undo delete"),
        ("/", "Filter"),
        ("esc", "Close"),
        ("↓", "To the list"),
        ("? f1", "Help"),
        ("q", "Quit"),
        ("T", "Theme"),
        ("w", "Line width"),
    ]
    assert rows[: len(before)] == before


# -- a key two commands share ----------------------------------------------------------
async def test_moving_note_keeps_n_for_next_match(shipped, tmp_path, monkeypatch):
    """``n`` is "Next match" while a find is open and "Note" otherwise.
    Textual's keymap drops every binding of a key when one of them moves:
    ``note = "z"`` took ``n`` from "Next match" too. The other command keeps
    its key (and moving "Next match" keeps ``n`` for the note)."""
    for keymap, note_key, next_key in (('note = "z"', "z", "n"), ('next_match = "f"', "n", "f")):
        app = _app(shipped, tmp_path, monkeypatch, f"[keymap]\n{keymap}\n")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            assert _live_keys(app, "note") == {note_key}, keymap
            await pilot.press("slash", *"the")
            await settle(pilot)
            await pilot.press("tab")
            await settle(pilot)
            count = str(app.reader.query_one("#find-count").render())
            assert count.startswith("1/"), count
            await pilot.press(next_key)
            await settle(pilot)
            assert str(app.reader.query_one("#find-count").render()).startswith("2/"), keymap
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press(note_key)
            await settle(pilot)
            assert type(app.screen).__name__ == "NoteEditor", keymap


# -- the footer ---------------------------------------------------------------------------


async def test_the_footer_says_1_9_panes_only_while_the_pane_keys_are_1_to_9(shipped, tmp_path, monkeypatch):
    """With ``pane3 = "z"`` the footer's "1-9 Panes" would name a key that
    no longer opens pane 3: it says "1 Pane 1" instead, as the help does."""
    for keymap, expected in (("", ("1-9", "Panes")), (REMAP, ("1", "Pane 1"))):
        app = _app(shipped, tmp_path, monkeypatch, keymap)
        async with app.run_test(size=(160, 30)) as pilot:
            await ready(pilot)
            await pilot.pause(0.1)
            footer = app.reader.query_one(KeysFooter)
            entry = next(entry for entry in footer.entries() if entry.action == "pane(1)")
            assert (entry.key_display, entry.description) == expected, keymap
            line = footer.render().plain
            assert f"{expected[0]} {expected[1]}" in line, line
            if keymap:
                assert "1-9" not in line, line
