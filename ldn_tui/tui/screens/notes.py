"""NotesScreen: every bookmark and note, grouped by pane and heading.

Panes come in pane order and entries in reading order; a bookmark or note
whose heading is no longer in the content is listed with its stored heading
text and marked "(orphaned)", never hidden. The filter at the top narrows
the list as you type (every word must appear in the pane title, heading or
note text, ignoring case).

User text is shown exactly: it passes through :func:`~ldn_tui.textsafe.visible`
into ``rich.text.Text`` objects, never markup.

Bounded however big the notes are (F9, F10): a note's row shows a
:func:`~ldn_tui.notes.note_size.preview` of it (the filter still searches all of
it), and the list holds at most :data:`ROWS` entries at first, then a
"Show more" row (``enter`` adds :data:`ROWS` more); the count under the list
always counts every match.

The rows come from the notebook's :class:`~ldn_tui.outline.Outline`, the one
place that decides the reading order and what is orphaned (see
:func:`listed_panes`). Every change goes through the notebook
(:class:`~ldn_tui.notebook.NotebookLike`: ``delete_note``, ``toggle_bookmark``,
``restore_note``) or the note editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ldn_tui.notes import Note, more_text, preview
from ldn_tui.textsafe import one_line, visible
from ldn_tui.tui import commands
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ldn_tui.content import Library
    from ldn_tui.notebook import NotebookLike
    from ldn_tui.outline import Outline, Section

#: Control characters (and DEL, C1) never belong in a one-line filter.
_NO_CONTROLS = {code: None for code in [*range(0x20), *range(0x7F, 0xA0)]}

#: Entries listed before a "Show more" row: OptionList measures every row
#: when the list is set, so 100,000 notes took over 20 s to show (F10).
ROWS = 300
#: The option id of the "Show more" row.
MORE = "more:"


class Entry(NamedTuple):
    """One row of the list: a bookmark, or a note (``note`` set), at the
    place of its :class:`~ldn_tui.outline.Section`.

    ``heading`` is the text stored with the bookmark or note (what the
    reader was reading when they made it). A named tuple, not a dataclass:
    100,000 of them are made when the screen opens, and a frozen dataclass
    costs three times as much to build."""

    pane_id: str
    slug: str
    heading: str
    orphaned: bool
    note: Note | None = None

    @property
    def key(self) -> str:
        """A stable option id for this entry."""
        if self.note is not None:
            return note_key(self.note)
        return f"bookmark:{self.pane_id}\x1f{self.slug}"

    @property
    def is_note(self) -> bool:
        return self.note is not None


def note_key(note: Note) -> str:
    """The option id of a note's row."""
    return f"note:{note.id}"


class Listed(NamedTuple):
    """The rows of one pane, under its title."""

    title: str
    #: the pane is no longer in the content
    missing: bool
    entries: tuple[Entry, ...]


def listed_panes(outline: Outline, library: Library) -> list[Listed]:
    """The outline's sections as the list shows them.

    The order and what is orphaned are the outline's (one rule for the
    handouts and this screen). Only where orphans go differs: a handout
    keeps them all last ("Other notes"); here a pane's orphans follow its
    headings, so the reader finds them under the pane they wrote them in,
    and panes no longer in the content come last (by id, as the outline
    orders them)."""
    orphans: dict[str, list[Section]] = {}
    for section in outline.orphans:
        orphans.setdefault(section.pane_id, []).append(section)
    groups = {group.pane_id: group.sections for group in outline.panes}
    listed: list[Listed] = []
    for pane in library.panes:
        sections = [*groups.get(pane.id, ()), *orphans.pop(pane.id, ())]
        if sections:
            listed.append(Listed(pane.title, False, _entries(sections)))
    for pane_id, gone in orphans.items():
        listed.append(Listed(pane_id, True, _entries(gone)))
    return listed


