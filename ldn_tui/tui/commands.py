"""Every command of the app, declared once: its key, action, names and place.

One row per command in :data:`COMMANDS`. From it come

- each class's ``BINDINGS`` (:func:`bindings`, one line in each class),
- the command palette's entries (:func:`palette_entries`; the app adds the
  commands made from data: "Go to: <pane>", the line widths, "Change theme"
  and "Quit"),
- the ``?`` help screen's sections (:func:`help_sections`), and
- the ids a ``[keymap]`` in the settings file may remap (:func:`binding_ids`).

Texts that name a key ("(key b)", the help rows, the "(m)" of a section
title) take it from the reader's *current* keymap, so a remapped key is
shown as the key that now works.

Plain data and Textual's ``Binding`` only: the app, the screens and the
widgets all read this module, so it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Literal, NamedTuple

from textual.binding import Binding, BindingType

#: Where a command is bound: the app, the reader screen, the document view
#: inside it, the bookmarks-and-notes screen, or the note editor.
Where = Literal["app", "reader", "view", "notes", "editor"]

#: Shows a binding's key the way the app does (``App.get_key_display``).
KeyDisplay = Callable[[Binding], str]


class Command(NamedTuple):
    """One command: a key binding, and what the palette and help say of it."""

    #: the binding id a keymap remaps (None: not remappable)
    id: str | None
    #: Textual key names, comma-separated (the defaults)
    keys: str
    action: str
    #: the short name in the footer and on the help screen
    label: str
    where: Where
    #: the help screen section it is listed under (see :data:`SECTIONS`)
    section: str
    #: the palette's title ("" : not in the palette)
    title: str = ""
    #: the palette's help text; " (key …)" with the current key is added
    help: str = ""
    #: shown in the footer
    show: bool = True
    key_display: str | None = None
    priority: bool = False

    @property
    def palette(self) -> bool:
        """Whether the palette lists it (it has a palette title)."""
        return bool(self.title)

    def binding(self) -> Binding:
        """The Textual binding for this row (default keys)."""
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            id=self.id,
        )


PANES = "Panes and places"
READING = "Reading"
FIND = "Find, bookmarks, notes"
EDITOR = "Note editor"
NOTES = "Bookmarks and notes screen"
APP = "App"

#: The help screen's sections in order, each with the id of a command whose
#: current key its title names (``""``: none), e.g. "Bookmarks and notes
#: screen (m)".
SECTIONS: tuple[tuple[str, str], ...] = (
    (PANES, ""),
    (READING, ""),
    (FIND, ""),
    (EDITOR, ""),
    (NOTES, "notes"),
    (APP, ""),
)

#: Every command. Within one ``where`` the order is the order of its
#: ``BINDINGS`` (the footer's and help's order); the palette lists commands
#: in this order too.
COMMANDS: tuple[Command, ...] = (
    # -- the reader screen ---------------------------------------------------------
    # 1-9 are one footer and help entry ("1-9 Panes"); the palette has a
    # "Go to: <pane>" for each, made from the library by the app.
    Command("pane1", "1", "pane(1)", "Panes", "reader", PANES, key_display="1-9"),
    *(Command(f"pane{n}", str(n), f"pane({n})", f"Pane {n}", "reader", PANES, show=False) for n in range(2, 10)),
    Command(
        "contents",
        "t",
        "toggle_toc",
        "Contents",
        "reader",
        PANES,
        "Table of contents",
        "Show or hide this pane's headings",
    ),
    Command(
        "back",
        "left_square_bracket,alt+left",
        "back",
        "Back",
        "reader",
        PANES,
        "Back",
        "Go back to the previous place",
        show=False,
    ),
    Command(
        "forward",
        "right_square_bracket,alt+right",
        "forward",
        "Forward",
        "reader",
        PANES,
        "Forward",
        "Go forward again",
        show=False,
    ),
    Command("find", "slash", "find", "Find", "reader", FIND, "Find in pane", "Find text in the current pane"),
    # n means "next match" while a find is active, else "write a note": two
    # bindings, and the reader's check_action hides the one that does not
    # apply, so the footer and help say which (finding W5).
    Command("next_match", "n", "next_match", "Next match", "reader", FIND),
    Command("previous_match", "N", "previous_match", "Previous match", "reader", FIND),
    Command("close_find", "escape", "close_find", "Close find", "reader", FIND),
    Command(
        "search",
        "s",
        "app.search",
        "Search",
        "reader",
        FIND,
        "Search everything",
        "Search all panes, glossary, references and your notes",
    ),
    Command(
        "bookmark",
        "b",
        "bookmark",
        "Bookmark",
        "reader",
        FIND,
        "Bookmark this heading",
        "Add or remove a bookmark on the heading you are reading",
    ),
    Command(
        "note",
        "n",
        "note",
        "Note",
        "reader",
        FIND,
        "Write a note",
        "Write a note on the heading you are reading",
    ),
    Command(
        "notes",
        "m",
        "app.notes_screen",
        "Notes",
        "reader",
        FIND,
        "Bookmarks and notes",
        "List, filter, open, edit and delete them",
    ),
    Command(
        "notes_panel",
        "p",
        "toggle_notes_panel",
        "Panel",
        "reader",
        FIND,
        "Notes panel",
        "Show or hide this pane's notes beside it",
    ),
    Command(
        "export",
        "e",
        "app.export",
        "Export",
        "reader",
        FIND,
        "Export notes",
        "Write a handout, backup, HTML or CSV file",
    ),
    # -- the document view (the pane itself) -------------------------------------------
    Command("down", "j", "scroll_down", "Down", "view", READING, show=False),
    Command("up", "k", "scroll_up", "Up", "view", READING, show=False),
    Command("page_down", "space", "page_down", "Page down", "view", READING, show=False),
    Command("page_up", "shift+space", "page_up", "Page up", "view", READING, show=False),
    Command("top", "g", "scroll_home", "Top", "view", READING, "Top of the pane", "Jump to the top", show=False),
    Command("bottom", "G", "scroll_end", "Bottom", "view", READING, "End of the pane", "Jump to the end", show=False),
    Command(
        "next_heading",
        "full_stop",
        "next_heading",
        "Next heading",
        "view",
        READING,
        "Next heading",
        "Jump to the next heading",
        show=False,
    ),
    Command(
        "previous_heading",
        "comma",
        "previous_heading",
        "Previous heading",
        "view",
        READING,
        "Previous heading",
        "Jump to the previous heading",
        show=False,
    ),
    Command(
        "next_link", "tab", "next_link", "Next link", "view", READING, "Next link", "Move to the next link", show=False
    ),
    Command(
        "previous_link",
        "shift+tab",
        "previous_link",
        "Previous link",
        "view",
        READING,
        "Previous link",
        "Move to the previous link",
        show=False,
    ),
    Command("follow_link", "enter", "follow_focused_link", "Follow link", "view", READING, show=False),
    # -- the app ------------------------------------------------------------------------
    Command("help", "question_mark,f1", "help", "Help", "app", APP, "Help", "Every key"),
    # Quit and the line widths are in the palette too, made by the app
    # (after the others; one entry per width).
    Command("quit", "q", "quit", "Quit", "app", APP),
    Command(
        "theme", "T", "next_theme", "Theme", "app", APP, "Next plain theme", "Calm dark, calm light or high contrast"
    ),
    Command("line_width", "w", "next_line_width", "Line width", "app", APP, show=False),
    # -- the bookmarks and notes screen (not remappable: no id) ---------------------------
    Command(None, "enter", "open", "Go to", "notes", NOTES, priority=True),
    Command(None, "e", "edit", "Edit note", "notes", NOTES),
    Command(None, "d,delete", "delete", "Delete", "notes", NOTES, key_display="d"),
    Command(None, "u", "undo_delete", "Undo delete", "notes", NOTES),
    Command(None, "slash", "focus_filter", "Filter", "notes", NOTES),
    Command(None, "escape", "close", "Close", "notes", NOTES, priority=True),
    Command(None, "down", "focus_list", "To the list", "notes", NOTES, show=False),
    # -- the note editor (not remappable: no id) ---------------------------------------
    Command(None, "ctrl+s", "save", "Save", "editor", EDITOR, priority=True),
    Command(None, "escape", "close", "Close", "editor", EDITOR, priority=True),
    Command(None, "ctrl+d", "delete", "Delete note", "editor", EDITOR, priority=True),
)

#: The pane keys 1-9, listed in help as one "1-9 Panes" row while unchanged.
PANE_IDS = tuple(f"pane{n}" for n in range(1, 10))

_BY_ID = {command.id: command for command in COMMANDS if command.id}


def command(command_id: str) -> Command:
    """The command with this binding id (KeyError if none)."""
    return _BY_ID[command_id]


def bindings(where: Where) -> list[BindingType]:
    """The ``BINDINGS`` of the class bound at ``where``, in table order
    (typed as Textual types ``BINDINGS``)."""
    return [row.binding() for row in COMMANDS if row.where == where]


def binding_ids() -> set[str]:
    """The ids a keymap may remap (every command that has one)."""
    return set(_BY_ID)


def keep_shared_keys(keymap: Mapping[str, str]) -> dict[str, str]:
    """``keymap`` plus, for each command it moves, the other commands that
    share one of its default keys in the same place, kept on their keys.

    Textual's ``BindingsMap.apply_keymap`` drops *every* binding of a key
    when one binding on it is remapped: ``note = "z"`` would also take ``n``
    from "Next match". Naming the others with their own keys makes Textual
    put them back.
    """
    completed = dict(keymap)
    for moved in keymap:
        row = _BY_ID.get(moved)
        if row is None:
            continue
        keys = {key.strip() for key in row.keys.split(",")}
        for other in COMMANDS:
            if (
                other.id
                and other.id not in completed
                and other.where == row.where
                and keys & {key.strip() for key in other.keys.split(",")}
            ):
                completed[other.id] = other.keys
    return completed


def current_keys(row: Command, keymap: Mapping[str, str]) -> str:
    """The keys ``row`` has now: the keymap's if it remaps them, else the defaults."""
    return keymap.get(row.id, row.keys) if row.id else row.keys


