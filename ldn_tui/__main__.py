"""``python -m ldn_tui``: the same as the ``ldn-tui`` command."""

from ldn_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
