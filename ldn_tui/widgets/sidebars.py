"""The pane list (left) and the table of contents (right).

Both are OptionLists that post a message when the reader picks an entry;
the reader screen decides what to do.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..models import PaneMeta


class PaneList(OptionList):
    """The list of panes, numbered for the ``1``-``9`` keys."""

    class Chosen(Message):
        """The reader picked a pane."""

        def __init__(self, pane_id: str) -> None:
            self.pane_id = pane_id
            super().__init__()

    def __init__(self, panes: tuple[PaneMeta, ...], **kwargs) -> None:
        options = []
        for number, pane in enumerate(panes, 1):
            label = Text(f"{number if number <= 9 else ' '} ", style="dim")
            label.append(pane.title)
            options.append(Option(label, id=pane.id))
        super().__init__(*options, **kwargs)

    def select_pane(self, pane_id: str) -> None:
        """Highlight ``pane_id`` without posting Chosen."""
        with self.prevent(OptionList.OptionHighlighted):
            try:
                self.highlighted = self.get_option_index(pane_id)
            except Exception:  # an unknown id: leave the highlight alone
                pass

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))


class TableOfContents(OptionList):
    """Headings of the current pane; picking one jumps to it."""

    BINDINGS = [Binding("escape,t", "close", "Close contents")]

    class Closed(Message):
        """The reader closed the contents (escape or t)."""

    def action_close(self) -> None:
        self.post_message(self.Closed())

    class Chosen(Message):
        """The reader picked a heading."""

        def __init__(self, slug: str) -> None:
            self.slug = slug
            super().__init__()

    def show_headings(self, headings: list[tuple[int, str, int, str]], markers: dict[str, str]) -> None:
        """Replace the entries with ``(line, slug, level, text)`` headings."""
        self.clear_options()
        options = []
        for _line, slug, level, text in headings:
            label = Text(markers.get(slug, " ")[:1] + " " + "  " * max(level - 2, 0))
            label.append(text)
            options.append(Option(label, id=slug))
        self.add_options(options)

    def select_slug(self, slug: str) -> None:
        """Highlight the heading being read."""
        if not slug:
            return
        with self.prevent(OptionList.OptionHighlighted):
            try:
                self.highlighted = self.get_option_index(slug)
            except Exception:
                pass

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
