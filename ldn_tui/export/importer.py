"""Import a JSON export back: read it, validate it, merge it into the store.

``ldn-tui import`` calls :func:`read_export` (which refuses anything that is
not a whole, valid ldn-tui export before the store is touched) and then
:func:`import_export`. The export's JSON Schema ships as
``schema.json`` and is checked by :func:`schema_errors`, a small
interpreter of the keywords it uses. Errors are :class:`ExportError` with a
one-line message for the reader.

No Textual imports here.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from ldn_tui.export.files import ExportError
from ldn_tui.export.formats import APP_NAME, BACKUP_SCHEMA_VERSION
from ldn_tui.fsutil import reason
from ldn_tui.notes import (
    EARLIEST,
    EXTRA_MAX_KEYS,
    LATEST,
    MAX_NOTE_CHARS,
    AppState,
    Bookmark,
    Note,
    as_json,
    key_problem,
    shown_key,
    time_fields,
    value_problem,
)
from ldn_tui.textsafe import one_line

#: Imports larger than this are refused unread, and ``ldn-tui export`` refuses
#: to write a JSON backup larger than this (so every backup it writes can be
#: read back). A 10,000-note export is about 3 MB, 100,000 notes of 1 KB
#: about 128 MB. An import takes about 4.5 times the file's size in memory
#: (a 70 MiB backup: 2.7 s, 310 MB; one at the limit about 2.3 GB): four times
#: the largest backup the review made, within a laptop's memory.
MAX_IMPORT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ExportFile:
    """A JSON export, read and validated."""

    scope: str
    exported_at: str
    bookmarks: tuple[Bookmark, ...]
    notes: tuple[Note, ...]
    state: AppState | None


@lru_cache(maxsize=1)
def export_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the JSON export (``schema.json``)."""
    text = resources.files("ldn_tui.export").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(data: Any, schema: dict[str, Any] | None = None) -> list[str]:
    """Check ``data`` against the shipped schema; the problems as short lines.

    jsonschema is a test dependency only, so the app checks with this small
    interpreter of the keywords the schema uses (``type``, ``const``,
    ``enum``, ``required``, ``properties``, ``additionalProperties``,
    ``items``, ``pattern``, ``minLength``, ``maxLength``, ``minimum``,
    ``$ref`` to ``#/$defs/...``). The tests check it agrees with jsonschema.
    """
    root = schema if schema is not None else export_schema()
    errors: list[str] = []
    _check(data, root, root, "$", errors)
    return errors


_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
    }
)


