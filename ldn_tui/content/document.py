"""Turn a pane's Markdown into a :class:`~ldn_tui.content.models.Document`.

markdown-it-py tokenises the body; this module walks the token stream once
and produces plain blocks (headings with stable slugs, paragraphs, list
items, tables...) with inline spans, plus the links and citation keys that
``check`` validates. The UI renders the blocks; search and export read them.

No Textual imports here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ldn_tui.content.models import (
    EVIDENCE_SHORT,
    EVIDENCE_TYPES,
    Block,
    Citation,
    Document,
    Heading,
    Link,
    PaneMeta,
    Span,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ldn_tui.content.library import Library

#: ``[@key]`` or ``[@key1; @key2]``
CITATION_RE = re.compile(r"\[@([A-Za-z0-9_-]+(?:\s*[;,]\s*@[A-Za-z0-9_-]+)*)\]")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A stable anchor for a heading: lower-case ASCII, ``-`` between words.

    Accents are dropped (``Émile`` -> ``emile``); any other run of characters
    that are not ASCII letters or digits, punctuation such as an en dash
    included, becomes one ``-``.
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SLUG_RE.sub("-", plain.lower()).strip("-") or "section"


if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The shared markdown-it-py parser (CommonMark + tables + strikethrough)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    # Keep every link as a link, whatever its scheme: the app decides what
    # to do with it (and refuses javascript: and friends with a message),
    # and ``check`` reports it, rather than silently showing it as text.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


class _Walker:
    """Walk block tokens, collecting blocks, headings, links and citations."""

    def __init__(self, library: Library | None, first_line: int) -> None:
        self.library = library
        self.first_line = first_line
        self.blocks: list[Block] = []
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.citations: list[Citation] = []
        self.slugs: set[str] = set()
        self.current_slug = ""
        ref_pane = library.references_pane if library else None
        self.ref_target = f"{ref_pane.id}.md" if ref_pane else None

    # -- inline ----------------------------------------------------------
    def spans(self, children: Iterable[Token], line: int) -> tuple[Span, ...]:
        out: list[Span] = []
        bold = italic = strike = 0
        link: str | None = None
        link_text: list[str] = []
        for tok in children:
            kind = tok.type
            if kind == "text":
                self._text(out, tok.content, bool(bold), bool(italic), bool(strike), link, line)
                if link is not None:
                    link_text.append(tok.content)
            elif kind in ("softbreak",):
                out.append(Span(" ", bool(bold), bool(italic), link=link))
            elif kind == "hardbreak":
                out.append(Span("\n", link=link))
            elif kind == "code_inline":
                out.append(Span(tok.content, code=True, link=link))
                if link is not None:
                    link_text.append(tok.content)
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "s_open":
                strike += 1
            elif kind == "s_close":
                strike -= 1
            elif kind == "link_open":
                link = str(tok.attrs.get("href", ""))
                link_text = []
            elif kind == "link_close":
                if link is not None:
                    self.links.append(Link(link, "".join(link_text), line))
                link = None
            elif kind == "image":
                out.append(Span(f"[image: {tok.content}]", italic=True))
            else:  # html_inline and anything unexpected: shown as typed
                out.append(Span(tok.content))
        return tuple(_merge(out))

    def _text(
        self, out: list[Span], text: str, bold: bool, italic: bool, strike: bool, link: str | None, line: int
    ) -> None:
        pos = 0
        for match in CITATION_RE.finditer(text):
            if match.start() > pos:
                out.append(Span(text[pos : match.start()], bold, italic, strike=strike, link=link))
            keys = [k.strip().lstrip("@") for k in re.split(r"[;,]", match.group(1))]
            out.append(Span("("))
            for index, key in enumerate(keys):
                self.citations.append(Citation(key, line, self.current_slug))
                if index:
                    out.append(Span("; "))
                label = self.library.labels.get(key, key) if self.library else key
                target = f"{self.ref_target}#{key}" if self.ref_target else None
                out.append(Span(label, link=target, cite=key))
            out.append(Span(")"))
            pos = match.end()
        if pos < len(text):
            out.append(Span(text[pos:], bold, italic, strike=strike, link=link))

    # -- blocks ----------------------------------------------------------
    def heading(self, level: int, spans: tuple[Span, ...], line: int, slug: str | None = None) -> None:
        text = "".join(s.text for s in spans).strip()
        base = slug or slugify(text)
        slug = base
        number = 2
        while slug in self.slugs:
            slug = f"{base}-{number}"
            number += 1
        self.slugs.add(slug)
        self.current_slug = slug
        self.headings.append(Heading(level, text, slug, line))
        self.blocks.append(Block("heading", spans, line, level=level, slug=slug))

    def walk(self, tokens: list[Token]) -> None:
        lists: list[list[Any]] = []  # [ordered, next number]
        quote = 0
        pending_marker: str | None = None
        index = 0
        while index < len(tokens):
            tok = tokens[index]
            kind = tok.type
            line = self.first_line + (tok.map[0] if tok.map else 0)
            if kind == "heading_open":
                inline = tokens[index + 1]
                self.heading(int(tok.tag[1:]), self.spans(inline.children or [], line), line)
                index += 3
                continue
            if kind == "paragraph_open":
                inline = tokens[index + 1]
                spans = self.spans(inline.children or [], line)
                depth = len(lists)
                if pending_marker is not None:
                    self.blocks.append(Block("item", spans, line, depth=depth, quote=quote, marker=pending_marker))
                    pending_marker = None
                else:
                    self.blocks.append(Block("paragraph", spans, line, depth=depth, quote=quote))
                index += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(tok.attrs.get("start", 1) or 1)
                lists.append([kind == "ordered_list_open", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                ordered, number = lists[-1]
                if ordered:
                    pending_marker = f"{number}."
                    lists[-1][1] = number + 1
                else:
                    pending_marker = "•" if len(lists) % 2 else "◦"
            elif kind == "list_item_close":
                if pending_marker is not None:  # an empty item
                    self.blocks.append(Block("item", (), line, depth=len(lists), quote=quote, marker=pending_marker))
                    pending_marker = None
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind in ("fence", "code_block"):
                text = tok.content.rstrip("\n")
                self.blocks.append(Block("code", (Span(text, code=True),), line, depth=len(lists), quote=quote))
            elif kind == "hr":
                self.blocks.append(Block("rule", (), line, quote=quote))
            elif kind == "html_block":
                self.blocks.append(Block("paragraph", (Span(tok.content.rstrip("\n")),), line, quote=quote))
            elif kind == "table_open":
                index = self.table(tokens, index, line, quote)
                continue
            index += 1

    def table(self, tokens: list[Token], index: int, line: int, quote: int) -> int:
        rows: list[tuple[tuple[Span, ...], ...]] = []
        align: list[str] = []
        row: list[tuple[Span, ...]] = []
        row_line = line
        header = True
        while tokens[index].type != "table_close":
            tok = tokens[index]
            if tok.type == "tr_open":
                row = []
                row_line = self.first_line + (tok.map[0] if tok.map else 0)
            elif tok.type in ("th_open", "td_open"):
                if header:
                    style = str(tok.attrs.get("style", ""))
                    align.append(style.partition("text-align:")[2] or "left")
            elif tok.type == "inline":
                row.append(self.spans(tok.children or [], row_line))
            elif tok.type == "tr_close":
                rows.append(tuple(row))
                header = False
            index += 1
        self.blocks.append(Block("table", (), line, quote=quote, rows=tuple(rows), align=tuple(align)))
        return index + 1

    def references(self) -> None:
        """Append the generated reference list, grouped by evidence type."""
        refs = self.library.references if self.library else {}
        for evidence, label in EVIDENCE_TYPES.items():
            group = sorted(
                (r for r in refs.values() if r.evidence == evidence),
                key=lambda r: (r.authors.lower(), r.year or 0, r.key),
            )
            if not group:
                continue
            self.heading(2, (Span(label),), 0)
            for ref in group:
                label = self.library.labels.get(ref.key, ref.short) if self.library else ref.short
                self.heading(3, (Span(f"{label} ({EVIDENCE_SHORT[ref.evidence]})"),), ref.line, slug=ref.key)
                spans: list[Span] = [Span(ref.citation)]
                for label_text, url in ref.identifiers:
                    spans.append(Span(" "))
                    spans.append(Span(label_text, link=url))
                self.blocks.append(Block("paragraph", tuple(spans), ref.line))
                if ref.note:
                    self.blocks.append(Block("paragraph", (Span(ref.note, italic=True),), ref.line))


def _merge(spans: list[Span]) -> list[Span]:
    """Join neighbouring spans that look the same (fewer segments to draw)."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out:
            last = out[-1]
            if (last.bold, last.italic, last.code, last.strike, last.link, last.cite) == (
                span.bold,
                span.italic,
                span.code,
                span.strike,
                span.link,
                span.cite,
            ) and span.cite is None:
                out[-1] = Span(last.text + span.text, last.bold, last.italic, last.code, last.strike, last.link)
                continue
        out.append(span)
    return out


def parse_markdown(body: str, library: Library | None = None, first_line: int = 1, kind: str = "page") -> Document:
    """Parse a Markdown body into a Document.

    Args:
        body: the Markdown text (after front matter).
        library: used to label citations and to generate the reference list.
        first_line: the file line the body starts on, so problems name it.
        kind: the pane kind; ``references`` appends the generated list.
    """
    walker = _Walker(library, first_line)
    walker.walk(markdown_parser().parse(body))
    if kind == "references":
        walker.references()
    return Document(tuple(walker.blocks), tuple(walker.headings), tuple(walker.links), tuple(walker.citations))


def parse_pane(library: Library, meta: PaneMeta | None) -> Document:
    """Parse one pane of ``library``."""
    if meta is None:
        raise KeyError("unknown pane")
    return parse_markdown(library.body(meta.id), library, meta.body_line, meta.kind)
