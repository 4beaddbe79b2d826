"""NotesPanel: the current pane's notes, beside the pane (toggle with ``p``).

Note text is shown exactly as typed: it goes into ``Text`` objects (never
markup) after :func:`~ldn_tui.textsafe.visible` has made control characters
harmless.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ldn_tui.notes import Note
from ldn_tui.textsafe import one_line, visible


class NotesPanel(OptionList):
    """Lists notes; picking one asks to edit it."""

    class Chosen(Message):
        """The reader picked a note."""

        def __init__(self, note_id: str) -> None:
            self.note_id = note_id
            super().__init__()

    def show_notes(self, notes: list[tuple[Note, bool]]) -> None:
        """Show ``(note, orphaned)`` pairs, in reading order.

        The heading is bold and underlined, the note in plain text under it,
        and a rule between notes, so where one ends and the next begins is
        clear at a glance. Colours are the panel's own (theme) colours.
        """
        self.clear_options()
        if not notes:
            self.add_option(Option(Text("No notes on this pane yet. Press n to write one."), disabled=True))
            return
        options: list[Option | None] = []
        for note, orphaned in notes:
            label = Text()
            label.append(one_line(note.heading, 60), style="bold underline")
            if orphaned:
                label.append("  (heading no longer in the content)", style="italic")
            label.append("\n")
            label.append(visible(note.text))
            if options:
                options.append(None)  # a separator line between notes
            options.append(Option(label, id=note.id))
        self.add_options(options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