def current_binding(row: Command, keymap: Mapping[str, str]) -> Binding:
    """``row``'s binding with the keys the keymap gave it (as Textual applies
    a keymap: a remapped binding loses its ``key_display``)."""
    binding = row.binding()
    if row.id and row.id in keymap:
        return replace(binding, key=keymap[row.id], key_display=None)
    return binding


def key_text(command_id: str, keymap: Mapping[str, str], display: KeyDisplay) -> str:
    """The first key of a command as the app shows it, for texts such as
    "(key b)": after ``[keymap] bookmark = "x"`` it is "x"."""
    row = command(command_id)
    first = current_keys(row, keymap).split(",")[0].strip()
    return display(Binding(first, row.action))


def with_key(text: str, command_id: str, keymap: Mapping[str, str], display: KeyDisplay) -> str:
    """``text`` followed by " (key X)", X the command's current first key."""
    return f"{text} (key {key_text(command_id, keymap, display)})"


class PaletteEntry(NamedTuple):
    """One palette entry from the table: what it says and what it runs."""

    title: str
    help: str
    command: Command


def palette_entries(keymap: Mapping[str, str], display: KeyDisplay) -> list[PaletteEntry]:
    """The table's palette entries, in table order, each help text ending in
    the command's current key."""
    return [
        PaletteEntry(row.title, with_key(row.help, row.id, keymap, display), row)
        for row in COMMANDS
        if row.palette and row.id
    ]


