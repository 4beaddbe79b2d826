"""Helpers the tests import: the fixture content, the terminal size of the
Pilot flows, waiting for the first pane, and a data directory past the
first-start notice. (Fixtures live in ``conftest.py``.)

The tests are arranged by layer: ``unit/`` (the domain, no app),
``tui/`` (Pilot flows on the real app), ``snapshots/`` (SVG snapshots) and
``e2e/`` (the built wheel in real terminals and a real browser). An
in-memory notebook for screen tests, and the app built around it, are in
``fakes.py``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"

#: The terminal size every Pilot flow and snapshot uses unless it says otherwise.
SIZE = (100, 30)


async def ready(pilot) -> None:
    """Wait until the reader's view has laid out and drawn its first pane.

    ``run_test`` hands over control once the screen is mounted; the view
    renders its pane on its first resize, which may come a moment later. A
    key pressed before then would act on an empty view.
    """
    from textual.css.query import NoMatches

    view = None
    for _ in range(500):
        try:
            view = pilot.app.reader.view
        except (NoMatches, IndexError, AttributeError):  # not composed yet
            view = None
        if view is not None and view.rendered is not None and view.size.width:
            break
        await pilot.pause(0.01)
    assert view is not None and view.rendered is not None, "the document view never rendered"
    await pilot.pause()


def seen_data_dir(path: Path, **state) -> Path:
    """Create a data directory whose store says the first-start notice was
    seen (and holds any other app ``state`` given, e.g. ``theme=...``)."""
    from ldn_tui.notes.store import Store

    store = Store.open(path)
    try:
        store.set_state(notice_seen=True, **state)
    finally:
        store.close()
    return path


def record_notifications(app) -> list[dict]:
    """Record every ``notify`` call of ``app`` (still showing the toast)."""
    calls: list[dict] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        calls.append({"message": str(message), **kwargs})
        return original(message, *args, **kwargs)

    app.notify = notify
    return calls


async def settle(pilot) -> None:
    """Let messages and any scrolling animation finish."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def edit_note(store, note_id: str, text: str):
    """Replace a note's text the way an editor saves it (``Store.save_edit``,
    the one save path): what "another window" does in these tests. Returns
    the saved note; fails if the note is missing."""
    note = store.get_note(note_id)
    assert note is not None, f"no note {note_id}"
    saved, outcome = store.save_edit(note_id, None, note.pane_id, note.slug, note.heading, text)
    assert outcome in ("updated", "unchanged"), outcome
    return saved


def finishes(call, fifo: Path | None = None, timeout: float = 5.0):
    """``call()``'s result; fails (and frees the thread) if it waits on ``fifo``."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        if fifo is not None:  # let the blocked open go, so the test run ends
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        pytest.fail(f"waited on {fifo}")
    return result[0]
