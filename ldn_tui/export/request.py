"""Export bookmarks and notes (Markdown handout, JSON, HTML, CSV, PDF
handout, CSL-JSON references) and import a JSON export back.

The app's :class:`~ldn_tui.tui.screens.export_dialog.ExportDialog` and the
``ldn-tui export`` command both build an :class:`ExportRequest` and call
:func:`write_export`; ``ldn-tui import`` calls :func:`read_export` then
:func:`import_export`. Everything that can go wrong raises
:class:`ExportError` with a one-line message for the reader, never a
traceback.

Files are written safely: to a private (0600) temporary file in the
destination's directory, ``fsync``-ed, then moved into place, so a failure
(a full disk, say) never leaves a partial export behind, and an existing
file is never replaced unless the request says ``force``.

Where the parts live: this module chooses what to export and renders it
(through :mod:`ldn_tui.export.formats`); writing files safely and the
errors are in :mod:`ldn_tui.export.files`; reading, validating and merging
a JSON export in :mod:`ldn_tui.export.importer`. Other packages use them
through :mod:`ldn_tui.export`.

No Textual imports here (a test checks it in a subprocess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ldn_tui.export.files import ExportError, _write_stdout, check_destination, write_file_atomic
from ldn_tui.export.formats import render_csv, render_html, render_json, render_markdown
from ldn_tui.export.importer import MAX_IMPORT_BYTES
from ldn_tui.export.options import FORMATS, PAPERS, SCOPES, STDOUT
from ldn_tui.notes import AppState, Bookmark, Note
from ldn_tui.outline import build_outline
from ldn_tui.textsafe import one_line

if TYPE_CHECKING:
    from ldn_tui.content import Library
    from ldn_tui.outline import Outline

#: what Excel needs at the start of a CSV to read it as UTF-8
UTF8_BOM = b"\xef\xbb\xbf"


class NothingToExport(ExportError):
    """The chosen scope holds nothing for the chosen format."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export, in which format, and where.

    ``path`` is ``Path("-")`` for standard output. ``force`` allows
    replacing an existing file.
    """

    format: str = "md"
    scope: str = "bookmarked"
    path: Path = field(default_factory=lambda: Path(default_filename("md")))
    force: bool = False
    #: PDF paper size, a key of ``PAPERS``
    paper: str = "a4"
    #: CSV for Excel: UTF-8 with a byte-order mark
    excel: bool = False


@dataclass(frozen=True)
class Selection:
    """The bookmarks and notes (and maybe app state) a scope picks."""

    scope: str
    bookmarks: tuple[Bookmark, ...]
    notes: tuple[Note, ...]
    state: AppState | None = None


def default_filename(fmt: str, today: date | None = None) -> str:
    """``ldn-notes-YYYY-MM-DD.<ext>`` for ``fmt`` (today's local date by default)."""
    day = (today or date.today()).isoformat()
    return f"ldn-notes-{day}.{FORMATS[fmt][0]}"


def select(
    scope: str,
    bookmarks: Iterable[Bookmark],
    notes: Iterable[Note],
    state: AppState | None = None,
) -> Selection:
    """Pick what ``scope`` exports.

    ``bookmarked``: every bookmark, and the notes on bookmarked headings.
    ``notes``: every note (no bookmarks). ``all``: every bookmark and note,
    plus the app state (the JSON export carries it).
    """
    bookmarks = tuple(bookmarks)
    notes = tuple(notes)
    if scope == "bookmarked":
        marked = {(b.pane_id, b.slug) for b in bookmarks}
        return Selection(scope, bookmarks, tuple(n for n in notes if (n.pane_id, n.slug) in marked))
    if scope == "notes":
        return Selection(scope, (), notes)
    if scope == "all":
        return Selection(scope, bookmarks, notes, state if state is not None else AppState())
    raise ExportError(f"unknown scope {scope!r} (one of: {', '.join(SCOPES)})")


def render_export(
    fmt: str,
    selection: Selection,
    library: Library | None,
    exported_at: datetime | None = None,
    *,
    paper: str = "a4",
    excel: bool = False,
) -> bytes:
    """The export's bytes (UTF-8; a BOM only for CSV with ``excel``).

    ``paper`` is the PDF's page size. For ``csl`` with scope ``all`` the
    whole reference list is exported, even with no bookmarks or notes.

    Raises:
        NothingToExport: the selection is empty.
        ExportError: unknown format, or a handout format without content.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    if fmt == "csl" and selection.scope == "all":
        return _render_csl(library, None)
    if not selection.bookmarks and not selection.notes:
        raise NothingToExport(_nothing_message(selection.scope))
    now = exported_at or datetime.now().astimezone()
    if fmt == "json":
        try:
            text = render_json(selection.scope, selection.bookmarks, selection.notes, selection.state, now)
        except (TypeError, ValueError, RecursionError) as error:  # app state holding something JSON cannot carry
            raise ExportError(f"cannot export the app state as JSON: {error}") from None
        data = _encode_json(text)
        if len(data) > MAX_IMPORT_BYTES:  # a backup that cannot be read back is no backup
            raise ExportError(
                f"cannot export: the JSON backup would be {len(data) / 2**20:,.0f} MiB, more than "
                f"the {MAX_IMPORT_BYTES // 2**20} MiB 'ldn-tui import' reads back; delete "
                "some long notes, or export --scope notes or bookmarked"
            )
        return data
    if library is None:
        raise ExportError(f"the {fmt} export needs the guide's content, which could not be loaded")
    outline = build_outline(library, selection.bookmarks, selection.notes)
    if fmt == "md":
        text = render_markdown(outline, now)
    elif fmt == "html":
        text = render_html(outline, now)
    elif fmt == "pdf":
        from ldn_tui.export.pdf import render_pdf

        if paper not in PAPERS:
            raise ExportError(f"unknown paper size {paper!r} (one of: {', '.join(PAPERS)})")
        return render_pdf(outline, library, now, paper)
    elif fmt == "csl":
        return _render_csl(library, outline)
    else:
        data = _encode(render_csv(outline), selection)
        return UTF8_BOM + data if excel else data
    return _encode(text, selection)


def _render_csl(library: Library | None, outline: Outline | None) -> bytes:
    """CSL-JSON of the references the outline cites (all with no outline)."""
    from ldn_tui.export.csl import render_csl

    if library is None:
        raise ExportError("the csl export needs the guide's content, which could not be loaded")
    refs = list(library.references.values()) if outline is None else list(outline.references)
    if not refs:
        raise NothingToExport("nothing to export: no sources are cited under the exported headings (try --scope all)")
    return render_csl(refs).encode("utf-8")  # the guide's own text: checked Unicode


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode_json(text: str) -> bytes:
    """The JSON text as UTF-8; a lone surrogate (which can only come from a
    damaged notes file, inside a JSON string) is written as the ``\\udXXX``
    escape it was read from, so the backup is still made (F33)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


def _encode(text: str, selection: Selection) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ExportError(f"cannot export: {_unsavable(selection)}") from None


def _unsavable(selection: Selection) -> str:
    """Which note (or bookmark) holds a lone surrogate, for the one-line error."""
    for note in selection.notes:
        for value in (note.text, note.heading):
            match = _SURROGATE.search(value)
            if match:
                return (
                    f"the note on {one_line(note.heading, 60)!r} (written {note.created[:10]}, "
                    f"id {note.id}) holds a character that is not valid Unicode "
                    f"(U+{ord(match.group()):04X} at character {match.start() + 1}); open it in "
                    "ldn-tui and delete that character, or make a JSON backup (--format json)"
                )
    for mark in selection.bookmarks:
        if _SURROGATE.search(mark.heading + mark.pane_id + mark.slug):
            return f"the bookmark on {one_line(mark.heading, 60)!r} holds a character that is not valid Unicode"
    return "a note holds text that is not valid Unicode"


def _nothing_message(scope: str) -> str:
    what = {
        "bookmarked": "no bookmarks yet (bookmark a heading, or try --scope notes or all)",
        "notes": "no notes yet",
        "all": "no bookmarks or notes yet",
    }.get(scope, "nothing in scope")
    return f"nothing to export: {what}"


def write_export(
    request: ExportRequest,
    library: Library | None,
    bookmarks: Iterable[Bookmark],
    notes: Iterable[Note],
    state: AppState | None = None,
    *,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> Path:
    """Export what ``request`` asks for and return the absolute path written.

    The single entry point for the app and the CLI. ``Path("-")`` writes to
    standard output and returns ``Path("-")``. ``library`` may be None for
    JSON (which does not need the content). ``now`` fixes the export date
    (tests use it for byte-exact golden files). ``data_dir`` is the store's
    directory: its files are never a destination (see
    :func:`~ldn_tui.export.files.check_destination`).

    Raises:
        DestinationExists: the file exists and ``request.force`` is false.
        NothingToExport: the scope holds nothing.
        ExportError: any other problem, as one line (missing directory,
            permission denied, disk full...). No partial file is left.
    """
    selection = select(request.scope, bookmarks, notes, state)
    path = Path(request.path)
    if str(path) != STDOUT:
        path = check_destination(path, request.force, data_dir)
    data = render_export(request.format, selection, library, now, paper=request.paper, excel=request.excel)
    if str(path) == STDOUT:
        _write_stdout(data)
        return path
    return write_file_atomic(path, data, request.force)
