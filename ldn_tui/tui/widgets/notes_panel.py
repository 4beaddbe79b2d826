"""NotesPanel: the current pane's notes, beside the pane (toggle with ``p``).

Note text is shown exactly as typed: it goes into ``Text`` objects (never
markup) after :func:`~ldn_tui.textsafe.visible` has made control characters
harmless.

Bounded however big the notes are (F9, F10): each note shows a
:func:`~ldn_tui.notes.note_size.preview` (its start, then how much more there is;
the editor shows it all), and the list holds at most :data:`ROWS` notes at
first, then a "Show more" row that adds :data:`ROWS` more when picked.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ldn_tui.notes import Note, more_text, preview
from ldn_tui.textsafe import one_line, visible

#: How many notes the panel lists before a "Show more" row (each OptionList
#: row is measured when set, so 10,000 notes on one pane would take seconds).
ROWS = 200
#: The option id of the "Show more" row.
MORE = "more:"


class NotesPanel(OptionList):
    """Lists notes; picking one asks to edit it."""

    class Chosen(Message):
        """The reader picked a note."""

        def __init__(self, note_id: str) -> None:
            self.note_id = note_id
            super().__init__()

    #: How many notes are listed now (grows with "Show more").
    rows = ROWS
    _notes: list[tuple[Note, bool]] = []

    def show_notes(self, notes: list[tuple[Note, bool]]) -> None:
        """Show ``(note, orphaned)`` pairs, in reading order.

        The heading is bold and underlined, the note in plain text under it,
        and a rule between notes, so where one ends and the next begins is
        clear at a glance. Colours are the panel's own (theme) colours.
        """
        self._notes = notes
        self.clear_options()
        if not notes:
            self.add_option(Option(Text("No notes on this pane yet. Press n to write one."), disabled=True))
            return
        options: list[Option | None] = []
        for note, orphaned in notes[: self.rows]:
            label = Text()
            label.append(one_line(note.heading, 60), style="bold underline")
            if orphaned:
                label.append("  (heading no longer in the content)", style="italic")
            label.append("\n")
            head, hidden = preview(note.text)
            label.append(visible(head))
            if hidden:
                label.append("\n" + more_text(hidden), style="italic")
            if options:
                options.append(None)  # a separator line between notes
            options.append(Option(label, id=note.id))
        if len(notes) > self.rows:
            left = len(notes) - self.rows
            options += [None, Option(Text(f"Show more ({left:,} more notes on this pane)", style="bold"), id=MORE)]
        self.add_options(options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE:
            at = event.option_index
            self.rows += ROWS
            self.show_notes(self._notes)
            self.highlighted = min(at, self.option_count - 1)
        elif event.option.id:
            self.post_message(self.Chosen(event.option.id))
