"""The pane list (left) and the table of contents (right).

Both are OptionLists that post a message when the reader picks an entry;
the reader screen decides what to do.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ldn_tui.content import PaneMeta


def _toc_label(marker: str, level: int, text: str) -> Table:
    """A contents entry: the marker column and the level's indent on the
    left, the heading wrapping with a hanging indent beside them (a plain
    ``Text`` would wrap its second line back to column 0)."""
    lead = marker + " " + "  " * max(level - 2, 0)
    grid = Table.grid(padding=0)
    grid.add_column(width=len(lead), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(lead), Text(text))  # Text, not str: headings are never markup
    return grid


class _Chooser(OptionList):
    """An OptionList whose entries are ids; picking one posts ``Chosen``.

    ``j``/``k`` move like the arrows, ``g``/``G`` jump to the first and
    last entry (as in the pane itself).
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    class Chosen(Message):
        """The reader picked an entry (``value`` is its id)."""

        def __init__(self, value: str) -> None:
            self.value = value
            super().__init__()

    def highlight_id(self, option_id: str) -> None:
        """Highlight the entry ``option_id`` (quietly; unknown ids are ignored)."""
        if not option_id:
            return
        with self.prevent(OptionList.OptionHighlighted):
            try:
                self.highlighted = self.get_option_index(option_id)
            except Exception:  # noqa: BLE001 - an unknown id: leave the highlight alone
                pass

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))


class PaneList(_Chooser):
    """The list of panes, numbered for the ``1``-``9`` keys."""

    class Chosen(_Chooser.Chosen):
        """The reader picked a pane."""

        @property
        def pane_id(self) -> str:
            return self.value

    def __init__(self, panes: tuple[PaneMeta, ...], **kwargs) -> None:
        self.panes = panes
        #: the pane being read (marked ``▶``)
        self.current = ""
        super().__init__(*(Option(self._label(n, pane), id=pane.id) for n, pane in enumerate(panes, 1)), **kwargs)

    def _label(self, number: int, pane: PaneMeta) -> Text:
        """``▶ 3 Dosing`` for the pane being read (bold), ``  3 Dosing`` else:
        the current pane is marked by a symbol and weight, not by a colour
        alone (its highlight background comes from the stylesheet)."""
        current = pane.id == self.current
        label = Text("▶ " if current else "  ", style="bold" if current else "")
        label.append(f"{number if number <= 9 else ' '} ", style="bold" if current else "dim")
        label.append(pane.title, style="bold" if current else "")
        return label

    def select_pane(self, pane_id: str) -> None:
        """Mark and highlight ``pane_id`` without posting Chosen."""
        previous, self.current = self.current, pane_id
        for number, pane in enumerate(self.panes, 1):
            if pane.id in (previous, pane_id):
                self.replace_option_prompt(pane.id, self._label(number, pane))
        self.highlight_id(pane_id)


class TableOfContents(_Chooser):
    """Headings of the current pane; picking one jumps to it."""

    BINDINGS = [Binding("escape,t", "close", "Close contents")]

    class Closed(Message):
        """The reader closed the contents (escape or t)."""

    def action_close(self) -> None:
        self.post_message(self.Closed())

    class Chosen(_Chooser.Chosen):
        """The reader picked a heading."""

        @property
        def slug(self) -> str:
            return self.value

    def show_headings(self, headings: list[tuple[int, str, int, str]], markers: dict[str, str]) -> None:
        """Replace the entries with ``(line, slug, level, text)`` headings."""
        self.clear_options()
        options = []
        for _line, slug, level, text in headings:
            options.append(Option(_toc_label(markers.get(slug, " ")[:1], level, text), id=slug))
        self.add_options(options)

    def select_slug(self, slug: str) -> None:
        """Highlight the heading being read."""
        self.highlight_id(slug)