def _check(value: Any, node: dict[str, Any], root: dict[str, Any], where: str, errors: list[str]) -> None:
    if len(errors) >= 20:
        return
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        _check(value, target, root, where, errors)
    kinds = node.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else kinds
        if not any(_TYPES[name](value) for name in names):
            errors.append(f"{where} must be {' or '.join(names)}")
            return
    if "const" in node and (value != node["const"] or type(value) is not type(node["const"])):
        errors.append(f"{where} must be {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        errors.append(f"{where} must be one of {', '.join(map(str, node['enum']))}")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            errors.append(f"{where} is too short")
        if "maxLength" in node and len(value) > node["maxLength"]:
            errors.append(f"{where} is too long")
        if "pattern" in node and not re.search(node["pattern"], value):
            errors.append(f"{where} has the wrong form")
    if isinstance(value, int) and "minimum" in node and value < node["minimum"]:
        errors.append(f"{where} must be at least {node['minimum']}")
    if isinstance(value, dict):
        for name in node.get("required", ()):
            if name not in value:
                errors.append(f"{where}.{name} is missing")
        props = node.get("properties", {})
        for name, item in value.items():
            if name in props:
                _check(item, props[name], root, f"{where}.{name}", errors)
            elif node.get("additionalProperties", True) is False:
                errors.append(f"{where} has an unknown field {name!r}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _check(item, node["items"], root, f"{where}[{index}]", errors)


def parse_export(raw: bytes, name: str = "the file") -> ExportFile:
    """Validate the bytes of a JSON export and turn them into models.

    Raises:
        ExportError: one line: not JSON, not an ldn-tui export, made by a
            newer version (``schema_version`` above ours), or damaged.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError(f"cannot import {name}: it is not a text file (not UTF-8); is it a JSON export?") from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise ExportError(
            f"cannot import {name}: not valid JSON (line {error.lineno}, column {error.colno}): "
            "damaged, or not a JSON export"
        ) from None
    except _NotANumber as error:
        raise ExportError(
            f"cannot import {name}: it holds {error}, which is not a number an ldn-tui export "
            "can hold: damaged, or not a JSON export"
        ) from None
    except ValueError:  # Python's limit on digits in one integer (4,300)
        raise ExportError(
            f"cannot import {name}: it holds a number too long to read: damaged, or not a JSON export"
        ) from None
    except RecursionError:
        raise ExportError(f"cannot import {name}: not an ldn-tui export (nested too deeply)") from None
    del text
    app = data.get("app") if isinstance(data, dict) else None
    app_name = app.get("name") if isinstance(app, dict) else None
    if not isinstance(data, dict) or "schema_version" not in data or app_name != APP_NAME:
        raise ExportError(f"cannot import {name}: not an ldn-tui export (make one with 'ldn-tui export --format json')")
    version = data["schema_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > BACKUP_SCHEMA_VERSION:
        raise ExportError(
            f"cannot import {name}: it was made by a newer ldn-tui (export schema {version}, "
            f"this version reads {BACKUP_SCHEMA_VERSION}); update ldn-tui and try again"
        )
    errors = schema_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ExportError(f"cannot import {name}: the export is damaged: {errors[0]}{more}")
    problem = _long_note(data)
    if problem:
        raise ExportError(f"cannot import {name}: {problem}")
    problem = _semantic_problem(data)
    if problem:
        raise ExportError(f"cannot import {name}: the export is damaged: {problem}")
    state = data.get("state")
    return ExportFile(
        scope=data["scope"],
        exported_at=data["exported_at"],
        bookmarks=tuple(Bookmark(**b) for b in data["bookmarks"]),
        notes=tuple(Note(**n) for n in data["notes"]),
        state=AppState(**state) if state is not None else None,
    )


#: Imported times must be in the range the store writes (see
#: :data:`~ldn_tui.notes.records.LATEST`): a time on 9999-12-31 cannot be
#: shown in a time zone ahead of UTC, nor made later when the note is edited.
_EARLIEST, _LATEST = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)


class _NotANumber(ValueError):
    """``NaN``, ``Infinity`` or a number too big for a float, met while parsing."""


def _no_constant(name: str) -> Any:
    raise _NotANumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotANumber(one_line(text, 40))
    return value


def _semantic_problem(data: dict[str, Any]) -> str | None:
    """What the schema cannot say: times must parse (and mean a real moment
    in UTC), text must be real Unicode, the app state must be storable.

    Checked before anything is merged, so the store never refuses a record
    half-way through an import: an import is all or nothing.
    """
    for kind, fields in (("bookmarks", time_fields(Bookmark)), ("notes", time_fields(Note))):
        for index, record in enumerate(data[kind]):
            for name in fields:
                try:
                    stamp = datetime.fromisoformat(record[name])
                    if stamp.tzinfo is not None:
                        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
                except ValueError:
                    return f"{kind}[{index}].{name} is not a date and time ({one_line(record[name], 64)!r})"
                except OverflowError:
                    stamp = datetime.min
                if not _EARLIEST <= stamp <= _LATEST:
                    return f"{kind}[{index}].{name} is too close to the year 1 or 9999 ({record[name]!r})"
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return _surrogate_place(data)
    state = data.get("state")
    if state is not None:
        extra = state["extra"]
        if len(extra) > EXTRA_MAX_KEYS:
            return f"the app state holds {len(extra)} other values (at most {EXTRA_MAX_KEYS})"
        for key, value in extra.items():
            why = key_problem(key) or value_problem(value)
            if why:
                return f"the app state value {shown_key(key)} {why}"
    return None


def _long_note(data: dict[str, Any]) -> str | None:
    """The first note longer than a note may hold, named by its id (F9).

    The whole import is refused, as for any other problem: a store that
    took the rest would leave the reader to find out which note is missing.
    """
    for index, record in enumerate(data["notes"]):
        size = len(record["text"])
        if size > MAX_NOTE_CHARS:
            return (
                f"notes[{index}] (id {one_line(record['id'], 64)}) is {size:,} characters long, more than "
                f"the {MAX_NOTE_CHARS:,} a note can hold; nothing was imported (shorten that note "
                "in the ldn-tui that made the export, export again and import that)"
            )
    return None


def _surrogate_place(data: dict[str, Any]) -> str:
    """Which record holds a lone surrogate (the export is known to hold one)."""
    for kind in ("notes", "bookmarks"):
        for index, record in enumerate(data[kind]):
            for name, value in record.items():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    who = f" (id {record['id']})" if kind == "notes" else ""
                    return (
                        f"{kind}[{index}]{who}: its {name} holds a character that is not valid "
                        f"Unicode (U+{ord(value[error.start]):04X}, a lone surrogate, at character "
                        f"{error.start + 1}); remove it from the file and try again"
                    )
    return "it holds text that is not valid Unicode (a lone surrogate)"


def read_export(path: Path) -> ExportFile:
    """Read and validate a JSON export file (see :func:`parse_export`).

    Only a regular file is read, and never more than
    :data:`MAX_IMPORT_BYTES`: a pipe would block forever and ``/dev/zero``
    would fill the memory (F13).
    """
    path = Path(path)
    name = one_line(str(path), 200)
    try:
        raw = _read_regular(path, name)
    except FileNotFoundError:
        raise ExportError(f"cannot import {name}: no such file") from None
    except IsADirectoryError:
        raise ExportError(f"cannot import {name}: it is a directory") from None
    except OSError as error:
        raise ExportError(f"cannot import {name}: {reason(error)}") from None
    return parse_export(raw, name)


def _too_large(name: str) -> ExportError:
    return ExportError(
        f"cannot import {name}: it is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB, "
        "the most an ldn-tui export can be"
    )


def _read_regular(path: Path, name: str) -> bytes:
    # O_NONBLOCK: opening a FIFO for reading must not wait for a writer
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise ExportError(
                f"cannot import {name}: it is not a regular file (a pipe, device or socket); "
                "save the export to a file and import that"
            )
        if st.st_size > MAX_IMPORT_BYTES:
            raise _too_large(name)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 24, MAX_IMPORT_BYTES + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_IMPORT_BYTES:  # it grew while being read
                raise _too_large(name)
        return b"".join(chunks)
    finally:
        os.close(fd)


class MergeTarget(Protocol):
    """The part of :class:`~ldn_tui.notes.store.Store` an import needs.

    ``merge_many`` returns the outcomes for the notes and for the bookmarks
    (``"added"``, ``"updated"`` or ``"skipped"``, one per record, in order),
    as :meth:`Store.merge_many <ldn_tui.notes.store.Store.merge_many>` does.
    """

    def merge_many(
        self, notes: Iterable[Note], bookmarks: Iterable[Bookmark]
    ) -> tuple[Sequence[str], Sequence[str]]: ...

    def state(self) -> AppState: ...

    def set_state(self, **changes: Any) -> AppState: ...


_KINDS = (("note", "note", "notes"), ("bookmark", "bookmark", "bookmarks"), ("state", "app state", "app state"))


@dataclass
class ImportReport:
    """How many notes and bookmarks an import added, updated and skipped
    (and whether it restored the app state)."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {o: {k: 0 for k, _, _ in _KINDS} for o in ("added", "updated", "skipped")}
    )
    dry_run: bool = False

    def count(self, outcome: str, kind: str) -> None:
        """Record one ``added``/``updated``/``skipped`` note, bookmark or state."""
        self.counts[outcome][kind] += 1

    def lines(self) -> list[str]:
        """Three lines for the reader: added, updated, skipped.

        ``added: 3 notes, 1 bookmark`` (``would add`` for a dry run); the
        app state is named only on the line it belongs to.
        """
        verbs = {"added": "add", "updated": "update", "skipped": "skip"}
        out = []
        for outcome, counts in self.counts.items():
            parts = [
                f"{counts[kind]} {one if counts[kind] == 1 else many}" for kind, one, many in _KINDS if kind != "state"
            ]
            if counts["state"]:
                parts.append("the app state")
            label = f"would {verbs[outcome]}" if self.dry_run else outcome
            out.append(f"{label}: {', '.join(parts)}")
        return out


def import_export(target: MergeTarget, export: ExportFile, dry_run: bool = False) -> ImportReport:
    """Merge an export into ``target`` (the store); never duplicates.

    The store decides, in one batch (:meth:`Store.merge_many
    <ldn_tui.notes.store.Store.merge_many>`: one write, nothing saved if a record
    is refused): a note with a new id is added, one with a known id
    replaces the stored one only when its ``updated`` is newer, anything
    else is skipped; a bookmark is added unless the heading is already
    bookmarked. The app state (scope ``all``) is restored only into a
    store whose state was never set, so a backup never moves the reader of
    a store in use. For ``dry_run`` pass a throw-away copy of the store;
    the report then says "would add" and so on.
    """
    report = ImportReport(dry_run=dry_run)
    notes, bookmarks = target.merge_many(export.notes, export.bookmarks)  # one write, all or nothing
    if len(notes) != len(export.notes) or len(bookmarks) != len(export.bookmarks):
        raise ExportError("the store did not answer for every note and bookmark of the import")
    for result in notes:
        report.count(_outcome(result), "note")
    for result in bookmarks:
        report.count(_outcome(result), "bookmark")
    if export.state is not None:
        report.count(_merge_state(target, export.state), "state")
    return report


def _merge_state(target: MergeTarget, state: AppState) -> str:
    current = target.state()
    if current == state and current.extra == state.extra:
        return "skipped"
    if current != AppState() or current.extra:
        return "skipped"
    target.set_state(**as_json(state))
    return "added"


def _outcome(result: str) -> str:
    if result not in ("added", "updated", "skipped"):
        raise ExportError(f"the store answered {result!r} to a merge")
    return result
