"""Render document blocks into lines of segments for :class:`DocumentView`.

Textual's ``Markdown`` widget mounts one widget per block (about 2 ms each),
so a long pane takes hundreds of milliseconds to appear. Instead, each block
is turned into Rich ``Text`` (or a ``Table``) and rendered once, at the
current width, into a flat list of :class:`~textual.strip.Strip` lines; the
view then paints only the lines on screen. Re-rendering a whole pane at a
new width takes a few milliseconds.

Link spans carry ``@click`` meta so the mouse can follow them, and a
``link`` index so the keyboard can focus them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich import box
from rich.text import Text
from textual.strip import Strip

from ..models import Block, Span

#: Columns kept free on the left of every line for bookmark/note markers.
GUTTER = 2


@dataclass
class Styles:
    """Rich styles for each part of a document (from the widget's CSS)."""

    text: Style = field(default_factory=Style)
    title: Style = field(default_factory=lambda: Style(bold=True))
    meta: Style = field(default_factory=lambda: Style(dim=True))
    h2: Style = field(default_factory=lambda: Style(bold=True, underline=True))
    h3: Style = field(default_factory=lambda: Style(bold=True))
    h4: Style = field(default_factory=lambda: Style(bold=True, italic=True))
    link: Style = field(default_factory=lambda: Style(underline=True))
    cite: Style = field(default_factory=lambda: Style(underline=True))
    code: Style = field(default_factory=lambda: Style(bold=True))
    quote: Style = field(default_factory=lambda: Style(italic=True))
    rule: Style = field(default_factory=lambda: Style(dim=True))
    table_header: Style = field(default_factory=lambda: Style(bold=True))
    table_border: Style = field(default_factory=lambda: Style(dim=True))


@dataclass
class Rendered:
    """A pane rendered at one width."""

    width: int
    lines: list[Strip]
    #: (first line, slug, level, text) of each heading, in order
    headings: list[tuple[int, str, int, str]]
    #: (first line, last line, href) of each link, in order
    links: list[tuple[int, int, str]]


class _Builder:
    def __init__(self, console: Console, width: int, styles: Styles) -> None:
        self.console = console
        self.width = max(width, GUTTER + 8)
        self.styles = styles
        self.lines: list[Strip] = []
        self.headings: list[tuple[int, str, int, str]] = []
        self.links: list[tuple[int, int, str]] = []
        self.options: ConsoleOptions = console.options.update(
            width=self.width - GUTTER, min_width=1, highlight=False, markup=False
        )

    # -- helpers ---------------------------------------------------------
    def blank(self) -> None:
        if self.lines and self.lines[-1].cell_length:
            self.lines.append(Strip.blank(0))

    def text(self, spans: tuple[Span, ...], base: Style) -> Text:
        text = Text(style=base, end="", no_wrap=False)
        styles = self.styles
        for span in spans:
            style = base
            if span.bold:
                style += Style(bold=True)
            if span.italic:
                style += Style(italic=True)
            if span.strike:
                style += Style(strike=True)
            if span.code:
                style += styles.code
            if span.link is not None:
                index = len(self.links)
                self.links.append((-1, -1, span.link))
                style += (styles.cite if span.cite else styles.link) + Style.from_meta(
                    {"@click": f"follow_link({index})", "link": index}
                )
            text.append(span.text, style)
        return text

    def add_text(self, text: Text, first_prefix: str = "", prefix: str = "", prefix_style: Style | None = None) -> None:
        width = self.width - GUTTER - len(prefix)
        start = len(self.lines)
        wrapped = text.wrap(self.console, max(width, 4), overflow="fold")
        pad = [Segment(" " * GUTTER)]
        for number, line in enumerate(wrapped):
            lead = first_prefix if number == 0 else prefix
            segments = pad + ([Segment(lead, prefix_style)] if lead else [])
            segments += list(line.render(self.console))
            self.lines.append(Strip(segments))
        self._place_links(start)

    def _place_links(self, start: int) -> None:
        """Record the first and last line each link of the new lines is on."""
        for y in range(start, len(self.lines)):
            for segment in self.lines[y]:
                style = segment.style
                if style is not None and style.meta and "link" in style.meta:
                    index = style.meta["link"]
                    first, last, href = self.links[index]
                    self.links[index] = (y if first < 0 else first, y, href)

    # -- blocks ----------------------------------------------------------
    def heading(self, block: Block) -> None:
        style = {2: self.styles.h2, 3: self.styles.h3}.get(block.level, self.styles.h4)
        if block.level <= 1:
            style = self.styles.title
        self.blank()
        self.headings.append((len(self.lines), block.slug, block.level, block.text))
        self.add_text(self.text(block.spans, style))

    def block(self, block: Block, previous: Block | None) -> None:
        kind = block.kind
        quote_prefix = "▌ " * block.quote
        indent = "  " * max(block.depth - 1, 0)
        if kind == "heading":
            self.heading(block)
            return
        if kind == "item":
            if previous is None or previous.kind != "item":
                self.blank()
            marker = f"{block.marker} "
            self.add_text(
                self.text(block.spans, self.styles.quote if block.quote else self.styles.text),
                quote_prefix + indent + marker,
                quote_prefix + indent + " " * len(marker),
                self.styles.quote if block.quote else None,
            )
            return
        self.blank()
        if kind == "paragraph":
            lead = quote_prefix + ("  " * block.depth)
            base = self.styles.quote if block.quote else self.styles.text
            self.add_text(self.text(block.spans, base), lead, lead, self.styles.quote)
        elif kind == "code":
            text = Text(block.text, style=self.styles.code, no_wrap=False)
            self.add_text(text, quote_prefix + "  ", quote_prefix + "  ")
        elif kind == "rule":
            self.lines.append(Strip([Segment(" " * GUTTER), Segment("─" * (self.width - GUTTER * 2), self.styles.rule)]))
        elif kind == "table":
            self.table(block)

    def table(self, block: Block) -> None:
        if not block.rows:
            return
        table = Table(
            box=box.ROUNDED if self.width >= 40 else box.SIMPLE,
            border_style=self.styles.table_border,
            header_style=self.styles.table_header,
            show_lines=False,
            expand=False,
            padding=(0, 1),
        )
        header, *rows = block.rows
        for index, cell in enumerate(header):
            justify = block.align[index] if index < len(block.align) else "left"
            table.add_column(self.text(cell, self.styles.table_header), justify=justify if justify in ("left", "right", "center") else "left", overflow="fold")
        for row in rows:
            cells = [self.text(cell, self.styles.text) for cell in row]
            cells += [Text("")] * (len(header) - len(cells))
            table.add_row(*cells[: len(header)])
        start = len(self.lines)
        for line in self.console.render_lines(table, self.options, pad=False):
            self.lines.append(Strip([Segment(" " * GUTTER), *line]))
        self._place_links(start)


def render_blocks(
    blocks: tuple[Block, ...],
    width: int,
    console: Console,
    styles: Styles,
    header: tuple[str, str] | None = None,
) -> Rendered:
    """Render ``blocks`` at ``width`` cells.

    Args:
        header: ``(title, meta line)`` drawn above the blocks (pane title and
            its last-reviewed date).
    """
    builder = _Builder(console, width, styles)
    if header:
        title, meta = header
        builder.add_text(Text(title, style=styles.title))
        builder.add_text(Text(meta, style=styles.meta))
    previous: Block | None = None
    for block in blocks:
        builder.block(block, previous)
        previous = block
    builder.lines.append(Strip.blank(0))
    return Rendered(builder.width, builder.lines, builder.headings, builder.links)
