"""SVG snapshots of the reader on the fixture content (pytest-textual-snapshot).

Update with ``pytest tests/snapshots/test_snapshots.py --snapshot-update`` only after
looking at the difference in the report: a changed snapshot is a changed
screen.
"""

from __future__ import annotations

from helpers import SIZE, ready, seen_data_dir


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


def test_notes_screen(snap_compare, app, tmp_path):
    """`m` lists bookmarks and notes by pane in reading order: a pane's top
    first, its orphaned notes after its headings, a pane no longer in the
    content last; note text is shown as typed (``[bold]`` is not markup)."""
    from ldn_tui.notes import Store

    data = seen_data_dir(tmp_path / "noted")
    with Store.open(data) as store:
        store.toggle_bookmark("beta", "details", "Details")
        store.add_note("beta", "details", "Details", "Vivid dreams in week one")
        store.add_note("gone", "x", "From a removed pane", "kept")
        store.add_note("alpha", "old-heading", "A heading that was removed", "Still mine")
        store.toggle_bookmark("alpha", "deeper", "Deeper")
        store.add_note("alpha", "background", "Background", "Ask about dose [bold]\nsecond line")
        store.toggle_bookmark("alpha", "", "Alpha")
        store.add_note("alpha", "", "Alpha", "At the top")
    # down: into the list (the filter's blinking cursor would make the picture flaky)
    assert snap_compare(app(data_dir=data), press=["m", "down"], terminal_size=SIZE, run_before=ready)
