"""The fields of a Note, a Bookmark and the app state, as the files spell them.

Everything here is read from the dataclasses of :mod:`ldn_tui.notes.models`,
the one place the fields are written: the store's record code
(:mod:`~ldn_tui.notes.records`, :mod:`~ldn_tui.notes.file_format`), the
JSON backup's writer and its importer (:mod:`ldn_tui.export`) all use these
views, and a test checks the backup's ``schema.json`` against
:func:`json_schema`. Adding a field to a record is then one line in
``models.py``, one in ``schema.json`` (the test prints it) and a version
bump with a migration. No Textual imports.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import Field, fields
from operator import attrgetter
from typing import Any

from ldn_tui.notes.models import JSON_DEFS, AppState, Bookmark, Note

Record = Note | Bookmark | AppState

#: The app-state field that holds the values this ldn-tui does not know.
EXTRA = "extra"
#: The ``$ref`` of a time: the importer also checks that it parses.
TIME = "#/$defs/timestamp"

_PYTHON_TYPES: dict[str, type] = {"string": str, "null": type(None), "integer": int, "boolean": bool, "object": dict}


def _names(cls: type[Record]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _json(item: Field[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = item.metadata["json"]
    return schema


def _types(item: Field[Any]) -> tuple[type, ...]:
    """The JSON types a field may hold, as Python types (``"null"``: NoneType)."""
    schema = _json(item)
    if "$ref" in schema:
        schema = JSON_DEFS[schema["$ref"].removeprefix("#/$defs/")]
    kinds = schema["type"]
    return tuple(_PYTHON_TYPES[kind] for kind in ([kinds] if isinstance(kinds, str) else kinds))


#: A note's fields in file order (every one a string).
NOTE_FIELDS = _names(Note)
#: A bookmark's fields in file order (every one a string).
BOOKMARK_FIELDS = _names(Bookmark)
#: The app state's known fields and the JSON types each may hold; any other
#: key in the notes file's state record is an ``extra`` value.
STATE_TYPES: dict[str, tuple[type, ...]] = {f.name: _types(f) for f in fields(AppState) if f.name != EXTRA}


def time_fields(cls: type[Note | Bookmark]) -> tuple[str, ...]:
    """The fields of ``cls`` that hold a time (``created``, ``updated``)."""
    return tuple(f.name for f in fields(cls) if _json(f).get("$ref") == TIME)


def _writer(cls: type[Record]) -> Callable[[Any], dict[str, Any]]:
    names, values = _names(cls), attrgetter(*_names(cls))
    if cls is AppState:
        return lambda state: {**dict(zip(names, values(state))), EXTRA: dict(state.extra)}
    return lambda record: dict(zip(names, values(record)))


# one ready function per record type: a 100,000-note backup writes each note once
_WRITERS = {cls: _writer(cls) for cls in (Note, Bookmark, AppState)}


def as_json(record: Record) -> dict[str, Any]:
    """``record`` as the JSON backup writes it (and the notes file, for a
    note or a bookmark): its fields in order, ``extra`` as a copied object."""
    return _WRITERS[type(record)](record)


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema of a ``cls`` record in the backup: every field required,
    no other field allowed (``$ref`` points into :data:`JSON_DEFS`)."""
    properties = {f.name: copy.deepcopy(_json(f)) for f in fields(cls)}
    return {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}


__all__ = [
    "BOOKMARK_FIELDS",
    "EXTRA",
    "NOTE_FIELDS",
    "STATE_TYPES",
    "as_json",
    "json_schema",
    "time_fields",
]
