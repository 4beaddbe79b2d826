"""NoteEditor: write or change the note on one heading.

A reader's note must never be lost, so the editor is careful:

* ``ctrl+s`` saves through :meth:`Notebook.save_edit <ldn_tui.notebook.Notebook.save_edit>` and the editor stays
  open; a new note becomes an existing one after its first save.
* If saving fails (read-only notes file, full disk, the note deleted in
  another window) the text stays in the editor and the reader is told.
* ``escape`` with unsaved changes asks: save and close, discard, or keep
  editing (the focused, default choice saves).
* If the editor is closed any other way with unsaved changes (the app
  quits with ``ctrl+q``), the text is saved rather than dropped.
* ``ctrl+s``, ``escape`` and ``ctrl+d`` act only once every key typed before
  them is in the text (:mod:`ldn_tui.tui.screens.key_order`), so a fast burst
  is saved whole; the TextArea applies its own keys in the order sent.
* While there is unsaved text it is kept on disk as a draft
  (:mod:`ldn_tui.notes.drafts`): half a second after the last change, and at once
  when SIGHUP/SIGTERM ends the app; the next start offers it back.
* Every save checks that no other window changed or deleted the note since
  it was loaded (:meth:`Store.save_edit <ldn_tui.notes.store.Store.save_edit>`):
  if one did, the text is saved as a new note (a "conflict copy") and the
  reader is told; nothing is overwritten.

* A note holds at most :data:`~ldn_tui.notes.note_size.MAX_NOTE_CHARS`
  characters. Typing or pasting past that changes nothing and says so: a
  paste that does not fit is refused whole rather than cut, so the text in
  the editor stays as it was and the clipboard still holds all of the
  pasted text (a cut paste would look complete and quietly drop its end).
  A longer note from an older ldn-tui opens whole and can be edited, as
  long as it does not grow.

This module imports ``TextArea``; it is itself imported only when the editor
first opens (see ``ReaderScreen.edit_note``), which keeps start-up fast.

Terminal safety: ``TextArea`` draws its lines as they are, so an escape
sequence in the text (pasted, or in a note imported from elsewhere) would
reach the terminal raw and act on it. :class:`SafeTextArea` draws control
characters as visible symbols (ESC shows as ``␛``) and turns them into those
symbols when pasted, so what the reader sees is what is saved.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Span, Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Label, Static, TextArea

from ldn_tui.notes import (
    DRAFT_DELAY,
    MAX_NOTE_CHARS,
    Draft,
    DraftError,
    Note,
    new_draft_path,
    remove_draft,
    write_draft,
)
from ldn_tui.textsafe import one_line, visible
from ldn_tui.tui import commands
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.key_order import after_keys
from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ldn_tui.notebook import NotebookLike

#: Characters that end a line for TextArea (``str.splitlines``) become a
#: plain newline when pasted; other control characters become symbols.
_LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


def clean_paste(text: str) -> str:
    """Pasted text as the reader pasted it: line breaks (terminals send CR)
    become ``\\n``; every other character, ESC and NUL included, is kept as
    data. It is only *drawn* as a symbol (see :class:`SafeTextArea`) and
    escaped on export, never sent to the terminal."""
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    return text


#: Lines longer than this are divided into their wrapped rows lazily.
LONG_LINE = 2_000


class _Sections(Sequence[Text]):
    """The wrapped rows of a long line, each made only when asked for.

    TextArea draws a screen row by dividing the whole line it belongs to
    into every one of its rows, keeping one, and then reading the text of
    every row before it (to count tabs): Textual's own "TODO cache" in
    ``TextArea._render_line``. For a 1 MB line with no line break that made
    12,500 rows for each of the 30 on screen, and the editor took 11 s to
    open (F9). Here the first row asked for is made as ``Text.divide``
    makes it (with the cursor and selection styles); the rows read after it
    (only their text is used) come from ``plain_rows``, which is shared by
    every screen row of this line and version of its text.
    """

    def __init__(self, line: Text, offsets: list[int], plain_rows: dict[int, Text]) -> None:
        self._line = line
        self._bounds = [0, *offsets, len(line.plain)]
        self._plain_rows = plain_rows
        self._first = True

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = self._bounds[index], self._bounds[index + 1]
        line = self._line
        if not self._first:
            row = self._plain_rows.get(index)
            if row is None:
                row = self._plain_rows[index] = Text(line.plain[start:end])
            return row
        self._first = False
        row = Text(line.plain[start:end], style=line.style, justify=line.justify, overflow=line.overflow)
        row.spans[:] = [
            Span(max(a, start) - start, min(b, end) - start, style)
            for a, b, style in line.spans
            if a < end and b > start
        ]
        return row


class _LongLine(Text):
    """A line of more than :data:`LONG_LINE` characters (see :class:`_Sections`)."""

    def __init__(self, text: str, plain_rows: dict[tuple[int, ...], dict[int, Text]]) -> None:
        super().__init__(text, end="", no_wrap=True)
        self._rows_by_wrap = plain_rows

    def divide(self, offsets: Iterable[int]) -> Sequence[Text]:  # type: ignore[override]
        offsets = list(offsets)
        rows = self._rows_by_wrap.setdefault(tuple(offsets), {})
        return _Sections(self, offsets, rows)


class SafeTextArea(TextArea):
    """A TextArea that never sends a control character to the terminal,
    and never grows past :data:`~ldn_tui.notes.note_size.MAX_NOTE_CHARS`."""

    class TooLong(Message):
        """Typing or a paste was refused: the note would be ``size`` characters."""

        def __init__(self, size: int, pasted: bool) -> None:
            self.size = size
            self.pasted = pasted
            super().__init__()

    #: Long lines as drawn: line index -> (the document's line, drawn text,
    #: rows by wrap offsets); see :meth:`get_line`.
    _long_lines: dict[int, tuple[str, str, dict]]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._long_lines = {}

    def _fits(self, insert: str, start, end, pasted: bool) -> bool:
        """True if replacing ``start``-``end`` by ``insert`` keeps the note
        within the limit (or, for a note already past it, does not grow it).
        Otherwise posts :class:`TooLong` and changes nothing."""
        removed = len(self.get_text_range(start, end)) if start != end else 0
        if len(insert) <= removed:
            return True
        size = len(self.text)
        new = size - removed + len(insert)
        if new <= MAX_NOTE_CHARS:
            return True
        self.post_message(self.TooLong(new, pasted))
        return False

    def _replace_via_keyboard(self, insert: str, start, end):
        # Every typed character (and enter, tab) comes through here.
        if not self._fits(insert, start, end, pasted=False):
            return None
        return super()._replace_via_keyboard(insert, start, end)

    def _paste(self, text: str) -> None:
        text = clean_paste(text)
        if not self._fits(text, *self.selection, pasted=True):
            return
        result = self.replace(text, *self.selection, maintain_selection_offset=False)
        self.move_cursor(result.end_location)

    def get_line(self, line_index: int) -> Text:
        # The base class builds Text from the raw line: ESC would reach the
        # terminal, and Rich drops BEL/BS/CR, shifting the cursor column.
        raw = self.document.get_line(line_index)
        if len(raw) <= LONG_LINE:
            return Text(visible(raw, same_length=True), end="", no_wrap=True)
        # A long line: drawn once per version of its text, rows made lazily.
        cached = self._long_lines.get(line_index)
        if cached is None or cached[0] is not raw:
            if len(self._long_lines) > 8:
                self._long_lines.clear()
            cached = self._long_lines[line_index] = (raw, visible(raw, same_length=True), {})
        return _LongLine(cached[1], cached[2])

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs a widget's own bindings (backspace, delete, the arrows,
        # ctrl+k, ...) only after the key has bubbled up to the App
        # (``App._on_key``), while a printable key is inserted right here.
        # In a burst (a fast typist, an unbracketed paste) "X backspace d"
        # therefore deleted the "d". Running our bindings here, in this
        # widget's queue, applies every key in the order it was sent.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of TextArea's raw insert
        event.stop()
        if self.read_only:
            return
        self._paste(event.text)
        self.focus()

    def action_paste(self) -> None:
        """ctrl+v: paste the app's clipboard, made safe like a terminal paste."""
        if self.read_only:
            return
        self._paste(self.app.clipboard)


