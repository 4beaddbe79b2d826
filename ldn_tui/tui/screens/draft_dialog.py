"""Offer back the drafts an earlier session left (the window was closed,
the process stopped or killed with the note editor open).

For each draft left behind (:func:`ldn_tui.notes.drafts.left_behind`) the reader
chooses: restore it into the editor (the focused default), save it as a
note now, discard it, or decide later (``escape``: it stays on disk and is
offered again next time). Nothing is removed until it is saved or the
reader discards it. A draft whose text is already the note's stored text
(the app saved it on the way out) is removed without asking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from ldn_tui.notes import Draft, DraftError, left_behind_drafts, remove_draft
from ldn_tui.textsafe import one_line, visible
from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from textual.app import App

    from ldn_tui.notebook import Notebook

#: How much of a draft the dialog shows.
PREVIEW = 600


class DraftDialog(Modal[str]):
    """Ask what to do with one draft: ``"restore"``, ``"save"``,
    ``"discard"`` or ``"later"``. "Restore" has the focus, so a reflexive
    ``enter`` never destroys the text."""

    #: Below 24 rows the text scrolls and the buttons stay on screen.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]

    BINDINGS = [
        Binding("r", "choose('restore')", "Restore"),
        Binding("s", "choose('save')", "Save as note"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape,l", "choose('later')", "Later"),
    ]

    def __init__(self, draft: Draft, where: str) -> None:
        super().__init__(classes="dialog-screen")
        self.draft = draft
        self.where = where

    def compose(self) -> ComposeResult:
        text = self.draft.text
        preview = visible(text[:PREVIEW]) + ("…" if len(text) > PREVIEW else "")
        with Vertical(classes="dialog draft-dialog"):
            yield Label("Unsaved note from last time", classes="dialog-title")
            with VerticalScroll(classes="draft-body"):
                yield Static(Text(f"ldn-tui closed while you were writing a note on {self.where}. It was kept:"),
                             classes="dialog-question")  # fmt: skip
                yield Static(Text(preview), classes="draft-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore (r)", id="restore", variant="primary")
                yield Button("Save as note (s)", id="save")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Later (esc)", id="later")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


def offer_drafts(app: App, notebook: Notebook, skip: frozenset[Any] = frozenset()) -> None:
    """Offer the next draft left behind (not in ``skip``), one at a time."""
    for draft in left_behind_drafts(notebook.data_dir):
        if draft.path in skip:
            continue
        if _already_saved(notebook, draft):
            _remove(app, draft)
            continue
        pane = notebook.library.pane(draft.pane_id)
        pane_title = pane.title if pane else draft.pane_id
        where = f"“{one_line(draft.heading, 60)}” ({one_line(pane_title, 40)})"
        if notebook.read_only:
            app.notify(f"An unsaved note on {where} is kept in {one_line(str(draft.path), 200)}; it can be saved once "
                       "notes can be saved again.", severity="warning", timeout=15, markup=False)  # fmt: skip
            return
        app.push_screen(DraftDialog(draft, where), lambda choice: _chosen(app, notebook, draft, choice, skip))
        return


def _already_saved(notebook: Notebook, draft: Draft) -> bool:
    """Whether the note already holds the draft's text (a store that cannot
    be read says so through the notebook, and the reader is asked)."""
    note = notebook.get_note(draft.note_id) if draft.note_id else None
    return note is not None and note.text == draft.text


def _remove(app: App, draft: Draft) -> bool:
    try:
        if draft.path is not None:
            remove_draft(draft.path)
    except DraftError as error:
        app.notify(str(error), title="Draft kept", severity="warning", markup=False)
        return False
    return True


def _chosen(app: App, notebook: Notebook, draft: Draft, choice: str | None, skip: frozenset[Any]) -> None:
    skip = skip | {draft.path}
    if choice == "restore":
        from ldn_tui.tui.screens.note_editor import NoteEditor

        note = notebook.get_note(draft.note_id) if draft.note_id else None
        editor = NoteEditor(notebook, draft.pane_id, draft.slug, draft.heading, note, draft=draft)
        app.push_screen(editor, lambda _: offer_drafts(app, notebook, skip))
        return
    if choice == "save":
        saved = notebook.save_edit(
            draft.pane_id, draft.slug, draft.heading, draft.note_id, draft.text, draft.base_updated
        )
        if saved is None:
            app.notify(f"The draft is kept in {one_line(str(draft.path), 200)}.", severity="warning", markup=False)
        else:
            _remove(app, draft)
            copy = (
                " as a separate copy (the note had changed or was deleted since)"
                if saved.outcome in ("conflict", "recreated")
                else ""
            )
            app.notify(f"Your unsaved note was saved{copy}.", title="Saved", timeout=6, markup=False)
    elif choice == "discard" and _remove(app, draft):
        app.notify("The unsaved note was discarded.", timeout=4)
    offer_drafts(app, notebook, skip)
