"""Panes as plain text (or plain Markdown) for screen readers, pipes and print.

Textual apps are hard for screen readers (Textual issue #2425), and some
readers cannot run a full-screen terminal at all. ``ldn-tui show`` prints a
pane from the same parsed :class:`~ldn_tui.content.models.Document` blocks the app
draws, so nothing is parsed twice and the text cannot drift from the app's:

* headings on their own line after a blank line (the pane title and level-2
  headings underlined with ``=``/``-``, the plain-text convention);
* list items with their bullet or number, wrapped under their first word;
* tables as labelled records (``Study: … / Design: …``), never box drawing,
  so a screen reader reads each value with its column name;
* citations as ``(Bruun 2024)``, with the reference list at the end;
* links to other panes as their text only, web links as ``text <url>``.

Every piece of content passes through :func:`ldn_tui.textsafe.visible`, so no
control character (ESC included) ever reaches the output. Lines are wrapped
to ``width`` characters; only a single word longer than the width (a long
web address, a code line) is left whole.

No Textual or Rich imports here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ldn_tui.content.models import Block, Span
from ldn_tui.textsafe import visible

if TYPE_CHECKING:
    from ldn_tui.content.library import Library
    from ldn_tui.content.models import PaneMeta

FORMATS = ("text", "md")
#: The default and largest default width: about the line length that reads
#: comfortably; a narrower terminal narrows it, ``--width`` overrides it.
DEFAULT_WIDTH = 76
MIN_WIDTH = 20


class UnknownPane(ValueError):
    """A pane id that is not in the library; the message names the known ones."""


def pane_keys(library: Library) -> list[tuple[str, PaneMeta]]:
    """``(key, pane)`` for every pane: keys ``1``-``9`` as in the app, then none."""
    return [(str(i + 1) if i < 9 else "", pane) for i, pane in enumerate(library.panes)]


def list_panes(library: Library, width: int = DEFAULT_WIDTH) -> str:
    """The pane list ``show`` prints with no pane: key, id and title on one
    line, the summary wrapped under it."""
    lines = ["Panes: 'ldn-tui show ID' prints one (the key is the app's)."]
    for key, pane in pane_keys(library):
        lines.append("")
        lines.append(f"{key or '-'}  {_one(pane.id)}: {_one(pane.title)}")
        lines += textwrap.wrap(
            _one(pane.summary),
            width=max(MIN_WIDTH, width),
            initial_indent="   ",
            subsequent_indent="   ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(lines) + "\n"


def resolve(library: Library, names: Iterable[str]) -> list[PaneMeta]:
    """The panes named by id or by key (``3``); :class:`UnknownPane` otherwise."""
    keys = {key: pane for key, pane in pane_keys(library) if key}
    found: list[PaneMeta] = []
    for name in names:
        pane = library.pane(name) or keys.get(name)
        if pane is None:
            known = ", ".join(p.id for p in library.panes)
            raise UnknownPane(
                f"no pane {_one(name)!r}; the panes are: {known} (or their keys 1-{min(9, len(library.panes))})"
            )
        found.append(pane)
    return found


def render(library: Library, panes: Iterable[PaneMeta], width: int = DEFAULT_WIDTH, fmt: str = "text") -> str:
    """The panes as one text, followed by the references they cite.

    Args:
        width: the line length (at least :data:`MIN_WIDTH`).
        fmt: ``text`` (plain text) or ``md`` (Markdown: ``#`` headings,
            ``-`` bullets, tables as lists of records, citations as text).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    writer = _Writer(library, max(MIN_WIDTH, width), fmt == "md")
    panes = list(panes)
    for index, pane in enumerate(panes):
        if index:
            writer.blank(2)
        writer.pane(pane)
    writer.references()
    return writer.text()


def _one(text: str) -> str:
    return visible(text, keep_newlines=False)


