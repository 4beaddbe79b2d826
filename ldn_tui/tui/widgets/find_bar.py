"""FindBar: find in the current pane, docked under it.

It only posts messages (Changed, Submitted, Closed); the reader screen
moves the highlights and tells the bar the counter to show.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FindBar(Horizontal):
    """An input and a ``3/14`` counter."""

    BINDINGS = [
        # shown in the footer while typing in the bar (n/N type letters here)
        Binding("down", "next", "Next", key_display="↓"),
        Binding("up", "previous", "Previous", key_display="↑"),
        Binding("tab", "submit", "To the pane"),
        Binding("escape", "close", "Close find"),
        Binding("shift+enter", "previous", "Previous match", show=False),
    ]

    class Changed(Message):
        """The query changed."""

        def __init__(self, query: str) -> None:
            self.query = query
            super().__init__()

    class Step(Message):
        """Move to the next (+1) or previous (-1) match."""

        def __init__(self, step: int) -> None:
            self.step = step
            super().__init__()

    class Submitted(Message):
        """Enter: keep the highlights and go back to reading."""

    class Closed(Message):
        """Escape: close the bar and clear the highlights."""

    def compose(self) -> ComposeResult:
        yield Label("Find:", classes="find-label")
        # Short enough to show whole next to the pane list at 100 columns.
        yield Input(placeholder="enter: next · tab: back to the pane · esc: close", id="find-input")
        yield Label("", id="find-count")

    def open(self) -> None:
        """Show the bar and focus its input (keeping any previous query)."""
        self.add_class("-open")
        self.query_one(Input).focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def set_value(self, query: str) -> None:
        """Show ``query`` in the input without searching again."""

        def apply() -> None:
            with self.prevent(Input.Changed):
                self.query_one(Input).value = query

        if self.is_mounted and self.query(Input):
            apply()
        else:
            self.call_after_refresh(apply)

    def close(self) -> None:
        """Hide the bar and forget the query."""
        self.remove_class("-open")
        with self.prevent(Input.Changed):
            self.query_one(Input).value = ""
        self.set_count(0, 0, "")

    def set_count(self, current: int, total: int, query: str) -> None:
        """Show ``current/total`` (or 'no matches')."""
        label = self.query_one("#find-count", Label)
        if not query:
            label.update("")
        elif total:
            label.update(f"{current}/{total}")
        else:
            label.update("no matches")
        label.set_class(bool(query) and not total, "-none")

    @on(Input.Changed, "#find-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))

    def action_submit(self) -> None:
        self.post_message(self.Submitted())

    def action_close(self) -> None:
        self.close()
        self.post_message(self.Closed())

    def action_next(self) -> None:
        self.post_message(self.Step(1))

    def action_previous(self) -> None:
        self.post_message(self.Step(-1))
