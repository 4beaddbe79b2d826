"""The fields of a Note, a Bookmark and the app state, and the format versions.

The notes file and the JSON backup are the reader's data on disk: whatever
the code that spells their fields looks like, the bytes they are written as
must not change (``tests/golden``). The JSON backup's golden files are
checked in ``test_export.py``; the notes file's here.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

import pytest

from ldn_tui.notes import DB_NAME, Bookmark, Note, Store
from ldn_tui.notes import records as records_mod
from ldn_tui.notes import store as store_mod

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("LDN_UPDATE_GOLDEN") == "1"


def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times and ids the store makes, made the same on every run."""
    ticks = itertools.count(1)
    ids = itertools.count(1)

    def now() -> str:
        return f"2026-02-03T04:05:{next(ticks):02d}.000006+00:00"

    for module in (store_mod, records_mod):
        monkeypatch.setattr(module, "now_utc", now, raising=False)
        monkeypatch.setattr(module, "_later_than", lambda previous: now(), raising=False)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(ids)))


def test_the_notes_file_is_written_byte_for_byte_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of write the store makes, against a golden notes file."""
    _fixed_clock(monkeypatch)
    with Store.open(tmp_path) as store:
        store.toggle_bookmark("alpha", "background", "Background [bold]")
        store.toggle_bookmark("beta", "gone", "Gone")
        store.toggle_bookmark("beta", "gone", "Gone")  # removed again
        note = store.add_note("alpha", "background", "Background", "first «text»\nline two")
        store.save_edit(note.id, note.updated, "alpha", "background", "Background", "edited")
        store.save_edit(None, None, "beta", "details", "Details", "a new note")
        store.merge_many(
            [Note("e" * 32, "gamma", "g", "G", "imported", "2025-01-01T00:00:00+00:00", "2025-01-02T00:00:00+00:00")],
            [Bookmark("gamma", "g", "G", "2025-01-01T00:00:00+00:00")],
        )
        store.set_state(last_pane="beta", scroll_y=12.7, theme=None, font="large")
        store.set_state(notice_seen=True, last_slug="details", extra={"nested": [1, {"a": None}]})
    data = (tmp_path / DB_NAME).read_bytes()
    path = GOLDEN / "notes-file.json"
    if UPDATE:
        path.write_bytes(data)
    assert data == path.read_bytes(), "the notes file changed; regenerate with LDN_UPDATE_GOLDEN=1 after reading the diff"