def panes_remapped(keymap: Mapping[str, str]) -> bool:
    """Whether a keymap moves any pane key (then "1-9 Panes" is no longer true)."""
    return any(pane in keymap for pane in PANE_IDS)


def pane_keys_moved(bindings: Iterable[Binding]) -> bool:
    """Whether any of ``bindings`` is a pane key no longer on its default
    key (what a keymap did, seen from the bindings it left)."""
    return any(b.id in PANE_IDS and b.key != _BY_ID[b.id].keys for b in bindings)


def help_sections(keymap: Mapping[str, str], display: KeyDisplay) -> list[tuple[str, list[Binding]]]:
    """Every binding by help section, with the keys the keymap gave it.

    The pane keys are one "1-9 Panes" row while they are 1 to 9; once any
    of them is remapped each pane gets its own row, so every key shown is
    one that works.
    """
    remapped = panes_remapped(keymap)
    sections: list[tuple[str, list[Binding]]] = []
    for title, named in SECTIONS:
        rows: list[Binding] = []
        for row in COMMANDS:
            if row.section != title:
                continue
            if row.id in PANE_IDS and not remapped and row.id != "pane1":
                continue  # "1-9 Panes" stands for them
            binding = current_binding(row, keymap)
            if row.id == "pane1" and remapped:
                binding = replace(binding, description="Pane 1", key_display=None)
            rows.append(binding)
        sections.append((f"{title} ({key_text(named, keymap, display)})" if named else title, rows))
    return sections
