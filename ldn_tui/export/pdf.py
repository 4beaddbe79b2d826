"""The PDF handout: print-ready, large type, one idea per line.

:func:`render_pdf` turns the handout outline of
:mod:`ldn_tui.outline` (the same outline the Markdown, HTML and CSV
exports use) into a PDF with `fpdf2 <https://py-pdf.github.io/fpdf2/>`_.
The reader has brain fog and hands this to a clinician, so the layout is
plain: 12.5 pt body text with 1.5 line spacing, one sentence or item per
line, the reader's own notes first and set apart in shaded boxes, then the
bookmarked headings by pane in reading order (each with its key points and
the sources cited under it), then the numbered reference list with
DOI/PMID/registry links. Every page has its number and the footer
"Education, not medical advice".

The font is DejaVu Sans, shipped in ``ldn_tui/export/fonts`` with its licence
(Bitstream Vera licence): it covers accents, Greek (β in "6β-naltrexol"),
✓, arrows and many symbols. Reader text is printed literally through
:func:`printable`: control characters (ANSI/OSC escapes included) and bidi
overrides are shown as visible names such as ``⟨ESC⟩`` and ``⟨RLO⟩``, and a
character the font has no glyph for (CJK, most emoji) as its code point
``⟨U+4E2D⟩``, never as an invisible box. A very long note is cut at
:data:`NOTE_LIMIT` characters or :data:`NOTE_LINES` lines, with a line saying so (the Markdown and JSON
exports keep it whole): a handout of hundreds of pages helps no one, and
laying out a megabyte would take many seconds.

No Textual imports here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldn_tui import __version__
from ldn_tui.outline import Outline, Section, note_dates, when
from ldn_tui.textsafe import visible

if TYPE_CHECKING:
    from fpdf import FPDF

    from ldn_tui.content import Library, Reference
    from ldn_tui.notes import Note

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT = "DejaVu"

#: paper key -> fpdf2 page format
PAPER_FORMATS = {"a4": "A4", "letter": "Letter"}
#: a note longer than this is cut, with a line saying how much is left out
NOTE_LIMIT = 20_000
#: ... or has more lines than this
NOTE_LINES = 300
#: at most this many key-point lines under one heading
KEY_POINT_LINES = 5

TITLE = "LDN notes and bookmarks"
FOOTER = "Education, not medical advice"
DISCLAIMER_LEAD = "Education, not medical advice."
DISCLAIMER_LINES = (
    "These are a reader's own notes on the ldn-tui guide to low dose naltrexone (LDN).",
    "Please talk any change over with your clinician before acting on it.",
)

# Sizes in points; line heights in millimetres (1 pt = 0.3528 mm, 1.5 spacing).
BODY = 12.5
SMALL = 11
_PT = 0.3528


def _line(size: float) -> float:
    return size * _PT * 1.5


# --------------------------------------------------------------------------
# Reader text, printed literally
# --------------------------------------------------------------------------

_C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
#: textsafe's control pictures (␛) -> names (⟨ESC⟩): DejaVu Sans has no
#: glyphs for the Control Pictures block, and a name reads better in print.
_PICTURES = {0x2400 + code: f"⟨{name}⟩" for code, name in enumerate(_C0_NAMES)}
_PICTURES[0x2421] = "⟨DEL⟩"
_TABLE = _PICTURES
_NEWLINES = re.compile(r"\r\n?")


@lru_cache(maxsize=1)
def _font_cmap() -> frozenset[int]:
    """The code points DejaVu Sans has glyphs for (read once)."""
    from fontTools.ttLib import TTFont

    with TTFont(FONT_REGULAR, lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """``text`` as the PDF prints it: literally, but every character visible.

    Line breaks are kept (``\\r\\n`` and ``\\r`` become ``\\n``); tabs become
    spaces and control characters names (``⟨ESC⟩``) through
    :func:`ldn_tui.textsafe.visible`, which also names bidi controls and
    invisible format characters (``⟨RLO⟩``, ``⟨ZWSP⟩``); a character the
    font lacks becomes ``⟨U+XXXX⟩``. Markup such as ``[bold]`` or ``**x**`` is plain text here: nothing is parsed.
    """
    out = visible(_NEWLINES.sub("\n", text)).translate(_TABLE)
    cmap = _font_cmap()
    missing = {
        ch: f"⟨U+{ord(ch):04X}⟩"
        for ch in set(out)
        if ch != "\n" and ord(ch) not in cmap and unicodedata.category(ch) != "Mn"
    }
    # Combining marks the font lacks are dropped by fpdf2 silently; show them too.
    missing.update(
        {ch: f"⟨U+{ord(ch):04X}⟩" for ch in set(out) if unicodedata.category(ch) == "Mn" and ord(ch) not in cmap}
    )
    if missing:
        out = out.translate({ord(ch): name for ch, name in missing.items()})
    return out


def cut_note(text: str, limit: int = NOTE_LIMIT, lines: int = NOTE_LINES) -> tuple[str, int]:
    """``(text to print, characters left out)`` for a note: at most
    ``limit`` characters and ``lines`` lines (20,000 empty lines would
    otherwise fill 500 pages)."""
    cut = min(len(text), limit)
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1, cut)
        if end < 0:
            break
    else:
        cut = end
    return text[:cut], len(text) - cut


# --------------------------------------------------------------------------
# Key points under a heading
# --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z0-9])")


def key_points(library: Library, section: Section, limit: int = KEY_POINT_LINES) -> list[str]:
    """The first lines of text under ``section``'s heading, one idea per line.

    Paragraphs are split into sentences and list items kept whole, up to
    ``limit`` lines, so the clinician sees what the heading says without the
    whole pane. Tables and code are left out (they do not fit one line).
    """
    if section.orphan:
        return []
    try:
        blocks = library.document(section.pane_id).blocks
    except Exception:  # noqa: BLE001 - content problems never stop an export
        return []
    lines: list[str] = []
    inside = False
    for block in blocks:
        if block.kind == "heading":
            if inside:
                break
            inside = block.slug == section.slug
            continue
        if not inside or block.kind not in ("paragraph", "item", "quote"):
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        parts = [text] if block.kind == "item" else _SENTENCE_END.split(text)
        for part in parts:
            lines.append(part)
            if len(lines) >= limit:
                return lines
    return lines


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


def _pdf_class() -> Any:
    from fpdf import FPDF

    class Handout(FPDF):
        """An FPDF with the handout's footer on every page."""

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(FONT, "", SMALL)
            self.set_text_color(60, 60, 60)
            self.cell(0, 6, f"{FOOTER}  ·  page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    return Handout


_TOKENS = re.compile(r" +|[^ ]+")


class _Writer:
    """Lays the handout out, one block at a time.

    Lines are broken here, not by ``FPDF.multi_cell``: fpdf2 2.8 measures
    the growing line again for every character it adds, which is quadratic
    in the length of a paragraph (a 20,000-character note took seconds).
    Here each character is measured once, from the font's width table, and
    every finished line goes out as one ``cell``.
    """

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """``text`` broken into lines at most ``width`` mm wide in ``size`` pt.

        Breaks at spaces; a word longer than a line is cut between
        characters. Line breaks in the text are kept, and so are runs of
        spaces inside a line (a note is printed as typed).
        """
        cw: Any = self.pdf.current_font.cw  # type: ignore[union-attr]  # a font is always set by now
        scale = size * 0.001 / self.pdf.k
        cache: dict[str, float] = {}

        def measure(token: str) -> float:
            width = cache.get(token)
            if width is None:
                width = cache[token] = sum(cw[ord(c)] for c in token) * scale
            return width

        lines: list[str] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for token in _TOKENS.findall(paragraph):
                tw = measure(token) if len(token) < 64 else sum(cw[ord(c)] for c in token) * scale
                if used + tw <= width or not token.strip() and not line:
                    line.append(token)
                    used += tw
                    continue
                if not token.strip():  # spaces at a break are dropped
                    lines.append("".join(line).rstrip(" "))
                    line, used = [], 0.0
                    continue
                if line:
                    lines.append("".join(line).rstrip(" "))
                    line, used = [], 0.0
                if tw <= width:
                    line, used = [token], tw
                    continue
                piece: list[str] = []
                for ch in token:  # a word wider than the page: cut it
                    chw = cw[ord(ch)] * scale
                    if used + chw > width and piece:
                        lines.append("".join(piece))
                        piece, used = [], 0.0
                    piece.append(ch)
                    used += chw
                line = ["".join(piece)]
            lines.append("".join(line).rstrip(" ") if line else "")
        return lines

    def row(self, x: float, width: float, height: float, line: str, fill: bool = False, pad: float = 0) -> None:
        """One line of text at ``x``, a new page first when it does not fit."""
        pdf = self.pdf
        if pdf.y + height > pdf.page_break_trigger:
            pdf.add_page()
        if fill:
            pdf.rect(x, pdf.y, width, height, style="F")
        if line:
            # the baseline FPDF.cell uses: half the line, then 0.3 of the font size
            pdf.text(x + pad, pdf.y + 0.5 * height + 0.3 * pdf.font_size, line)
        pdf.y += height

    def text(
        self,
        text: str,
        size: float = BODY,
        bold: bool = False,
        indent: float = 0,
        fill: bool = False,
        color: tuple[int, int, int] | None = None,
    ) -> None:
        """A paragraph of (already printable) text, wrapped to the margins.

        ``fill`` sets it apart in a shaded box (the reader's notes).
        """
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        if color:
            pdf.set_text_color(*color)
        pad = 3 if fill else 0
        x = pdf.l_margin + indent
        width = pdf.w - pdf.r_margin - x
        height = _line(size)
        if fill:
            self.row(x, width, 1.5, "", fill=True)
        for line in self.wrap(text, size, width - 2 * pad):
            self.row(x, width, height, line, fill=fill, pad=pad)
        if fill:
            self.row(x, width, 1.5, "", fill=True)
        pdf.x = pdf.l_margin
        if color:
            pdf.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float, space_before: float = 6, keep: float = 40) -> None:
        """A bold heading that never sits alone at the bottom of a page."""
        pdf = self.pdf
        if pdf.get_y() + keep > pdf.page_break_trigger:
            pdf.add_page()
        else:
            self.gap(space_before)
        self.text(text, size=size, bold=True)
        self.gap(1.5)

    def bullet(self, text: str, size: float = BODY, indent: float = 4) -> None:
        """A list line: a bullet, then the text hanging after it."""
        pdf = self.pdf
        pdf.set_font(FONT, "", size)
        x = pdf.l_margin + indent
        hang = 6
        height = _line(size)
        for index, line in enumerate(self.wrap(text, size, pdf.w - pdf.r_margin - x - hang)):
            if index == 0:
                if pdf.y + height > pdf.page_break_trigger:
                    pdf.add_page()
                pdf.text(x, pdf.y + 0.5 * height + 0.3 * pdf.font_size, "•")
            self.row(x + hang, 0, height, line)
        pdf.x = pdf.l_margin

    def link_line(self, label: str, shown: str, url: str, indent: float = 10) -> None:
        """``label: shown``, wrapped, and a link to ``url`` over it when it is
        an http(s) address (a clinician can click it in a PDF viewer)."""
        pdf = self.pdf
        pdf.set_font(FONT, "", SMALL)
        x = pdf.l_margin + indent
        width = pdf.w - pdf.r_margin - x
        height = _line(SMALL)
        linked = url.startswith(("https://", "http://"))
        if linked:
            pdf.set_text_color(26, 79, 139)
        for line in self.wrap(f"{label}: {shown}", SMALL, width):
            if pdf.y + height > pdf.page_break_trigger:
                pdf.add_page()
            if linked:
                pdf.link(x, pdf.y, pdf.get_string_width(line), height, url)
            self.row(x, width, height, line)
        pdf.set_text_color(0, 0, 0)
        pdf.x = pdf.l_margin


