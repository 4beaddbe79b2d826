"""``ldn-tui show``, ``ldn-tui search`` and ``ldn-tui serve``: other ways in.

``show`` and ``search`` print plain text (no escape codes, ever) for screen
readers, pipes, ``less`` and printing; ``serve`` runs the full app in a web
browser through textual-serve (the optional ``ldn-tui[web]`` extra).

No Textual imports here: ``show`` and ``search`` run without the interface.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ldn_tui.content import Library
    from ldn_tui.notes import Note

PROG = "ldn-tui"


def add_reach_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    data: argparse.ArgumentParser,
) -> None:
    """Register ``show``, ``search`` and ``serve``."""
    from ldn_tui.content import DEFAULT_WIDTH, FORMATS, MIN_WIDTH

    show = commands.add_parser(
        "show",
        parents=[common],
        help="print panes as plain text (for screen readers, pipes and printing)",
        description=(
            "Print panes as plain wrapped text: headings, bullets, tables as labelled "
            "records (Study: ... / Design: ...), citations as (Bruun 2024) with the "
            "reference list at the end. No colours or escape codes. With no PANE, list "
            "the panes with their ids and keys."
        ),
        epilog="Examples: 'ldn-tui show studies', 'ldn-tui show 3 4 | less', "
        "'ldn-tui show overview --width 60 > overview.txt'.",
    )
    show.add_argument("panes", nargs="*", metavar="PANE", help="a pane id (studies) or key (3)")
    show.add_argument(
        "--width",
        "-w",
        type=int,
        metavar="N",
        default=None,
        help=f"line length (default: the terminal's width, at most {DEFAULT_WIDTH}; at least {MIN_WIDTH})",
    )
    show.add_argument(
        "--format",
        "-f",
        choices=list(FORMATS),
        default="text",
        help="text (default) or md (Markdown, for other tools)",
    )

    search = commands.add_parser(
        "search",
        parents=[common, data],
        help="search the guide and your notes, print the hits as plain text",
        description=(
            "Search the guide, the glossary, the references and your notes with the app's "
            "search (typos forgiven). Each hit is printed as 'pane › heading' and a "
            "snippet. Exit 1 when nothing matches. Your notes are only read."
        ),
        epilog="Example: ldn-tui search 'side effects' --limit 5",
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
    search.add_argument("--limit", "-n", type=int, default=10, metavar="N", help="at most N hits (default 10)")

    serve = commands.add_parser(
        "serve",
        parents=[common, data],
        help="serve the app to a web browser (needs 'pip install ldn-tui[web]')",
        description=(
            "Run the full app in a web browser with textual-serve. It listens on this "
            "computer only (127.0.0.1) unless you give --host. Anyone who can open the "
            "address can read and change your notes. Exports are downloaded by the browser. "
            "Stop with Ctrl+C."
        ),
        epilog="Example: ldn-tui serve --port 8000, then open http://127.0.0.1:8000",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; "
        "0.0.0.0 lets everyone on your network read and change your notes)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def _fail(message: str, code: int = 1) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def _out(text: str) -> None:
    """Write to stdout; characters the output encoding lacks become '?'."""
    stream = sys.stdout
    try:
        stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:  # `| head`: the reader has seen enough
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except OSError:
            pass


def _library(content: Path) -> Library:
    from ldn_tui.content import load_library

    return load_library(content)


def default_width() -> int:
    """The terminal's width, at most :data:`~ldn_tui.content.plain_text.DEFAULT_WIDTH`
    (76 when stdout is not a terminal)."""
    from ldn_tui.content import DEFAULT_WIDTH, MIN_WIDTH

    columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(DEFAULT_WIDTH, columns))


def run_show(args: argparse.Namespace, content: Path) -> int:
    """``ldn-tui show``: 0; 1 for broken content; 2 for an unknown pane or bad width."""
    from ldn_tui.content import MIN_WIDTH, ContentError, UnknownPane, list_panes, render, resolve

    width = args.width if args.width is not None else default_width()
    if width < MIN_WIDTH:
        return _fail(f"--width {args.width} is too narrow: give {MIN_WIDTH} or more", 2)
    try:
        library = _library(content)
        if not args.panes:
            _out(list_panes(library, width))
            return 0
        panes = resolve(library, args.panes)
        text = render(library, panes, width, args.format)
    except UnknownPane as error:
        return _fail(str(error), 2)
    except ContentError as error:
        return _fail(error.first_line)
    _out(text)
    return 0


def run_search(args: argparse.Namespace, content: Path, data: Path) -> int:
    """``ldn-tui search``: hits on stdout (0), or a 'Did you mean' line (1)."""
    from ldn_tui.content import ContentError, search_hits, search_misses

    query = " ".join(args.query)
    if args.limit < 1:
        return _fail("--limit must be 1 or more", 2)
    try:
        library = _library(content)
    except ContentError as error:
        return _fail(error.first_line)
    notes, warning = _read_notes(data)
    if warning:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    from ldn_tui.search import build_index

    index = build_index(library)
    index.set_user_data(notes)
    results = index.search(query, limit=args.limit)
    if not results:
        _out(search_misses(query, index.suggest(query)))
        return 1
    _out(search_hits(results, default_width()))
    return 0


def _read_notes(data: Path) -> tuple[list[Note], str | None]:
    """The reader's notes, read only: no store file means no notes (nothing
    is created). Returns ``(notes, warning or None)``."""
    from ldn_tui.notes import DB_NAME, Store, StoreError

    if not (data / DB_NAME).is_file():
        return [], None
    store = Store.open(data)
    try:
        return store.notes(), store.warning
    except StoreError as error:
        return [], f"your notes were not searched: {error}"
    finally:
        store.close()


def serve_command(content: Path, data: Path) -> str:
    """The command textual-serve runs for each browser session: this same
    ldn-tui, with the content and data directories fixed."""
    return shlex.join([sys.executable, "-m", "ldn_tui", "--content", str(content), "--data-dir", str(data), "run"])


def _is_loopback(host: str) -> bool:
    """True when ``host`` is this computer only (``localhost``, 127.x, ``::1``)."""
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace, content: Path, data: Path) -> int:
    """``ldn-tui serve``: run textual-serve until Ctrl+C."""
    try:
        import textual_serve.server  # noqa: F401  (the optional [web] extra)
    except ImportError:
        return _fail("'serve' needs textual-serve: install it with  pip install 'ldn-tui[web]'")
    from ldn_tui.cli.web_server import ReaderServer, describe, listen_problem, quiet_closed_loop_noise
    from ldn_tui.content import ContentError

    try:
        _library(content)  # refuse broken content here, not in every browser tab
    except ContentError as error:
        return _fail(error.first_line)
    if not 0 < args.port < 65536:
        return _fail(f"--port {args.port} is not a port (1-65535)", 2)
    host = args.host
    problem = listen_problem(host, args.port)
    if problem:
        return _fail(problem)
    shown = f"[{host}]" if ":" in host else host
    if not _is_loopback(host):
        print(
            f"{PROG}: WARNING: listening on {host}: everyone who can reach this computer on "
            f"the network can open the guide AND read and change your notes ({data}). "
            "There is no password. Use --host 127.0.0.1 to keep it to this computer.",
            file=sys.stderr,
        )
    url_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else shown
    print(f"Serving ldn-tui on http://{url_host}:{args.port} (Ctrl+C to stop)", flush=True)
    quiet_closed_loop_noise()
    server = ReaderServer(serve_command(content, data), host=host, port=args.port, title="ldn-tui")
    try:
        server.serve()
    except OSError as error:  # lost a race for the port since the check above
        return _fail(describe(error, host, args.port))
    return 0
