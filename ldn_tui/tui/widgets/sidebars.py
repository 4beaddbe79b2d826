"""The pane list (left) and the table of contents (right).

Both are OptionLists that post a message when the reader picks an entry;
the reader screen decides what to do.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ldn_tui.content import PaneMeta

_BOLD = Style(bold=True)


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
    """The list of panes, numbered for the ``1``-``9`` keys.

    The pane being read is marked ``▶`` and bold while it is painted
    (:meth:`render_line`): the entries themselves never change, so a pane
    switch repaints from OptionList's cached lines instead of rendering
    every entry again (replacing two prompts cleared that cache: about half
    of a pane switch's painting), and the marker is right in the same frame
    as the highlight.
    """

    class Chosen(_Chooser.Chosen):
        """The reader picked a pane."""

        @property
        def pane_id(self) -> str:
            return self.value

    def __init__(self, panes: tuple[PaneMeta, ...], **kwargs) -> None:
        self.panes = panes
        #: the pane being read (marked ``▶``)
        self.current = ""
        self._current_index: int | None = None
        #: the current entry's lines during one paint (see render_lines)
        self._marks: dict[int, bool] | None = None
        super().__init__(*(Option(self._label(n, pane), id=pane.id) for n, pane in enumerate(panes, 1)), **kwargs)

    @staticmethod
    def _label(number: int, pane: PaneMeta) -> Text:
        """``  3 Dosing``: the entry as it is when not being read (the
        number faint); :meth:`render_line` marks the current one."""
        label = Text("  ")
        label.append(f"{number if number <= 9 else ' '} ", style="dim")
        label.append(pane.title)
        return label

    def select_pane(self, pane_id: str) -> None:
        """Mark and highlight ``pane_id`` without posting Chosen.

        Only the entries that change (the old and new current pane, and the
        old highlight) are painted again: the highlight is set quietly
        (``set_reactive``: its watcher would repaint the whole list and post
        OptionHighlighted, which this would prevent anyway) and the list
        scrolled to it by hand.
        """
        index = next((i for i, pane in enumerate(self.panes) if pane.id == pane_id), None)
        changed = {self._current_index, self.highlighted, index}
        self.current, self._current_index = pane_id, index
        if index is None:
            return
        if not self.is_mounted:
            self.highlight_id(pane_id)
            return
        self.set_reactive(OptionList.highlighted, index)
        self.scroll_to_highlight()
        for y, (option, _offset) in enumerate(self._lines):
            if option in changed:
                self.refresh_line(y)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint, working out once which lines are the current entry's."""
        self._marks = self._current_lines()
        try:
            return super().render_lines(crop)
        finally:
            self._marks = None

    def _current_lines(self) -> dict[int, bool]:
        """The current entry's lines: line -> whether it is its first."""
        index = self._current_index
        if index is None:
            return {}
        return {line: offset == 0 for line, (option, offset) in enumerate(self._lines) if option == index}

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        marks = self._marks if self._marks is not None else self._current_lines()
        first = marks.get(self.scroll_offset.y + y)
        return strip if first is None else self._marked(strip, first)

    def _marked(self, strip: Strip, first: bool) -> Strip:
        """A line of the current pane's entry as it is read: bold, the number
        no longer faint (a symbol and weight, not a colour alone, say which
        pane it is; its highlight background comes from the stylesheet) and,
        on its first line, ``▶`` in place of the leading space."""
        padding = self.get_component_styles("option-list--option").padding
        right = strip.cell_length - padding.right
        text = strip.crop(padding.left, right).text
        end = padding.left + cell_len(text.rstrip())
        if end <= padding.left:
            return strip
        segments = list(strip.crop(padding.left, end))
        # The entry's own segments sit on the line's style (the leading
        # spaces carry it alone); each keeps its own meta (the option, and
        # Textual's text offsets), the faint number gets that style in bold.
        base = segments[0].style
        bold = (base.clear_meta_and_links() if base is not None else Style()) + _BOLD
        label = [
            Segment(part, bold + Style.from_meta(style.meta) if style is not None and style.meta else bold, control)
            for part, style, control in segments
        ]
        if first and label[0].text.startswith(" "):
            label[0] = Segment("▶" + label[0].text[1:], label[0].style, label[0].control)
        return Strip.join([strip.crop(0, padding.left), Strip(label), strip.crop(end, strip.cell_length)])


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
