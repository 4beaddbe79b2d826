"""Render an export: the Markdown handout, HTML, CSV and JSON.

:mod:`ldn_tui.export.request` chooses what to export and writes it safely; this
module only turns a selection of bookmarks and notes into text (the
handouts through the outline of :mod:`ldn_tui.outline`). Every piece
of text that came from the reader (notes, stored heading text, timestamps)
is treated as hostile: it is fenced in Markdown, escaped in HTML, quoted in
CSV and serialised by :mod:`json`.

No Textual imports here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import datetime
from html import escape
from typing import Any

from ldn_tui import __version__
from ldn_tui.content import Reference
from ldn_tui.notes import AppState, Bookmark, Note, as_json, note_order
from ldn_tui.outline import Outline, Section, note_dates, when

APP_NAME = "ldn-tui"
#: The JSON backup's format version: written by :func:`render_json`, checked on
#: import, and ``schema.json``'s ``schema_version`` (a test checks they agree).
#: The only place it is spelled. (The handouts and the CSV carry no version.)
BACKUP_SCHEMA_VERSION = 1
TITLE = "LDN notes and bookmarks"
DISCLAIMER = (
    "Education, not medical advice. These are a reader's own notes on the "
    "ldn-tui guide to low dose naltrexone (LDN). Bring them to your clinician "
    "and talk any change over with them before acting on it."
)
CSV_HEADER = ("kind", "pane", "heading", "note", "created", "updated")
#: A spreadsheet reads a cell starting with one of these as a formula (or,
#: for tab and carriage return, strips it and reads what follows).
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

# Characters that could start inline markup; any ASCII punctuation may be
# backslash-escaped in CommonMark, so escaping them is always safe.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<#~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BACKTICKS = re.compile(r"`+")
_NEWLINES = re.compile(r"\r\n?")


def md_inline(text: str) -> str:
    """Text safe inside a Markdown paragraph or heading: one line, no markup.

    Whitespace runs (newlines included) become one space, and every
    character that could start emphasis, code, a link, raw HTML, an entity
    or a heading's closing ``#`` run is backslash-escaped.
    """
    flat = " ".join(text.split())
    return _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", flat))


def md_note_text(text: str) -> str:
    """What a note's fenced block holds: line endings as ``\\n``, NUL as U+FFFD.

    CommonMark turns ``\\r\\n`` and ``\\r`` into ``\\n`` and NUL into U+FFFD
    whatever we do, so the export does it up front; everything else is kept.
    """
    return _NEWLINES.sub("\n", text).replace("\0", "\ufffd")


def md_fence(text: str) -> str:
    """A note as a fenced code block that nothing in the note can close.

    The fence is one backtick longer than the longest backtick run in the
    note (at least three), so no line of the note can end the block, and a
    fenced block's content is never parsed as Markdown. The content is the
    note plus one final newline, so a parser gives it back exactly.
    """
    body = md_note_text(text)
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def md_link(label: str, url: str) -> str:
    """A Markdown link, or the escaped label when the URL cannot be one."""
    if not url or any(c in url for c in "<>\n\r") or not url.startswith(("https://", "http://")):
        return md_inline(label)
    return f"[{md_inline(label)}](<{url}>)"


def md_reference(ref: Reference) -> str:
    """A full citation with its identifier links, one line of Markdown."""
    links = " · ".join(md_link(label, url) for label, url in ref.identifiers)
    return md_inline(ref.citation) + (f" {links}" if links else "")


def render_markdown(outline: Outline, exported_at: datetime) -> str:
    """The printable Markdown handout."""
    day = exported_at.date().isoformat()
    out: list[str] = [
        f"# {TITLE} — {day}",
        "",
        f"Exported from {APP_NAME} {__version__} on {day}.",
        "",
        f"> **{DISCLAIMER.split('.')[0]}.**{DISCLAIMER[DISCLAIMER.index('.') + 1 :]}",
        "",
    ]
    refs = {ref.key: ref for ref in outline.references}

    def section(sec: Section) -> None:
        out.extend([f"### {md_inline(sec.heading) or '(untitled)'}", ""])
        if sec.orphan:
            out.extend(
                [
                    f"No longer in the guide (was in: {md_inline(sec.pane_title)}).",
                    "",
                ]
            )
        else:
            out.extend([f"In the app: {md_inline(sec.place)}", ""])
        if sec.bookmark is not None:
            out.extend([f"Bookmarked {md_inline(when(sec.bookmark.created))}.", ""])
        if not sec.notes:
            out.extend(["No notes on this heading.", ""])
        for note in sec.notes:
            out.extend([f"Note, {md_inline(note_dates(note))}:", "", md_fence(note.text), ""])
        if sec.cites:
            out.extend(["Sources cited under this heading:", ""])
            for key in sec.cites:
                ref = refs.get(key)
                line = md_reference(ref) if ref else f"{md_inline(key)} (not in the reference list)"
                out.append(f"- {line}")
            out.append("")

    for group in outline.panes:
        out.extend([f"## {md_inline(group.title)}", ""])
        for sec in group.sections:
            section(sec)
    if outline.orphans:
        out.extend(
            [
                "## Other notes",
                "",
                "These headings are no longer in the guide; they are shown under the heading text saved with them.",
                "",
            ]
        )
        for sec in outline.orphans:
            section(sec)
    if outline.references:
        out.extend(["## References", ""])
        for number, ref in enumerate(outline.references, 1):
            out.append(f"{number}. {md_reference(ref)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

HTML_STYLE = """\
body { font-family: Georgia, "Times New Roman", serif; max-width: 42em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #999; margin-top: 2em; }
h3 { font-size: 1.1em; margin-bottom: 0.3em; }
.meta, .place { color: #555; font-size: 0.9em; margin: 0.2em 0; }
.disclaimer { border-left: 4px solid #999; padding: 0.3em 1em; background: #f4f4f4; }
pre.note { white-space: pre-wrap; overflow-wrap: anywhere; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.95em; border: 1px solid #ccc; padding: 0.6em 0.8em; margin: 0.3em 0 1em; background: #fafafa; }
ol.refs li, ul.cites li { margin-bottom: 0.3em; }
a { color: #1a4f8b; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  pre.note, li { break-inside: avoid; page-break-inside: avoid; }
  pre.note { background: none; }
  .disclaimer { background: none; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 0.85em; word-break: break-all; }
}
"""


def _h(text: str) -> str:
    return escape(text, quote=True)


def html_link(label: str, url: str) -> str:
    """An ``<a>`` for an http(s) URL, else the escaped label."""
    if not url.startswith(("https://", "http://")):
        return _h(label)
    return f'<a href="{_h(url)}">{_h(label)}</a>'


def html_reference(ref: Reference) -> str:
    """A full citation with its identifier links, as HTML."""
    links = " · ".join(html_link(label, url) for label, url in ref.identifiers)
    return _h(ref.citation) + (f" {links}" if links else "")


def render_html(outline: Outline, exported_at: datetime) -> str:
    """One standalone printable HTML page: inline style, no script, no fetches.

    A note goes in ``<pre class="note">`` after one newline, which HTML
    drops, so a note that starts with a blank line keeps it.
    """
    day = exported_at.date().isoformat()
    refs = {ref.key: ref for ref in outline.references}
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_h(TITLE)} — {_h(day)}</title>",
        "<style>",
        HTML_STYLE.rstrip("\n"),
        "</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(TITLE)} — {_h(day)}</h1>",
        f'<p class="meta">Exported from {_h(APP_NAME)} {_h(__version__)} on {_h(day)}.</p>',
        f'<p class="disclaimer"><strong>{_h(DISCLAIMER.split(".")[0])}.</strong>'
        f"{_h(DISCLAIMER[DISCLAIMER.index('.') + 1 :])}</p>",
    ]

    def section(sec: Section) -> None:
        out.append("<section>")
        out.append(f"<h3>{_h(sec.heading) or '(untitled)'}</h3>")
        if sec.orphan:
            out.append(f'<p class="place">No longer in the guide (was in: {_h(sec.pane_title)}).</p>')
        else:
            out.append(f'<p class="place">In the app: {_h(sec.place)}</p>')
        if sec.bookmark is not None:
            out.append(f'<p class="meta">Bookmarked {_h(when(sec.bookmark.created))}.</p>')
        if not sec.notes:
            out.append('<p class="meta">No notes on this heading.</p>')
        for note in sec.notes:
            out.append(f'<p class="meta">Note, {_h(note_dates(note))}:</p>')
            out.append(f'<pre class="note">\n{_h(note.text)}</pre>')
        if sec.cites:
            out.append('<p class="meta">Sources cited under this heading:</p>')
            out.append('<ul class="cites">')
            for key in sec.cites:
                ref = refs.get(key)
                item = html_reference(ref) if ref else f"{_h(key)} (not in the reference list)"
                out.append(f"<li>{item}</li>")
            out.append("</ul>")
        out.append("</section>")

    for group in outline.panes:
        out.append(f"<h2>{_h(group.title)}</h2>")
        for sec in group.sections:
            section(sec)
    if outline.orphans:
        out.append("<h2>Other notes</h2>")
        out.append(
            '<p class="meta">These headings are no longer in the guide; they are shown '
            "under the heading text saved with them.</p>"
        )
        for sec in outline.orphans:
            section(sec)
    if outline.references:
        out.append("<h2>References</h2>")
        out.append('<ol class="refs">')
        for ref in outline.references:
            out.append(f"<li>{html_reference(ref)}</li>")
        out.append("</ol>")
    out.extend(["</body>", "</html>"])
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def csv_cell(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a leading ``'`` when it starts
    like a formula.

    A note brought in by ``import`` may hold ``=HYPERLINK(...)`` or
    ``+cmd|...``; Excel, LibreOffice and Google Sheets would evaluate it.
    The usual guard (OWASP's "CSV injection" advice) is a single quote in
    front of any cell starting with ``= + - @``, tab or carriage return:
    spreadsheets show the text as typed and hide the quote. The CSV is for
    reading; the JSON backup keeps every note byte for byte.
    """
    return f"'{text}" if text.startswith(CSV_FORMULA_START) else text


def render_csv(outline: Outline) -> str:
    """One row per bookmark and per note, in handout order.

    Columns: kind (``bookmark`` or ``note``), pane, heading, note, created,
    updated; a bookmark row has no note text and no ``updated``. RFC 4180:
    every field quoted only when it needs to be, rows end with CRLF, a
    note's own line breaks stay inside its quoted field. Every cell passes
    through :func:`csv_cell`, so nothing is read as a spreadsheet formula.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def row(*cells: str) -> None:
        writer.writerow(tuple(csv_cell(cell) for cell in cells))

    for sec in outline.sections:
        heading = " › ".join((*sec.trail, sec.heading))
        if sec.bookmark is not None:
            row("bookmark", sec.pane_title, heading, "", sec.bookmark.created, "")
        for note in sec.notes:
            row("note", sec.pane_title, heading, note.text, note.created, note.updated)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def render_json(
    scope: str,
    bookmarks: Iterable[Bookmark],
    notes: Iterable[Note],
    state: AppState | None,
    exported_at: datetime,
) -> str:
    """The lossless, versioned JSON export (see ``schema.json``).

    Bookmarks and notes are sorted (by creation time, then place or id) so
    the same store always exports to the same bytes. Each record is written
    field by field as :func:`ldn_tui.notes.as_json` spells it.
    """
    data: dict[str, Any] = {
        "schema_version": BACKUP_SCHEMA_VERSION,
        "app": {"name": APP_NAME, "version": __version__},
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "scope": scope,
        "bookmarks": [as_json(b) for b in sorted(bookmarks, key=lambda b: (b.created, b.pane_id, b.slug))],
        "notes": [as_json(n) for n in sorted(notes, key=note_order)],
    }
    if state is not None:
        data["state"] = as_json(state)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
