"""The reader's data: bookmarks, notes and where they were (no Textual).

These dataclasses are the one place that spells their fields. A field's name
is its key in the notes file and in the JSON backup, in this order; its
``metadata["json"]`` is its JSON Schema in the backup (``schema.json``), and
for the app state its JSON type is also the type the notes file may hold.
:mod:`ldn_tui.notes.fields` reads them for the store, the backup writer and
the importer; a test checks ``schema.json`` says the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: JSON Schema shared by several fields (the backup's ``$defs``).
JSON_DEFS: dict[str, dict[str, Any]] = {
    "pane_id": {"type": "string", "minLength": 1, "maxLength": 200},
    "slug": {"type": "string", "maxLength": 500},
    "timestamp": {
        "description": "ISO 8601, as written by the store (UTC with microseconds); import also checks that it parses.",
        "type": "string",
        "maxLength": 64,
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}",
    },
}
_PANE_ID = {"json": {"$ref": "#/$defs/pane_id"}}
_SLUG = {"json": {"$ref": "#/$defs/slug"}}
#: a time: the import also checks that it parses (see ``fields.TIME``)
_TIME = {"json": {"$ref": "#/$defs/timestamp"}}
_TEXT = {"json": {"type": "string"}}


@dataclass(frozen=True)
class Bookmark:
    """A bookmarked heading. Points at it by slug *and* heading text."""

    pane_id: str = field(metadata=_PANE_ID)
    slug: str = field(metadata=_SLUG)
    heading: str = field(metadata=_TEXT)
    created: str = field(metadata=_TIME)


@dataclass(frozen=True)
class Note:
    """A reader's note on a heading. ``id`` is a stable UUID hex string."""

    id: str = field(metadata={"json": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}})
    pane_id: str = field(metadata=_PANE_ID)
    slug: str = field(metadata=_SLUG)
    heading: str = field(metadata=_TEXT)
    #: at most ``MAX_NOTE_CHARS`` (checked apart, with a message of its own)
    text: str = field(metadata=_TEXT)
    created: str = field(metadata=_TIME)
    updated: str = field(metadata=_TIME)


def note_order(note: Note) -> tuple[str, str]:
    """The order notes are listed in everywhere: oldest first, then by id."""
    return (note.created, note.id)


@dataclass(frozen=True)
class AppState:
    """Where the reader was and what they chose.

    ``extra`` holds the values a later ldn-tui may add: flat beside the known
    fields in the notes file, one ``extra`` object in the backup.
    """

    last_pane: str | None = field(default=None, metadata={"json": {"type": ["string", "null"]}})
    last_slug: str = field(default="", metadata={"json": {"type": "string"}})
    scroll_y: int = field(default=0, metadata={"json": {"type": "integer"}})
    theme: str | None = field(default=None, metadata={"json": {"type": ["string", "null"]}})
    notice_seen: bool = field(default=False, metadata={"json": {"type": "boolean"}})
    extra: dict[str, Any] = field(
        default_factory=dict, compare=False, hash=False, metadata={"json": {"type": "object"}}
    )
