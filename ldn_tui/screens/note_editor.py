"""NoteEditor: write or change the note on one heading.

A reader's note must never be lost, so the editor is careful:

* ``ctrl+s`` saves through :meth:`LdnApp.save_note` and the editor stays
  open; a new note becomes an existing one after its first save.
* If saving fails (read-only notes file, full disk, the note deleted in
  another window) the text stays in the editor and the reader is told.
* ``escape`` with unsaved changes asks: save and close, discard, or keep
  editing (the focused, default choice saves).
* If the editor is closed any other way with unsaved changes (the app
  quits with ``ctrl+q``), the text is saved rather than dropped.

This module imports ``TextArea``; it is itself imported only when the editor
first opens (see ``LdnApp.edit_note``), which keeps start-up fast.

Terminal safety: ``TextArea`` draws its lines as they are, so an escape
sequence in the text (pasted, or in a note imported from elsewhere) would
reach the terminal raw and act on it. :class:`SafeTextArea` draws control
characters as visible symbols (ESC shows as ``␛``) and turns them into those
symbols when pasted, so what the reader sees is what is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static, TextArea

from ..models import Note
from ..textsafe import one_line
from .dialogs import ConfirmDialog

if TYPE_CHECKING:
    from ..app import LdnApp

#: Control characters drawn one-for-one as visible symbols, so that columns
#: (and the cursor) stay where TextArea expects them. Lines never hold
#: newlines; tabs are TextArea's own business.
_DRAW = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}
_DRAW[0x7F] = "\u2421"  # ␡
_DRAW.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1: �

#: Characters that end a line for TextArea (``str.splitlines``) become a
#: plain newline when pasted; other control characters become symbols.
_LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")
_PASTE = {code: symbol for code, symbol in _DRAW.items() if code != 0x0A}


def clean_paste(text: str) -> str:
    """Pasted text made safe to keep: line breaks become ``\\n``, other
    control characters (ESC, NUL, ...) visible symbols such as ``␛``."""
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    return text.translate(_PASTE)


class SafeTextArea(TextArea):
    """A TextArea that never sends a control character to the terminal."""

    def get_line(self, line_index: int) -> Text:
        # The base class builds Text from the raw line: ESC would reach the
        # terminal, and Rich drops BEL/BS/CR, shifting the cursor column.
        line = self.document.get_line(line_index).translate(_DRAW)
        return Text(line, end="", no_wrap=True)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of TextArea's raw insert
        event.stop()
        if self.read_only:
            return
        result = self.replace(clean_paste(event.text), *self.selection, maintain_selection_offset=False)
        self.move_cursor(result.end_location)
        self.focus()

    def action_paste(self) -> None:
        """ctrl+v: paste the app's clipboard, made safe like a terminal paste."""
        if self.read_only:
            return
        result = self.replace(clean_paste(self.app.clipboard), *self.selection, maintain_selection_offset=False)
        self.move_cursor(result.end_location)