def _entries(sections: list[Section]) -> tuple[Entry, ...]:
    """A section's rows: its bookmark, then its notes (oldest first)."""
    rows: list[Entry] = []
    for section in sections:
        pane_id, slug, orphaned = section.pane_id, section.slug, section.orphan
        if section.bookmark is not None:
            rows.append(Entry(pane_id, slug, section.bookmark.heading, orphaned))
        rows.extend([Entry(pane_id, slug, note.heading, orphaned, note) for note in section.notes])
    return tuple(rows)


def matches(words: list[str], pane_title: str, entry: Entry) -> bool:
    """True if every (casefolded) word is in the pane title, heading or text."""
    hay = "\n".join((pane_title, entry.heading, entry.note.text if entry.note else "")).casefold()
    return all(word in hay for word in words)


def entry_prompt(entry: Entry) -> Text:
    """The row for an entry; the start of a note's text follows its first line exactly."""
    if entry.is_note:
        prompt = Text("✎ ", style="bold")
    else:
        prompt = Text("★ ", style="bold")
    prompt.append(one_line(entry.heading, 70), style="bold")
    if entry.orphaned:
        prompt.append("  (orphaned)", style="italic")
    prompt.append("  note" if entry.is_note else "  bookmark", style="dim")
    if entry.note is not None:
        prompt.append("\n")
        head, hidden = preview(entry.note.text)
        prompt.append(visible(head))
        if hidden:
            prompt.append("\n" + more_text(hidden), style="italic")
    return prompt


class FilterInput(Input):
    """The filter: pasted control characters are dropped, never drawn."""

    async def _on_paste(self, event: events.Paste) -> None:  # type: ignore[override]
        event.prevent_default()
        event.stop()
        lines = event.text.splitlines()
        text = (lines[0] if lines else "").translate(_NO_CONTROLS)
        if text:
            self.insert_text_at_cursor(text)


class EntryList(OptionList):
    """The entries; ``up`` on the first one goes back to the filter."""

    class LeftTop(Message):
        """``up`` was pressed on the first entry."""

    def action_cursor_up(self) -> None:
        first = next((i for i, option in enumerate(self.options) if not option.disabled), None)
        if first is None or self.highlighted is None or self.highlighted <= first:
            self.post_message(self.LeftTop())
            return
        super().action_cursor_up()


#: Printable keys the list itself uses (anything else typed there goes to the filter).
_LIST_KEYS = {"e", "d", "u", "slash", "space"}


