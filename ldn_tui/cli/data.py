"""``ldn-tui export`` and ``ldn-tui import``.

``export`` writes the reader's bookmarks and notes as a Markdown handout
(default), PDF handout, JSON backup, printable HTML page, CSV (``--excel``
adds the byte-order mark Excel needs) or the cited references as CSL-JSON; ``import`` merges a JSON
export back into the store. Both print one clear line on standard error and
exit 1 when something is wrong, and never leave a partial file behind.

No Textual imports here: both commands run without the interface.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldn_tui.export import FORMATS, PAPERS, SCOPES, STDOUT

if TYPE_CHECKING:
    from ldn_tui.notes import AppState, Store

PROG = "ldn-tui"


def add_export_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]
) -> None:
    """Register the ``export`` and ``import`` subcommands."""
    export = commands.add_parser(
        "export",
        parents=parents,
        help="export bookmarks and notes (Markdown or PDF handout, JSON, HTML, CSV or CSL-JSON references)",
        description=(
            "Export your bookmarks and notes: a Markdown handout to bring to a clinician "
            "(default), a print-ready PDF handout, a JSON backup that 'ldn-tui import' reads "
            "back, a printable HTML page, a CSV file for a spreadsheet, or the cited "
            "references as CSL-JSON for a reference manager."
        ),
    )
    export.add_argument(
        "--format",
        "-f",
        choices=list(FORMATS),
        default="md",
        help="md (default), json, html, csv, pdf (a print-ready handout) or csl "
        "(the cited references as CSL-JSON, for Zotero)",
    )
    export.add_argument(
        "--scope",
        "-s",
        choices=list(SCOPES),
        default="bookmarked",
        help="bookmarked: bookmarked headings and their notes (default); notes: all notes; "
        "all: everything, plus the app state in JSON (for csl: every reference in the guide)",
    )
    export.add_argument(
        "--output",
        "-o",
        metavar="FILE|-",
        default=None,
        help="where to write ('-' for standard output; default: ldn-notes-YYYY-MM-DD.<ext> here)",
    )
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument(
        "--paper",
        choices=list(PAPERS),
        default=None,
        help="PDF page size: a4 or letter (default: the size used last, else a4; remembered)",
    )
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Microsoft Excel: UTF-8 with a byte-order mark, so accents and symbols show right",
    )

    restore = commands.add_parser(
        "import",
        parents=parents,
        help="merge a JSON export into your bookmarks and notes",
        description=(
            "Merge a JSON export (from 'ldn-tui export --format json') into your bookmarks "
            "and notes. Nothing is duplicated: a note already there is kept unless the "
            "file's copy was edited later. Prints what was added, updated and skipped."
        ),
    )
    restore.add_argument("file", metavar="FILE.json", help="a JSON export")
    restore.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")


def run_export_command(args: argparse.Namespace, content: Path, data: Path) -> int:
    """Run ``export`` or ``import``; 0 on success, 1 with one line on stderr."""
    from ldn_tui.export import ExportError

    try:
        if args.command == "import":
            return run_import(Path(args.file), data, dry_run=args.dry_run)
        return run_export(args, content, data)
    except ExportError as error:
        return _fail(str(error))


def _fail(message: str) -> int:
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)
    return 1


def one_line(message: str) -> str:
    """``message`` as one terminal-safe line: a file name holding a newline
    or an escape sequence shows it as visible symbols (``⏎``, ``␛``)."""
    from ldn_tui.textsafe import visible

    return visible(message, keep_newlines=False)


def _open_store(data: Path, shown_as: Path | None = None) -> Store:
    from ldn_tui.notes import Store

    store = Store.open(data, shown_as=shown_as)
    if store.warning:
        print(f"{PROG}: warning: {one_line(store.warning)}", file=sys.stderr)
    return store


def run_export(args: argparse.Namespace, content: Path, data: Path) -> int:
    """``ldn-tui export``: read the store, render, write safely."""
    from ldn_tui.content import ContentError, load_library
    from ldn_tui.export import ExportRequest, default_filename, write_export
    from ldn_tui.notes import StoreError

    output = args.output if args.output is not None else default_filename(args.format)
    request = ExportRequest(
        format=args.format,
        scope=args.scope,
        path=Path(output),
        force=args.force,
        paper=args.paper or "a4",
        excel=args.excel,
    )
    if output != STDOUT:
        # Refuse a bad destination before touching the store or the content.
        from ldn_tui.export import check_destination

        check_destination(request.path, request.force, data)
    store = _open_store(data)
    try:
        bookmarks, notes, state = store.snapshot()
        if args.format == "pdf":
            request = replace(request, paper=remembered_paper(store, args.paper, state))
    except StoreError as error:
        return _fail(f"cannot read your notes: {error}")
    finally:
        store.close()
    library = None
    if args.format != "json":  # the JSON backup does not need the content
        try:
            library = load_library(content)
        except ContentError as error:
            return _fail(error.first_line)
    path = write_export(request, library, bookmarks, notes, state, data_dir=data)
    if output != STDOUT:
        print(f"exported to {one_line(str(path))}")
    return 0


def remembered_paper(store: Store, chosen: str | None, state: AppState) -> str:
    """The PDF paper size: ``chosen`` (and remember it), else the one
    remembered in the app state (``paper``), else A4.

    Remembering is best effort: a store opened read-only, or a failed
    write, never stops the export.
    """
    saved = state.extra.get("paper") if state is not None else None
    if chosen is None:
        return saved if saved in PAPERS else "a4"
    if chosen != saved and not store.read_only:
        try:
            store.set_state(paper=chosen)
        except Exception:  # noqa: BLE001 - the export matters more than the memory
            pass
    return chosen


def run_import(file: Path, data: Path, dry_run: bool = False) -> int:
    """``ldn-tui import``: validate the whole file first, then merge.

    A dry run merges into a throw-away copy of the notes file, so it reports
    exactly what the store would do, and the real file is never opened for
    writing.
    """
    from ldn_tui.export import read_export
    from ldn_tui.notes import DB_NAME

    export = read_export(file)  # raises before anything is opened
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="ldn-tui-import-") as scratch:
            source = data / DB_NAME
            if source.exists():
                try:
                    shutil.copyfile(source, Path(scratch) / DB_NAME)
                except OSError as error:
                    return _fail(f"cannot read your notes file {source}: {error.strerror or error}")
            return _merge(Path(scratch), export, dry_run=True, shown_as=data)
    return _merge(data, export, dry_run=False)


def _merge(data: Path, export: Any, dry_run: bool, shown_as: Path | None = None) -> int:
    from ldn_tui.export import import_export
    from ldn_tui.notes import StoreError

    store = _open_store(data, shown_as)  # a dry run names the reader's file, not the copy
    try:
        if store.read_only:
            return _fail("cannot import: your notes cannot be changed in this session (see the warning above)")
        try:
            report = import_export(store, export, dry_run=dry_run)
        except (StoreError, ValueError, TypeError) as error:
            # Notes and bookmarks merge in one write (all or nothing); only
            # the app state, merged after them, can be left behind.
            return _fail(f"import failed ({error}); run it again: nothing is duplicated")
    finally:
        store.close()
    for line in report.lines():
        print(line)
    return 0
