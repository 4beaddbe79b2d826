"""The ``ldn-tui`` command line: argument parsing and the commands that need no
full-screen terminal (check, export, import, show, search, serve)."""

from ldn_tui.cli.run import main

__all__ = ["main"]
