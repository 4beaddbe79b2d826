"""SVG snapshots of the reader on the fixture content (pytest-textual-snapshot).

Update with ``pytest tests/snapshots/test_snapshots.py --snapshot-update`` only after
looking at the difference in the report: a changed snapshot is a changed
screen.
"""

from __future__ import annotations

from helpers import SIZE, ready


def test_first_pane(snap_compare, app):
    """The reader at start: pane list on the left, the first pane, the footer."""
    assert snap_compare(app(), terminal_size=SIZE, run_before=ready)


def test_table_of_contents(snap_compare, app):
    """`t` shows the first pane's headings on the right."""
    assert snap_compare(app(), press=["t"], terminal_size=SIZE, run_before=ready)


def test_help_screen(snap_compare, app):
    """`?` lists the keys by section."""
    assert snap_compare(app(), press=["question_mark"], terminal_size=SIZE, run_before=ready)


def test_narrow_terminal(snap_compare, app):
    """At 40x12 the pane list is hidden and the pane wraps to the width."""
    assert snap_compare(app(), terminal_size=(40, 12), run_before=ready)


def test_first_start_notice(snap_compare, app):
    """A fresh data directory: the notice is shown over the first pane."""
    assert snap_compare(app(notice_seen=False), terminal_size=SIZE, run_before=ready)