class UnsavedDialog(Modal[str]):
    """Ask what to do with unsaved changes: ``"save"``, ``"discard"`` or ``"keep"``.

    "Save and close" has the focus, so a reflexive ``enter`` keeps the text.
    """

    BINDINGS = [
        Binding("s", "choose('save')", "Save and close"),
        Binding("d", "choose('discard')", "Discard changes"),
        Binding("escape,k", "choose('keep')", "Keep editing"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This note has changes that are not saved.", classes="dialog-title")
            yield Static("Save them before closing?", classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save and close (s)", id="save", variant="primary")
                yield Button("Discard changes (d)", id="discard", variant="error")
                yield Button("Keep editing (esc)", id="keep")
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class NoteEditor(Modal[None]):
    """Edit the note on one heading (``note`` None: a new note).

    ``draft``: a draft left behind by an earlier session, restored into the
    editor (its text, and the version of the note it was written against).
    """

    BINDINGS = commands.bindings("editor")

    #: Below 14 rows the editor drops its frame and spacing (``-short`` in
    #: app.tcss), so the text box keeps room for a few lines at 30x8.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (14, "-tall")]

    #: True while the text differs from what is saved.
    dirty: var[bool] = var(False)

    def __init__(
        self,
        notebook: NotebookLike,
        pane_id: str,
        slug: str,
        heading: str,
        note: Note | None = None,
        draft: Draft | None = None,
    ) -> None:
        super().__init__()
        self.notebook = notebook
        self.pane_id = pane_id
        self.slug = slug
        self.heading = heading
        self.note = note
        #: The ``updated`` stamp of the note as loaded: a save checks that
        #: no other window changed the note since (else: a conflict copy).
        self.base_updated = draft.base_updated if draft is not None else (note.updated if note else None)
        #: The note id this editor saves to (None: a new note).
        self.note_id = draft.note_id if draft is not None else (note.id if note else None)
        #: The text as last saved (or as loaded): ``dirty`` compares with it.
        self.saved_text = note.text if note is not None else ""
        self._restored = draft
        #: Set when the reader chose to close without saving.
        self._discarded = False
        #: Set when a signal ends the app: the draft is kept, not saved.
        self._keep_as_draft = False
        #: Where this editor's draft lives (see :mod:`ldn_tui.notes.drafts`).
        self._draft_file = draft.path if draft is not None else None
        self._draft_timer: Any = None
        self._draft_warned = False
        self._area: SafeTextArea | None = None
        #: When the reader was last told the note is full (monotonic seconds).
        self._full_told = float("-inf")

    @property
    def _draft_path(self) -> Path:
        """This editor's draft file (named on first use)."""
        if self._draft_file is None:
            self._draft_file = new_draft_path(self.notebook.data_dir)
        return self._draft_file

    @property
    def text_area(self) -> SafeTextArea:
        return self.query_one(SafeTextArea)

    @property
    def text(self) -> str:
        """The text in the editor now (also once the editor is unmounted)."""
        return self._area.text if self._area is not None else self.saved_text

    # -- building ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        start = self._restored.text if self._restored is not None else self.saved_text
        self._area = SafeTextArea(
            start,
            soft_wrap=True,
            placeholder="Write your note here. ctrl+s saves, esc closes.",
            id="note-text",
        )
        with Vertical(classes="note-editor"):
            yield Static(self._title(), classes="note-title")
            yield self._area
            yield Static("", id="note-status", classes="note-status")
        yield KeysFooter()

    def _title(self) -> Text:
        pane = self.notebook.library.pane(self.pane_id)
        pane_title = one_line(pane.title if pane else self.pane_id, 40)
        title = Text("✎ Note on ", style="bold")
        title.append(one_line(self.heading, 60), style="bold")
        title.append("  (top of the pane)" if not self.slug else f"  · {pane_title}", style="dim")
        if (self.pane_id, self.slug) not in self.notebook.known_places():
            title.append("  (heading no longer in the content)", style="italic")
        return title

    def on_mount(self) -> None:
        area = self.text_area
        area.focus()
        area.move_cursor(area.document.end)
        loaded = area.text
        if self._restored is None:
            if self.note is not None and loaded != self.note.text:
                # TextArea treats some characters (form feed, U+2028, mixed line
                # endings) as line breaks; say so instead of changing text quietly.
                self.notify(
                    "This note has unusual line breaks; the editor shows them as ordinary "
                    "ones. Nothing changes unless you save.",
                    title="Note",
                    timeout=8,
                )
            self.saved_text = loaded
        if self.notebook.read_only:
            self._status("Notes cannot be saved in this session. Select text and press ctrl+c to copy it.", "-error")
        elif self._restored is not None:
            self.dirty = self._has_unsaved()
            self._status("Your unsaved text from last time is back. ctrl+s saves it.")
            self._keep_draft()
        elif self.note is None:
            self._status("New note, not saved yet. ctrl+s saves.")
        else:
            self._status(f"Last saved {_when(self.note.updated)}.")

    def _status(self, message: str, kind: str = "") -> None:
        try:
            status = self.query_one("#note-status", Static)
        except NoMatches:  # a save that ran as the editor was closing
            return
        status.update(Text(message))
        status.set_class(kind == "-error", "-error")
        status.set_class(kind == "-saved", "-saved")

    # -- watching the text ---------------------------------------------------
    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        dirty = self._has_unsaved()
        if dirty != self.dirty:
            self.dirty = dirty
            if dirty:
                self._status("Unsaved changes. ctrl+s saves.")
        # Keep the draft on disk a moment after the typing stops.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._keep_draft)

    @on(SafeTextArea.TooLong)
    def _too_long(self, event: SafeTextArea.TooLong) -> None:
        event.stop()
        if event.pasted:
            message = (f"Not pasted: the note would be {event.size:,} characters, and a note holds at most "
                       f"{MAX_NOTE_CHARS:,}. Your note is unchanged; paste a shorter piece, or put the rest "
                       "in another note.")  # fmt: skip
        else:
            message = (f"The note is full: a note holds at most {MAX_NOTE_CHARS:,} characters. Nothing "
                       "already written is lost; write the rest in another note.")  # fmt: skip
        self._status(message, "-error")
        now = time.monotonic()
        if event.pasted or now - self._full_told > 5:  # not once per key while typing
            self._full_told = now
            self.notify(message, title="Note too long", severity="warning", timeout=8, markup=False)

    def watch_dirty(self, dirty: bool) -> None:
        self.set_class(dirty, "-dirty")

    # -- the draft on disk ---------------------------------------------------
    def _keep_draft(self) -> None:
        """Write the draft if there is unsaved text, else remove it."""
        self._draft_timer = None
        try:
            if self._has_unsaved() and self.text.strip():
                # pid 0 once a signal is ending the app: its window is gone, so
                # a start right after (while this process still shuts down)
                # offers the draft at once instead of taking it for an open one.
                pid = 0 if self._keep_as_draft else os.getpid()
                draft = Draft(self.pane_id, self.slug, self.heading, self.note_id, self.base_updated, self.text, pid)
                write_draft(self._draft_path, draft)
            else:
                remove_draft(self._draft_path)
        except DraftError as error:
            if not self._draft_warned:  # once: the reader can still save
                self._draft_warned = True
                self.notify(f"Your unsaved text cannot be kept as a draft: {error}", severity="warning", markup=False)

    def keep_draft_now(self) -> None:
        """A signal is ending the app: write the draft at once and keep it
        (it is offered back on the next start rather than saved unasked)."""
        self._keep_as_draft = True
        self._keep_draft()

    def _forget_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        try:
            remove_draft(self._draft_path)
        except DraftError:
            pass  # offered again next time; nothing is lost

    # -- actions -------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            return True if self.note is not None else None  # shown greyed until saved
        return True

    def action_save(self) -> None:
        """ctrl+s: save once every key typed before it is in the text (D1)."""
        after_keys(self.app, self.save_now)

    def save_now(self) -> bool:
        """Save the text; True if it is saved (or there was nothing to save)."""
        text = self.text
        if not text.strip():
            if self.note is None:
                self._status("The note is empty, so it was not saved.", "-error")
                self.notify("An empty note is not saved. Write something first.", timeout=4)
            else:
                self._status("The note is empty. To remove it, press ctrl+d.", "-error")
                self.notify("Not saved: the note is empty. ctrl+d deletes the note instead.", timeout=5)
            return False
        if self.note is not None and self.note_id == self.note.id and text == self.note.text:
            self.dirty = False
            self.saved_text = text
            self._forget_draft()
            self._status(f"Saved (no changes since {_when(self.note.updated)}).", "-saved")
            return True
        saved = self.notebook.save_edit(self.pane_id, self.slug, self.heading, self.note_id, text, self.base_updated)
        if saved is None:
            self._status(
                "Not saved. Your text is still here; try ctrl+s again, or select it and copy it (ctrl+c).", "-error"
            )
            self._keep_draft()
            return False
        note, outcome = saved.note, saved.outcome
        self._saved(note, text)
        if outcome == "conflict":
            self._status(
                "Saved as a new note marked “conflict copy”: another window changed this note meanwhile. Both are kept.",
                "-saved",
            )
            self.notify("Another window changed this note, so yours was saved as a separate “conflict copy”. Both are kept.",
                        title="Saved as a copy", severity="warning", timeout=10, markup=False)  # fmt: skip
        elif outcome == "recreated":
            self._status("Saved as a new note: another window had deleted this one.", "-saved")
            self.notify("Another window had deleted this note, so your text was saved as a new note.",
                        title="Saved as new", severity="warning", timeout=10, markup=False)  # fmt: skip
        else:
            self._status(f"Saved at {_when(note.updated)}.", "-saved")
            self.notify("Saved", timeout=2)
        return True

    def _saved(self, note: Note, text: str) -> None:
        self.note = note
        self.note_id = note.id
        self.base_updated = note.updated
        self.saved_text = text
        self._forget_draft()
        if self._area is not None and self._area.text == text:
            self.dirty = False
        self.refresh_bindings()

    def action_close(self) -> None:
        """escape: close (after the keys typed before it); with unsaved changes, ask first."""
        after_keys(self.app, self._close_now)

    def _close_now(self) -> None:
        if not self.is_current:
            return
        if not self._has_unsaved():
            self._discarded = True
            self._forget_draft()
            self.dismiss(None)
            return
        self.app.push_screen(UnsavedDialog(), self._unsaved_choice)

    def _unsaved_choice(self, choice: str | None) -> None:
        if choice == "save":
            if self.save_now():
                self.dismiss(None)
        elif choice == "discard":
            self._discarded = True
            self._forget_draft()
            self.dismiss(None)
        else:
            self.text_area.focus()

    def action_delete(self) -> None:
        """ctrl+d: delete this note, after asking ("Keep it" is the default)."""
        after_keys(self.app, self._delete_now)

    def _delete_now(self) -> None:
        if not self.is_current:
            return
        if self.note is None:
            self.notify("This note has not been saved, so there is nothing to delete. esc closes.", timeout=4)
            return
        question = f"Delete your note on “{one_line(self.heading, 60)}”? This cannot be undone."
        dialog = ConfirmDialog(question, yes="Delete note", no="Keep it", default="no")
        self.app.push_screen(dialog, self._delete_answer)

    def _delete_answer(self, yes: bool | None) -> None:
        if not yes or self.note is None:
            self.text_area.focus()
            return
        if self.notebook.delete_note(self.note.id):
            self._discarded = True
            self._forget_draft()
            self.notify("Note deleted.", timeout=3)
            self.dismiss(None)

    def _has_unsaved(self) -> bool:
        text = self.text
        if self.note is None:
            return bool(text.strip())
        return text != self.saved_text

    def on_unmount(self) -> None:
        # Closed without a choice (the app is quitting, or another screen
        # replaced this one): keep the text rather than drop it. ``text``
        # reads the TextArea object, which holds its text after unmounting.
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._discarded:
            return
        if self._keep_as_draft or not self._has_unsaved() or not self.text.strip():
            if not self._keep_as_draft:
                self._forget_draft()
            return
        try:
            saved = self.notebook.save_edit(
                self.pane_id, self.slug, self.heading, self.note_id, self.text, self.base_updated
            )
        except Exception:  # noqa: BLE001 - shutting down: never turn a save into a crash
            saved = None
        if saved is not None:
            self._forget_draft()
        else:
            self._keep_draft()  # not saved: offered back on the next start


def _when(stamp: str) -> str:
    """A stored ISO time as local ``HH:MM`` (today) or ``D Mon YYYY HH:MM``."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except (ValueError, OSError):
        return stamp
    if moment.date() == datetime.now().astimezone().date():
        return moment.strftime("%H:%M")
    return f"{moment.day} {moment.strftime('%b %Y %H:%M')}"
