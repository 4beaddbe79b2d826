"""Command line: ``ldn-tui`` runs the app (``serve``: in a browser); ``check``,
``export``, ``import``, ``show`` and ``search`` work without the interface.

Textual is imported only when the app actually runs, so ``check`` and
``export`` stay fast and usable in scripts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ldn_tui import __version__, posix
from ldn_tui.paths import content_dir, data_dir

if TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``ldn-tui`` and its subcommands."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="ldn-tui",
        description=(
            "A keyboard-first guide to what is known about low dose naltrexone (LDN). Education, not medical advice."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ldn-tui {__version__}")
    parser.add_argument(
        "--where",
        action="store_true",
        help="print where your notes, the settings file (keymap) and the content are, then exit",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content directory (default: $LDN_TUI_CONTENT, else the bundled content)",
    )
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where bookmarks and notes live (default: $LDN_TUI_DATA_DIR, else the platform's data directory)",
    )
    # The same options work before and after a subcommand.
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=None,
        help="content directory (default: $LDN_TUI_CONTENT, else the bundled content)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="where bookmarks and notes live (default: $LDN_TUI_DATA_DIR, else the platform's data directory)",
    )
    parser.epilog = "Run 'ldn-tui COMMAND --help' for a command's options."
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", parents=[common, data], help="start the app (the default)")
    commands.add_parser(
        "check",
        parents=[common],
        help="validate a content directory (exit 1 and 'path:line: problem' lines when it has problems)",
    )
    from ldn_tui.cli.data import add_export_commands
    from ldn_tui.cli.reach import add_reach_commands

    add_export_commands(commands, [common, data])
    add_reach_commands(commands, common, data)
    return parser


def run_check(content: Path) -> int:
    """Print every content problem; 0 when clean, 1 otherwise."""
    from ldn_tui.content import check_directory

    problems = check_directory(content)
    # Content is not trusted to be terminal-safe: a control character in a
    # file (or its name) is shown as a symbol, never sent to the terminal.
    for problem in problems:
        print(_visible(str(problem)))
    if problems:
        print(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {_visible(str(content))}", file=sys.stderr
        )
        return 1
    print(f"{_visible(str(content))}: OK")
    return 0


def run_app(content: Path, data: Path) -> int:
    """Load the content and run the app; a content error is one clear line.

    Start-up runs with interpreter settings tuned for a quick first frame
    (:mod:`ldn_tui.startup`); the app restores them once that frame is out.
    """
    from ldn_tui import startup

    startup.begin()
    try:
        return _run_app(content, data)
    finally:
        startup.finish(collect=False)


def _run_app(content: Path, data: Path) -> int:
    from ldn_tui.content import ContentError, load_document_cache, load_library

    try:
        # The references file is only needed to parse panes; when the
        # document cache already holds every parsed pane it is read later.
        library = load_library(content, references=False)
        cached = load_document_cache(library, data)
        if not cached:
            library.load_references()
    except ContentError as error:
        print(f"ldn-tui: {_visible(error.first_line)}", file=sys.stderr)
        return 1
    missing = not_a_terminal()
    if missing:
        print(
            f"ldn-tui: needs a terminal, but {missing} is not one; for plain text, "
            "use 'ldn-tui show' or 'ldn-tui search QUERY'",
            file=sys.stderr,
        )
        return 2
    from ldn_tui.tui.app import create_app

    app = create_app(library, data, documents_cached=cached)
    app.run()  # type: ignore[no-untyped-call]
    return app.return_code or 0


def not_a_terminal() -> str | None:
    """Which standard stream is not a terminal ("standard input", ...), or None.

    The interface reads keys from standard input and draws on standard
    output. Without a terminal on both (cron, ``</dev/null``, ``| cat``)
    Textual writes escape codes into a file or pipe and waits for keys that
    never come, or draws at a made-up size; refusing at once is kinder.
    Under ``ldn-tui serve`` the streams are pipes to textual-serve, which
    names its driver in ``TEXTUAL_DRIVER``: that is a terminal of its own.
    """
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return None
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # replaced or closed stream
            return name
    return None


def _visible(text: str) -> str:
    from ldn_tui.textsafe import visible

    return visible(text, keep_newlines=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ldn-tui`` console script and ``python -m ldn_tui``."""
    if argv is None:
        argv = sys.argv[1:]
    try:
        posix.require()
    except posix.NotPosix as error:
        print(error, file=sys.stderr)
        return 2
    if not argv:
        # Plain ``ldn-tui``, the usual start: no options to parse, so the
        # app starts without importing and building the parser.
        return run_app(content_dir(None), data_dir(None))
    parser = build_parser()
    args = parser.parse_args(argv)
    content = content_dir(getattr(args, "content", None))
    data = data_dir(getattr(args, "data_dir", None))
    command = args.command or "run"
    if args.where:
        from ldn_tui.paths import config_file

        print(f"data:    {_visible(str(data))}")
        print(f"config:  {_visible(str(config_file()))}")
        print(f"content: {_visible(str(content))}")
        return 0
    if command == "check":
        return run_check(content)
    if command == "run":
        return run_app(content, data)
    if command in ("show", "search", "serve"):
        from ldn_tui.cli import reach as cli_reach

        if command == "show":
            return cli_reach.run_show(args, content)
        if command == "search":
            return cli_reach.run_search(args, content, data)
        return cli_reach.run_serve(args, content, data)
    from ldn_tui.cli.data import run_export_command

    return run_export_command(args, content, data)
