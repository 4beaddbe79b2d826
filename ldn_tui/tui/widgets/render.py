"""Render document blocks into lines of segments for :class:`DocumentView`.

Textual's ``Markdown`` widget mounts one widget per block (about 2 ms each),
so a long pane takes hundreds of milliseconds to appear. Instead, each block
is turned into Rich ``Text`` (or a ``Table``) and rendered once, at the
current width, into a flat list of :class:`~textual.strip.Strip` lines; the
view then paints only the lines on screen. Re-rendering a whole pane at a
new width takes a few milliseconds.

Link spans carry ``@click`` meta so the mouse can follow them, and a
``link`` index so the keyboard can focus them.

Every segment of every line carries a full style (colour and background),
via :meth:`_Builder.line`: a segment without one would be drawn on the
terminal's own default background (a black or white bar across a themed
page) and crashes Textual's ``NO_COLOR`` monochrome filter, which expects a
style on every segment.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.color import Color, ColorType, blend_rgb
from rich.color_triplet import ColorTriplet
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ldn_tui.content import Block, Span

#: Columns kept free on the left of every line for bookmark/note markers:
#: room for both (``★✎``) and a space before the heading text.
GUTTER = 3


#: WCAG AA contrast for body text.
MIN_CONTRAST = 4.5


def _luminance(rgb: ColorTriplet) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(rgb.red) + 0.7152 * channel(rgb.green) + 0.0722 * channel(rgb.blue)


def contrast_ratio(one: ColorTriplet, other: ColorTriplet) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(style: Style, toward: Color | None, minimum: float = MIN_CONTRAST) -> Style:
    """``style`` with its colour moved toward ``toward`` (the page's text
    colour) just far enough for ``minimum`` contrast against its background.

    A theme's accent or warning colour can be too pale for text on a light
    page (``$text-accent`` is 3.3:1 in textual-light); the hue is kept as far
    as readability allows. Terminal-chosen colours (the ANSI theme) are left
    alone: their contrast is the terminal's.
    """
    fg, bg = style.color, style.bgcolor
    chosen_by_terminal = (ColorType.DEFAULT, ColorType.STANDARD, ColorType.WINDOWS)
    if any(c is None or c.type in chosen_by_terminal for c in (fg, bg, toward)):
        return style
    assert fg is not None and bg is not None and toward is not None
    start, page, target = fg.get_truecolor(), bg.get_truecolor(), toward.get_truecolor()
    if contrast_ratio(start, page) >= minimum:
        return style
    for step in range(1, 11):
        colour = blend_rgb(start, target, step / 10)
        if contrast_ratio(colour, page) >= minimum:
            break
    return style + Style(color=Color.from_triplet(colour))


class Styles(NamedTuple):
    """Rich styles for each part of a document (from the widget's CSS).

    The widget passes *full* styles (colour and background resolved against
    the page, see ``DocumentView._get_styles``); :attr:`text` is the page's
    own style and goes under every segment.
    """

    text: Style = Style()
    title: Style = Style(bold=True)
    meta: Style = Style(dim=True)
    h2: Style = Style(bold=True, underline=True)
    h3: Style = Style(bold=True)
    h4: Style = Style(bold=True, italic=True)
    link: Style = Style(underline=True)
    cite: Style = Style(underline=True)
    code: Style = Style(bold=True)
    quote: Style = Style(italic=True)
    rule: Style = Style(dim=True)
    table_header: Style = Style(bold=True)
    table_border: Style = Style(dim=True)


class Rendered(NamedTuple):
    """A pane rendered at one width."""

    width: int
    lines: list[Strip]
    #: (first line, slug, level, text) of each heading, in order
    headings: list[tuple[int, str, int, str]]
    #: (first line, last line, href) of each link, in order
    links: list[tuple[int, int, str]]
    #: the styles it was drawn with (a rendering from before a theme switch is stale)
    styles: Styles | None = None


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
    def line(self, segments: list[Segment]) -> Strip:
        """A line with the page style under every segment (see module doc)."""
        return Strip(Segment.apply_style(segments, self.styles.text))

    def blank(self) -> None:
        if self.lines and self.lines[-1].cell_length:
            self.lines.append(Strip.blank(0, self.styles.text))

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
            self.lines.append(self.line(segments))
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
            self.lines.append(
                self.line([Segment(" " * GUTTER), Segment("─" * (self.width - GUTTER * 2), self.styles.rule)])
            )
        elif kind == "table":
            self.table(block)

    def table(self, block: Block) -> None:
        """Draw a table directly: measure plain cell text, share out the
        width, wrap each cell. (Rich's Table measures every cell through
        its renderable protocol and was ~15 ms a table here.)"""
        if not block.rows:
            return
        console = self.console
        columns = max(len(row) for row in block.rows)
        cells = [
            [
                self.text(row[i], self.styles.table_header if r == 0 else self.styles.text)
                if i < len(row)
                else Text("")
                for i in range(columns)
            ]
            for r, row in enumerate(block.rows)
        ]
        natural = [
            max(max((cell_len(part) for part in row[i].plain.split("\n")), default=0) for row in cells)
            for i in range(columns)
        ]
        longest_word = [
            max((cell_len(word) for row in cells for word in row[i].plain.split()), default=1) for i in range(columns)
        ]
        room = self.width - GUTTER - (3 * columns + 1)
        widths = _share_width(natural, longest_word, room)
        if widths is None:
            # Too narrow for a grid: one "column: value" line per cell.
            self._table_as_list(cells)
            return
        border = self.styles.table_border
        start = len(self.lines)
        pad = Segment(" " * GUTTER)

        def rule(left: str, mid: str, right: str) -> Strip:
            return self.line([pad, Segment(left + mid.join("─" * (w + 2) for w in widths) + right, border)])

        self.lines.append(rule("╭", "┬", "╮"))
        for index, row in enumerate(cells):
            wrapped = [row[i].wrap(console, widths[i], overflow="fold") for i in range(columns)]
            height = max(len(lines) for lines in wrapped)
            for line_no in range(height):
                segments = [pad, Segment("│ ", border)]
                for col in range(columns):
                    lines = wrapped[col]
                    if line_no < len(lines):
                        piece = lines[line_no]
                        piece.rstrip()
                        gap = widths[col] - piece.cell_len
                        align = block.align[col] if col < len(block.align) else "left"
                        if align == "right":
                            segments.append(Segment(" " * gap))
                        segments.extend(piece.render(console))
                        if align != "right":
                            segments.append(Segment(" " * gap))
                    else:
                        segments.append(Segment(" " * widths[col]))
                    segments.append(Segment(" │ " if col < columns - 1 else " │", border))
                self.lines.append(self.line(segments))
            if index == 0 and len(cells) > 1:
                self.lines.append(rule("├", "┼", "┤"))
        self.lines.append(rule("╰", "┴", "╯"))
        self._place_links(start)

    def _table_as_list(self, cells: list[list[Text]]) -> None:
        header, *rows = cells
        for row in rows:
            self.blank()
            for index, cell in enumerate(row):
                line = Text()
                if index < len(header) and header[index].plain:
                    line.append(header[index].plain + ": ", self.styles.table_header)
                line.append_text(cell)
                self.add_text(line)


def _share_width(natural: list[int], minimum: list[int], room: int) -> list[int] | None:
    """Column widths that fit ``room`` cells, or None if even minimal ones don't.

    Columns get their natural width when everything fits; otherwise each gets
    at least its longest word (capped) and the rest is shared in proportion
    to how much more it would like.
    """
    natural = [max(n, 1) for n in natural]
    if sum(natural) <= room:
        return natural
    floor = [max(1, min(m, n, 12)) for m, n in zip(minimum, natural)]
    if sum(floor) > room or room < 3 * len(natural):
        return None
    spare = room - sum(floor)
    wants = [n - f for n, f in zip(natural, floor)]
    total = sum(wants) or 1
    widths = [f + (spare * w) // total for f, w in zip(floor, wants)]
    leftover = room - sum(widths)
    for index in sorted(range(len(widths)), key=lambda i: -wants[i]):
        if leftover <= 0:
            break
        if widths[index] < natural[index]:
            widths[index] += 1
            leftover -= 1
    return widths


class IncrementalRender:
    """Render a pane a few blocks at a time.

    The first frame only needs the lines on screen: :meth:`run` renders until
    it has ``lines`` lines (or everything), and :attr:`rendered` is what is
    done so far (the same lists keep growing, so it stays valid).
    """

    def __init__(
        self,
        blocks: tuple[Block, ...],
        width: int,
        console: Console,
        styles: Styles,
        header: tuple[str, str] | None = None,
    ) -> None:
        self.blocks = blocks
        self.builder = builder = _Builder(console, width, styles)
        self.index = 0
        if header:
            title, meta = header
            builder.add_text(Text(title, style=styles.title))
            builder.add_text(Text(meta, style=styles.meta))
        self.rendered = Rendered(builder.width, builder.lines, builder.headings, builder.links, styles)

    def run(self, lines: int | None = None) -> bool:
        """Render until there are ``lines`` lines (None: all). True when done."""
        builder = self.builder
        blocks = self.blocks
        while self.index < len(blocks):
            if lines is not None and len(builder.lines) >= lines:
                return False
            previous = blocks[self.index - 1] if self.index else None
            builder.block(blocks[self.index], previous)
            self.index += 1
        if self.index == len(blocks):
            builder.lines.append(Strip.blank(0, builder.styles.text))
            self.index += 1
        return True


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
    job = IncrementalRender(blocks, width, console, styles, header)
    job.run()
    return job.rendered