class _Writer:
    """Collects output lines for one ``show`` run."""

    def __init__(self, library: Library, width: int, markdown: bool) -> None:
        self.library = library
        self.width = width
        self.md = markdown
        self.lines: list[str] = []
        #: cited reference keys, in order of first citation
        self.cited: dict[str, None] = {}
        self.listed_references = False

    # -- output helpers ----------------------------------------------------
    def blank(self, count: int = 1) -> None:
        if not self.lines:
            return
        trailing = len(self.lines) - len(self.lines_rstripped())
        self.lines.extend([""] * max(0, count - trailing))

    def lines_rstripped(self) -> list[str]:
        end = len(self.lines)
        while end and self.lines[end - 1] == "":
            end -= 1
        return self.lines[:end]

    def wrap(self, text: str, first: str = "", rest: str | None = None) -> None:
        """Wrap ``text`` (may hold newlines: hard breaks) with the indents."""
        rest = first if rest is None else rest
        for number, part in enumerate(text.split("\n")):
            lead = first if number == 0 else rest
            wrapped = textwrap.wrap(
                part,
                width=self.width,
                initial_indent=lead,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
            self.lines.extend(wrapped or [lead.rstrip()])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines_rstripped()) + "\n"

    # -- inline --------------------------------------------------------------
    def inline(self, spans: Iterable[Span]) -> str:
        out: list[str] = []
        for span in spans:
            text = visible(span.text)
            if span.cite:
                self.cited.setdefault(span.cite, None)
            elif span.link and _is_web(span.link) and span.link.strip() != span.text.strip():
                text = f"{text} <{visible(span.link, keep_newlines=False)}>"
            if self.md and span.code and not span.cite:
                text = f"`{text}`"
            out.append(text)
        # soft breaks and runs of spaces read as one space
        return "\n".join(" ".join(line.split()) for line in "".join(out).split("\n"))

    # -- blocks ----------------------------------------------------------------
    def heading(self, level: int, text: str) -> None:
        self.blank()
        if self.md:
            self.wrap(text, "#" * level + " ", "#" * level + " ")
        else:
            self.wrap(text)
            if level <= 2:
                longest = max(len(line) for line in self.lines[-1:])
                self.lines.append(("=" if level == 1 else "-") * min(self.width, longest))
        self.blank()

    def pane(self, pane: PaneMeta) -> None:
        document = self.library.document(pane.id)
        if pane.kind == "references":
            self.listed_references = True
        self.heading(1, _one(pane.title))
        self.wrap(_one(pane.summary))
        self.wrap(f"Reviewed {_one(pane.reviewed)}. Education, not medical advice.")
        self.blank()
        for block in document.blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        quote = ("> " * block.quote) if block.quote else ""
        if block.kind == "heading":
            self.heading(min(block.level, 6), self.inline(block.spans))
        elif block.kind == "item":
            indent = "  " * max(0, block.depth - 1)
            marker = ("-" if not block.marker[:1].isdigit() else block.marker) if self.md else block.marker
            first = f"{quote}{indent}{marker} "
            self.wrap(self.inline(block.spans), first, quote + indent + " " * (len(marker) + 1))
            if not self.md:
                return  # items of one list stay together; the next block adds space
            self.blank()
        elif block.kind == "code":
            self.blank()
            fence = "```" if self.md else ""
            if fence:
                self.lines.append(quote + fence)
            for line in visible(block.text).split("\n"):
                self.lines.append(f"{quote}{'' if self.md else '    '}{line}")
            if fence:
                self.lines.append(quote + fence)
            self.blank()
        elif block.kind == "rule":
            self.blank()
            self.lines.append(quote + ("---" if self.md else "* * *"))
            self.blank()
        elif block.kind == "table":
            self.table(block, quote)
        else:  # paragraph, quote
            self.blank()
            indent = "  " * block.depth
            self.wrap(self.inline(block.spans), quote + indent)
            self.blank()

    def table(self, block: Block, quote: str) -> None:
        """One record per row: ``Column: value`` lines, a blank line between rows."""
        if not block.rows:
            return
        header = [self.inline(cell).replace("\n", " ") for cell in block.rows[0]]
        self.blank()
        for row in block.rows[1:]:
            fields = []
            for column, cell in enumerate(row):
                value = self.inline(cell).replace("\n", " ")
                if not value:
                    continue
                label = header[column] if column < len(header) and header[column] else f"Column {column + 1}"
                fields.append((label, value))
            for number, (label, value) in enumerate(fields):
                if self.md:
                    lead = f"{quote}- **{label}:** " if number == 0 else f"{quote}  - {label}: "
                    self.wrap(f"{value}", lead, quote + "    ")
                else:
                    lead = f"{quote}{label}: " if number == 0 else f"{quote}  {label}: "
                    self.wrap(value, lead, quote + "    ")
            self.blank()

    # -- the reference list ------------------------------------------------------
    def references(self) -> None:
        """The references the printed panes cite (unless one was the full list)."""
        if not self.cited or self.listed_references:
            return
        refs = self.library.references
        labels = self.library.labels
        self.blank(2)
        self.heading(2, "References")
        for key in self.cited:
            ref = refs.get(key)
            if ref is None:
                self.wrap(f"{_one(key)}: not in the references file.", "- " if self.md else "", "  ")
                continue
            parts = [visible(ref.citation, keep_newlines=False)]
            parts += [visible(url, keep_newlines=False) for _, url in ref.identifiers if url]
            label = _one(labels.get(key, ref.short))
            lead = f"- **{label}**: " if self.md else f"{label}: "
            self.wrap(" ".join(parts), lead, "  ")
            if self.md:
                continue
            self.blank()


def _is_web(target: str) -> bool:
    return target.lower().startswith(("http://", "https://", "mailto:"))


# --------------------------------------------------------------------------
# Search hits (``ldn-tui search``)
# --------------------------------------------------------------------------

_KIND_LABEL = {"note": "your note", "bookmark": "your bookmark", "glossary": "glossary term"}


def search_hits(results: Iterable[Any], width: int = DEFAULT_WIDTH) -> str:
    """Search results as blocks: ``pane › heading`` (with what kind of hit a
    note or glossary term is), then the snippet wrapped under it, a blank
    line between hits. All text shown as typed (control characters visible)."""
    width = max(MIN_WIDTH, width)
    blocks: list[str] = []
    for result in results:
        place = _one(result.pane_title or result.pane_id or "References")
        heading = _one(result.heading)
        if heading and heading != place:
            place = f"{place} › {heading}"
        kind = _KIND_LABEL.get(result.kind)
        if kind:
            place = f"{place} ({kind})"
        lines = textwrap.wrap(
            place, width=width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
        snippet = _one(result.snippet)
        if snippet.strip() in (heading, _one(result.pane_title)):
            snippet = ""  # a heading hit: its snippet is the heading again
        lines += textwrap.wrap(
            snippet,
            width=width,
            initial_indent="  ",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def search_misses(query: str, suggestions: list[str]) -> str:
    """The line(s) printed when a search finds nothing."""
    text = f"No matches for {_one(query)!r}."
    if suggestions:
        text += " Did you mean: " + ", ".join(_one(s) for s in suggestions) + "?"
    else:
        text += " Try fewer or shorter words, or 'ldn-tui show' for the list of panes."
    return text + "\n"
