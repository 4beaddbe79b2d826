"""The fields of a Note, a Bookmark and the app state, and the format versions.

The notes file and the JSON backup are the reader's data on disk: whatever
the code that spells their fields looks like, the bytes they are written as
must not change (``tests/golden``). The JSON backup's golden files are
checked in ``test_export.py``; the notes file's here.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ldn_tui.export import ExportError, render_export, select
from ldn_tui.export.formats import BACKUP_SCHEMA_VERSION
from ldn_tui.export.importer import export_schema, parse_export
from ldn_tui.notes import DB_NAME, JSON_DEFS, AppState, Bookmark, Note, Store, json_schema, time_fields
from ldn_tui.notes import records as records_mod
from ldn_tui.notes import store as store_mod
from ldn_tui.notes.file_format import STORE_SCHEMA_VERSION

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
    assert data == path.read_bytes(), (
        "the notes file changed; regenerate with LDN_UPDATE_GOLDEN=1 after reading the diff"
    )


# ---------------------------------------------------------------- the field spec


def test_schema_json_says_what_the_field_spec_says() -> None:
    """schema.json is a shipped, hand-readable document (third parties read
    it; the importer checks every backup against its bytes), so it is not
    generated: this test holds it to the dataclasses of ldn_tui.notes.models,
    field for field and in order, and prints what to paste when they differ."""
    schema = export_schema()
    records = schema["properties"]
    for shipped, cls in (
        (records["notes"]["items"], Note),
        (records["bookmarks"]["items"], Bookmark),
        (records["state"], AppState),
    ):
        expected = json_schema(cls)
        hint = f"schema.json's {cls.__name__} must be:\n{json.dumps(expected, indent=2)}"
        assert shipped == expected, hint
        assert list(shipped["properties"]) == list(expected["properties"]), hint
    assert schema["$defs"] == JSON_DEFS


def test_the_files_spell_the_fields_of_the_dataclasses(tmp_path: Path) -> None:
    """The notes file and the backup both hold a record's fields, in order."""
    with Store.open(tmp_path) as store:
        store.add_note("p", "s", "H", "text")
        store.toggle_bookmark("p", "s", "H")
        store.set_state(theme="nord", font="large")
        marks, notes, state = store.snapshot()
    on_disk = json.loads((tmp_path / DB_NAME).read_bytes())
    assert list(on_disk["notes"]["1"]) == [f.name for f in fields(Note)]
    assert list(on_disk["bookmarks"]["1"]) == [f.name for f in fields(Bookmark)]
    backup = json.loads(render_export("json", select("all", marks, notes, state), None, datetime.now(UTC)))
    assert list(backup["notes"][0]) == [f.name for f in fields(Note)]
    assert list(backup["bookmarks"][0]) == [f.name for f in fields(Bookmark)]
    assert list(backup["state"]) == [f.name for f in fields(AppState)]
    assert backup["state"]["extra"] == {"font": "large"}


def test_every_note_and_bookmark_field_is_text() -> None:
    """The notes file's record check (file_format) reads them all as strings."""
    for cls in (Note, Bookmark):
        for item in json_schema(cls)["properties"].values():
            kind = JSON_DEFS[item["$ref"].removeprefix("#/$defs/")] if "$ref" in item else item
            assert kind["type"] == "string"


def test_time_fields() -> None:
    assert time_fields(Note) == ("created", "updated")
    assert time_fields(Bookmark) == ("created",)


# ---------------------------------------------------------------- one version per format

_VERSION_ASSIGNMENT = re.compile(r"^\s*[A-Z_]*VERSION\s*(?::\s*int\s*)?=\s*\d", re.MULTILINE)


def test_each_file_format_spells_its_version_once() -> None:
    """One constant for the notes file, one for the JSON backup (the CSV and
    the handouts have none); schema.json's ``schema_version`` is the backup's."""
    package = Path(__file__).resolve().parents[2] / "ldn_tui"
    found = sorted(
        f"{path.relative_to(package)}: {match.group().strip()}"
        for path in package.rglob("*.py")
        for match in _VERSION_ASSIGNMENT.finditer(path.read_text(encoding="utf-8"))
    )
    assert found == ["export/formats.py: BACKUP_SCHEMA_VERSION = 1", "notes/file_format.py: STORE_SCHEMA_VERSION = 1"]
    assert export_schema()["properties"]["schema_version"] == {"type": "integer", "const": BACKUP_SCHEMA_VERSION}


def test_the_backup_version_is_written_and_checked_from_the_constant() -> None:
    mark = Bookmark("p", "s", "H", "2026-01-02T03:04:05.000006+00:00")
    raw = render_export("json", select("all", [mark], [], AppState()), None, datetime.now(UTC))
    data = json.loads(raw)
    assert data["schema_version"] == BACKUP_SCHEMA_VERSION
    assert parse_export(raw).bookmarks == (mark,)
    data["schema_version"] = BACKUP_SCHEMA_VERSION + 1
    with pytest.raises(
        ExportError, match=f"export schema {BACKUP_SCHEMA_VERSION + 1}, this version reads {BACKUP_SCHEMA_VERSION}"
    ):
        parse_export(json.dumps(data).encode())


def test_the_store_version_is_written_and_checked_from_the_constant(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.set_state(theme="nord")
    on_disk = json.loads((tmp_path / DB_NAME).read_bytes())
    assert on_disk["meta"] == {"1": {"schema": STORE_SCHEMA_VERSION}}
    on_disk["meta"]["1"]["schema"] = STORE_SCHEMA_VERSION + 1
    (tmp_path / DB_NAME).write_text(json.dumps(on_disk), encoding="utf-8")
    with Store.open(tmp_path) as store:
        assert store.read_only and str(STORE_SCHEMA_VERSION) in (store.warning or "")