class UnsavedDialog(ModalScreen[str]):
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class NoteEditor(ModalScreen[None]):
    """Edit the note on one heading (``note`` None: a new note)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close", priority=True),
        Binding("ctrl+d", "delete", "Delete note", priority=True),
    ]

    #: True while the text differs from what is saved.
    dirty: var[bool] = var(False)

    def __init__(self, pane_id: str, slug: str, heading: str, note: Note | None = None) -> None:
        super().__init__()
        self.pane_id = pane_id
        self.slug = slug
        self.heading = heading
        self.note = note
        #: The text as last saved (or as loaded): ``dirty`` compares with it.
        self.saved_text = note.text if note is not None else ""
        #: Set when the reader chose to close without saving.
        self._discarded = False
        #: The text in the editor, kept up to date for :meth:`on_unmount`.
        self._draft = self.saved_text

    @property
    def ldn(self) -> LdnApp:
        return self.app  # type: ignore[return-value]

    @property
    def text_area(self) -> SafeTextArea:
        return self.query_one(SafeTextArea)

    @property
    def text(self) -> str:
        """The text in the editor now."""
        return self.text_area.text

    # -- building ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="note-editor"):
            yield Static(self._title(), classes="note-title")
            yield SafeTextArea(
                self.saved_text,
                soft_wrap=True,
                placeholder="Write your note here. ctrl+s saves, esc closes.",
                id="note-text",
            )
            yield Static("", id="note-status", classes="note-status")
        yield Footer()

    def _title(self) -> Text:
        pane = self.ldn.library.pane(self.pane_id)
        pane_title = one_line(pane.title if pane else self.pane_id, 40)
        title = Text("✎ Note on ", style="bold")
        title.append(one_line(self.heading, 60), style="bold")
        title.append("  (top of the pane)" if not self.slug else f"  · {pane_title}", style="dim")
        if (self.pane_id, self.slug) not in self.ldn.known_places():
            title.append("  (heading no longer in the content)", style="italic")
        return title

    def on_mount(self) -> None:
        area = self.text_area
        area.focus()
        area.move_cursor(area.document.end)
        loaded = area.text
        if self.note is not None and loaded != self.note.text:
            # TextArea treats some characters (form feed, U+2028, mixed line
            # endings) as line breaks; say so instead of changing text quietly.
            self.notify(
                "This note has unusual line breaks; the editor shows them as ordinary "
                "ones. Nothing changes unless you save.",
                title="Note",
                timeout=8,
            )
        self.saved_text = self._draft = loaded
        store = self.ldn.store
        if store is None or store.read_only:
            self._status("Notes cannot be saved in this session. Select text and press ctrl+c to copy it.", "-error")
        elif self.note is None:
            self._status("New note, not saved yet. ctrl+s saves.")
        else:
            self._status(f"Last saved {_when(self.note.updated)}.")

    def _status(self, message: str, kind: str = "") -> None:
        status = self.query_one("#note-status", Static)
        status.update(Text(message))
        status.set_class(kind == "-error", "-error")
        status.set_class(kind == "-saved", "-saved")

    # -- watching the text ---------------------------------------------------
    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        self._draft = self.text
        dirty = self._draft != self.saved_text
        if dirty != self.dirty:
            self.dirty = dirty
            if dirty:
                self._status("Unsaved changes. ctrl+s saves.")

    def watch_dirty(self, dirty: bool) -> None:
        self.set_class(dirty, "-dirty")

    # -- actions -------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete":
            return True if self.note is not None else None  # shown greyed until saved
        return True

    def action_save(self) -> bool:
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
        if self.note is not None and text == self.note.text:
            self.dirty = False
            self.saved_text = text
            self._status(f"Saved (no changes since {_when(self.note.updated)}).", "-saved")
            return True
        note_id = self.note.id if self.note is not None else None
        note = self.ldn.save_note(self.pane_id, self.slug, self.heading, note_id, text)
        if note is None:
            self._save_failed(note_id)
            return False
        self.note = note
        self.saved_text = text
        self.dirty = False
        self.refresh_bindings()
        self._status(f"Saved at {_when(note.updated)}.", "-saved")
        self.notify("Saved", timeout=2)
        return True

    def _save_failed(self, note_id: str | None) -> None:
        """The app has said why; keep the text and say what to do next."""
        store = self.ldn.store
        gone = False
        if note_id is not None and store is not None and not store.read_only:
            try:
                gone = store.get_note(note_id) is None
            except Exception:  # noqa: BLE001 - the text must stay; the app already told why
                gone = False
        if gone:
            self.note = None  # the next ctrl+s saves the text as a new note
            self.refresh_bindings()
            self._status("The note was deleted elsewhere. Your text is still here: ctrl+s saves it as a new note.", "-error")
        else:
            self._status("Not saved. Your text is still here; try ctrl+s again, or select it and copy it (ctrl+c).", "-error")

    def action_close(self) -> None:
        """Close; with unsaved changes, ask first."""
        if not self._has_unsaved():
            self._discarded = True
            self.dismiss(None)
            return
        self.app.push_screen(UnsavedDialog(), self._unsaved_choice)

    def _unsaved_choice(self, choice: str | None) -> None:
        if choice == "save":
            if self.action_save():
                self.dismiss(None)
        elif choice == "discard":
            self._discarded = True
            self.dismiss(None)
        else:
            self.text_area.focus()

    def action_delete(self) -> None:
        """Delete this note, after asking."""
        if self.note is None:
            self.notify("This note has not been saved, so there is nothing to delete. esc closes.", timeout=4)
            return
        question = f"Delete your note on “{one_line(self.heading, 60)}”? This cannot be undone."
        self.app.push_screen(ConfirmDialog(question, yes="Delete note", no="Keep it"), self._delete_answer)

    def _delete_answer(self, yes: bool | None) -> None:
        if not yes or self.note is None:
            self.text_area.focus()
            return
        if self.ldn.delete_note(self.note.id):
            self._discarded = True
            self.notify("Note deleted.", timeout=3)
            self.dismiss(None)

    def _has_unsaved(self) -> bool:
        text = self.text
        if self.note is None:
            return bool(text.strip())
        return text != self.saved_text

    def on_unmount(self) -> None:
        # Closed without a choice (the app is quitting, or another screen
        # replaced this one): keep the text rather than drop it. ``_draft``
        # is used because the TextArea may already be gone at this point.
        if self._discarded:
            return
        text = self._draft
        unsaved = text != self.saved_text if self.note is not None else bool(text.strip())
        if not unsaved or not text.strip():
            return
        note_id = self.note.id if self.note is not None else None
        try:
            self.ldn.save_note(self.pane_id, self.slug, self.heading, note_id, text)
        except Exception:  # noqa: BLE001 - shutting down: never turn a save into a crash
            pass


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