def _identifier_lines(ref: Reference) -> list[tuple[str, str, str]]:
    """``(label, shown, url)`` for each identifier of a reference."""
    out = []
    if ref.doi:
        out.append(("DOI", ref.doi, f"https://doi.org/{ref.doi}"))
    if ref.pmid:
        out.append(("PubMed", f"PMID {ref.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"))
    if ref.registry:
        from ldn_tui.content import registry_url

        out.append(("Trial registry", ref.registry, registry_url(ref.registry)))
    if ref.url:
        out.append(("Web", ref.url, ref.url))
    return out


def render_pdf(outline: Outline, library: Library, exported_at: datetime, paper: str = "a4") -> bytes:
    """The PDF handout's bytes, on ``paper`` (``a4`` or ``letter``)."""
    pdf = _pdf_class()(format=PAPER_FORMATS.get(paper, "A4"), unit="mm")
    pdf.set_title(TITLE)
    pdf.set_author("ldn-tui reader")
    pdf.set_creator(f"ldn-tui {__version__}")
    pdf.set_creation_date(exported_at)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_fill_color(238, 238, 238)
    pdf.add_page()
    w = _Writer(pdf)
    day = exported_at.date().isoformat()
    numbers = {ref.key: n for n, ref in enumerate(outline.references, 1)}
    notes: list[tuple[Section, Note]] = [(sec, note) for sec in outline.sections for note in sec.notes]
    note_numbers = {note.id: n for n, (_, note) in enumerate(notes, 1)}

    # -- title, date, disclaimer, contents ----------------------------------------
    w.text(TITLE, size=22, bold=True)
    w.gap(1)
    w.text(f"Made on {day} with ldn-tui {__version__}", size=BODY)
    w.gap(4)
    w.text(DISCLAIMER_LEAD, size=BODY, bold=True, fill=True)
    for line in DISCLAIMER_LINES:
        w.text(line, fill=True)
    w.gap(4)
    w.text("In this handout:", bold=True)
    w.bullet(f"1. My questions and notes ({len(notes)})")
    w.bullet(f"2. What I bookmarked in the guide ({sum(1 for _ in outline.sections)} headings)")
    w.bullet(f"3. References ({len(outline.references)})")

    # -- 1. the reader's notes, set apart -------------------------------------------
    w.heading("1. My questions and notes", 18, space_before=8)
    if not notes:
        w.text("No notes in this handout.")
    for sec, note in notes:
        n = note_numbers[note.id]
        w.heading(f"Note {n}", 14, space_before=5, keep=30)
        w.text(f"About: {printable(_place(sec))}", size=SMALL, color=(60, 60, 60))
        w.text(printable(note_dates(note).capitalize()), size=SMALL, color=(60, 60, 60))
        w.gap(1.5)
        body, left_out = cut_note(note.text)
        w.text(printable(body) if body.strip() else "(empty note)", fill=True)
        if left_out:
            w.text(
                f"… {left_out:,} more characters are not printed here. "
                "The Markdown and JSON exports hold the whole note.",
                size=SMALL,
                bold=True,
            )

    # -- 2. bookmarked headings by pane, reading order ---------------------------
    pdf.add_page()
    w.text("2. What I bookmarked in the guide", size=18, bold=True)
    w.gap(1.5)
    w.text("Each heading, what it says in short, and the sources cited under it.", size=SMALL)

    def section(sec: Section) -> None:
        w.heading(printable(sec.heading) or "(untitled)", 14, space_before=5, keep=35)
        if sec.orphan:
            w.text(f"No longer in the guide (was in: {printable(sec.pane_title)}).", size=SMALL, color=(60, 60, 60))
        else:
            w.text(f"In the guide: {printable(_place(sec))}", size=SMALL, color=(60, 60, 60))
        if sec.bookmark is not None:
            w.text(f"Bookmarked {printable(when(sec.bookmark.created))}.", size=SMALL, color=(60, 60, 60))
        points = key_points(library, sec)
        if points:
            w.gap(1.5)
            w.text("Key points:", bold=True)
            for line in points:
                w.bullet(printable(line))
        if sec.notes:
            w.gap(1.5)
            refs = ", ".join(f"Note {note_numbers[n.id]}" for n in sec.notes)
            w.text(f"My notes on this: {refs} (part 1).", bold=True)
        if sec.cites:
            w.gap(1.5)
            w.text("Sources cited under this heading:", bold=True)
            for key in sec.cites:
                ref = library.references.get(key) if key in numbers else None
                if ref is None:
                    w.bullet(f"{printable(key)} (not in the reference list)")
                else:
                    w.bullet(f"[{numbers[key]}] {printable(ref.short)}: {printable(ref.title)}")

    for group in outline.panes:
        w.heading(printable(group.title), 17, space_before=9, keep=50)
        pane = library.pane(group.pane_id)
        if pane is not None and pane.summary:
            w.text(printable(pane.summary), size=SMALL, color=(60, 60, 60))
        for sec in group.sections:
            section(sec)
    if outline.orphans:
        w.heading("Other notes", 17, space_before=9, keep=50)
        w.text("These headings are no longer in the guide; they show the heading text saved with them.", size=SMALL)
        for sec in outline.orphans:
            section(sec)

    # -- 3. references ---------------------------------------------------------
    w.heading("3. References", 18, space_before=10, keep=50)
    if not outline.references:
        w.text("No sources are cited under these headings.")
    for ref in outline.references:
        w.heading(f"[{numbers[ref.key]}] {printable(ref.short)}", BODY, space_before=3, keep=25)
        w.text(printable(ref.citation), size=SMALL, indent=10)
        for label, shown, url in _identifier_lines(ref):
            w.link_line(label, printable(shown), url)
    if outline.missing:
        w.gap(3)
        w.text("Cited but not in the reference list: " + ", ".join(printable(k) for k in outline.missing), size=SMALL)
    return bytes(pdf.output())


def _place(sec: Section) -> str:
    """Where the heading is in the guide, for print (no key hints)."""
    return " › ".join((sec.pane_title, *sec.trail, sec.heading))