class NotesScreen(Modal["tuple[str, str] | None"]):
    """List, filter, open, edit and delete bookmarks and notes.

    Dismissed with the ``(pane id, heading slug)`` to show, or None.
    """

    BINDINGS = commands.bindings("notes")

    def __init__(self, notebook: NotebookLike) -> None:
        super().__init__()
        self.notebook = notebook
        #: (outline, its rows) of the last refresh
        self._groups: tuple[Outline, list[Listed]] | None = None
        self._entries: dict[str, Entry] = {}
        #: The note deleted last on this screen, for ``u`` (undo).
        self._deleted: Note | None = None
        #: How many entries are listed (grows with "Show more").
        self._rows = ROWS

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def entry_list(self) -> EntryList:
        return self.query_one(EntryList)

    def compose(self) -> ComposeResult:
        with Vertical(classes="notes-box"):
            yield Label("Bookmarks and notes", classes="dialog-title")
            yield FilterInput(
                placeholder="Filter: words from a pane, heading or note (down: to the list)",
                select_on_focus=False,
                id="notes-filter",
            )
            yield EntryList(id="notes-list")
            yield Static("", id="notes-count", classes="notes-count")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_entries()
        self.filter_input.focus()

    def on_screen_resume(self) -> None:
        # Back from the editor or a dialog: something may have changed.
        self.refresh_entries()

    # -- the list ------------------------------------------------------------
    def refresh_entries(self) -> None:
        """Rebuild the list from the notebook's outline, keeping the highlighted entry."""
        # The notebook builds the outline again only when its snapshot
        # changed (the file is read again only if it changed on disk), and
        # the rows are made again only for a new outline: with 100,000 notes
        # that takes most of a second, and the screen refreshes on every
        # resume and every key typed in the filter.
        outline = self.notebook.outline()
        if self._groups is None or self._groups[0] is not outline:
            self._groups = (outline, listed_panes(outline, self.notebook.library))
        groups = self._groups[1]
        words = self.filter_input.value.casefold().split()
        listing = self.entry_list
        previous = listing.highlighted_option.id if listing.highlighted_option else None
        options: list[Option | None] = []
        self._entries = {}
        shown = total = marks = listed = 0
        for group in groups:
            picked = [e for e in group.entries if matches(words, group.title, e)] if words else list(group.entries)
            total += len(group.entries)
            shown += len(picked)
            marks += sum(1 for e in picked if not e.is_note)
            if not picked or listed >= self._rows:
                continue
            if options:
                options.append(None)
            title = Text(one_line(group.title, 70), style="bold underline")
            if group.missing:
                title.append("  (pane no longer in the content)", style="italic")
            options.append(Option(title, disabled=True))
            for entry in picked[: self._rows - listed]:
                self._entries[entry.key] = entry
                options.append(Option(entry_prompt(entry), id=entry.key))
            listed = len(self._entries)
        if shown > listed:
            more = f"Show more ({shown - listed:,} not listed yet; or type words to narrow the list)"
            options += [None, Option(Text(more, style="bold"), id=MORE)]
        if not total:
            options = [
                Option(
                    Text(
                        "No bookmarks or notes yet. In a pane, press b to bookmark "
                        "the heading you are reading, or n to write a note.",
                        style="italic",
                    ),
                    disabled=True,
                )
            ]
        elif not shown:
            options = [Option(Text("Nothing matches the filter.", style="italic"), disabled=True)]
        listing.set_options(options)
        self._highlight(previous)
        self._count(shown, total, marks, bool(words))
        self.refresh_bindings()

    def _highlight(self, option_id: str | None) -> None:
        listing = self.entry_list
        if option_id is not None and option_id in self._entries:
            listing.highlighted = listing.get_option_index(option_id)
        else:
            listing.action_first()

    def _count(self, shown: int, total: int, marks: int, filtered: bool) -> None:
        notes = shown - marks
        text = f"{marks} bookmark{'s' * (marks != 1)}, {notes} note{'s' * (notes != 1)}"
        if filtered:
            text = f"Showing {shown} of {total}: {text}"
        self.query_one("#notes-count", Static).update(Text(text))

    @property
    def highlighted_entry(self) -> Entry | None:
        """The entry under the cursor, if any."""
        option = self.entry_list.highlighted_option
        return self._entries.get(option.id) if option is not None and option.id else None

    @on(Input.Changed, "#notes-filter")
    def _filter_changed(self) -> None:
        self.refresh_entries()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE:
            self._show_more(event.option_index)
            return
        entry = self._entries.get(event.option.id or "")
        if entry is not None:
            self.go_to(entry)

    def _show_more(self, at: int) -> None:
        """List :data:`ROWS` more entries; the cursor goes to the first new one."""
        self._rows += ROWS
        self.refresh_entries()
        listing = self.entry_list
        at = min(at, listing.option_count - 1)
        while at < listing.option_count - 1 and listing.get_option_at_index(at).disabled:
            at += 1  # a pane's title row
        listing.highlighted = at

    @on(EntryList.LeftTop)
    def _left_top(self) -> None:
        self.filter_input.focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        # Typing in the list (other than its own keys) goes on in the filter.
        if self.focused is self.entry_list and event.is_printable and event.key not in _LIST_KEYS:
            event.stop()
            event.prevent_default()
            self.filter_input.focus()
            self.filter_input.insert_text_at_cursor(event.character or "")

    # -- actions -------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):
            if self.focused is not self.entry_list:
                return False  # the filter has the keys: hide these
            return True if self.highlighted_entry is not None else None
        if action == "open":
            more = self._more_highlighted()
            return True if self.highlighted_entry is not None or more else None
        if action == "focus_filter":
            return self.focused is not self.filter_input
        if action == "undo_delete":
            if self.focused is not self.entry_list:
                return False
            return self._deleted is not None
        return True

    def go_to(self, entry: Entry) -> None:
        """Show the entry's place in the reader and close this screen."""
        pane = self.notebook.library.pane(entry.pane_id)
        if pane is None:
            self.notify(
                f"The pane “{one_line(entry.pane_id, 40)}” is no longer in the content.",
                severity="warning",
                markup=False,
            )
            return
        slug = entry.slug
        if entry.orphaned:
            slug = ""
            self.notify(
                f"The heading “{one_line(entry.heading, 60)}” is no longer in {pane.title}; showing the pane.",
                severity="warning",
                timeout=6,
                markup=False,
            )
        self.dismiss((entry.pane_id, slug))

    def _more_highlighted(self) -> bool:
        option = self.entry_list.highlighted_option
        return option is not None and option.id == MORE

    def action_open(self) -> None:
        if self._more_highlighted():
            self._show_more(self.entry_list.highlighted or 0)
            return
        entry = self.highlighted_entry
        if entry is not None:
            self.go_to(entry)

    def action_edit(self) -> None:
        """Edit the note; on a bookmark, write (or edit) its heading's note."""
        entry = self.highlighted_entry
        if entry is None:
            return
        from ldn_tui.tui.screens.note_editor import NoteEditor

        if entry.note is not None:
            note = self.notebook.get_note(entry.note.id)
            if note is None:
                self.notify("That note is no longer there.", severity="warning")
                self.refresh_entries()
                return
        else:
            note = self.notebook.note_at(entry.pane_id, entry.slug)
        place = (note.pane_id, note.slug, note.heading) if note else (entry.pane_id, entry.slug, entry.heading)
        self.app.push_screen(NoteEditor(self.notebook, *place, note))

    def action_delete(self) -> None:
        """Delete the note or remove the bookmark, after asking."""
        entry = self.highlighted_entry
        if entry is None:
            return
        heading = one_line(entry.heading, 60)
        if entry.note is not None:
            question = f"Delete your note on “{heading}”? (u undoes it while this list is open.)"
            dialog = ConfirmDialog(question, yes="Delete note", no="Keep it", default="no")
        else:
            dialog = ConfirmDialog(
                f"Remove the bookmark on “{heading}”?", yes="Remove bookmark", no="Keep it", default="no"
            )
        self.app.push_screen(dialog, lambda yes: self._delete_answer(entry, yes))

    def _delete_answer(self, entry: Entry, yes: bool | None) -> None:
        if yes:
            if entry.note is not None:
                if self.notebook.delete_note(entry.note.id):
                    self._deleted = entry.note
                    self.notify("Note deleted. Press u to undo.", timeout=6)
            else:
                # toggle_bookmark adds when missing: only toggle one that is there.
                if self._still_bookmarked(entry):
                    self.notebook.toggle_bookmark(entry.pane_id, entry.slug, entry.heading)
        self.refresh_entries()
        self.entry_list.focus()

    def _still_bookmarked(self, entry: Entry) -> bool:
        # The notebook reads the file again if another window changed it,
        # so a bookmark removed there is not toggled back on here.
        return any(b.pane_id == entry.pane_id and b.slug == entry.slug for b in self.notebook.bookmarks())

    def action_undo_delete(self) -> None:
        """Bring back the note deleted last on this screen (same id, text and times)."""
        note = self._deleted
        if note is None:
            return
        if not self.notebook.restore_note(note):
            return  # the notebook said why; the undo stays available
        self._deleted = None
        self.notify("Note restored.", timeout=3)
        self.refresh_entries()
        self._highlight(note_key(note))

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_focus_list(self) -> None:
        listing = self.entry_list
        listing.focus()
        if listing.highlighted is None:
            listing.action_first()

    def action_close(self) -> None:
        self.dismiss(None)
