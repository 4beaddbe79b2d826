"""``ldn-tui export`` and ``ldn-tui import`` (reserved; built by the export issue)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_export_commands(commands, parents: list[argparse.ArgumentParser]) -> None:
    """Register the ``export`` and ``import`` subcommands."""
    commands.add_parser("export", parents=parents, help="export bookmarks and notes (not available yet)")
    commands.add_parser("import", parents=parents, help="import a JSON export (not available yet)")


def run_export_command(args: argparse.Namespace, content: Path, data: Path) -> int:
    """Run ``export`` or ``import``."""
    print(f"ldn-tui: '{args.command}' is not available in this version yet", file=sys.stderr)
    return 2
