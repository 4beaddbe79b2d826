"""Import a JSON export back: read it, validate it, merge it into the store.

``ldn-tui import`` calls :func:`read_export` (which refuses anything that is
not a whole, valid ldn-tui export before the store is touched) and then
:func:`import_export`. The export's JSON Schema ships as
``export_schema.json`` and is checked by :func:`schema_errors`, a small
interpreter of the keywords it uses. Errors are :class:`ExportError` with a
one-line message for the reader. Its public names are importable from
:mod:`ldn_tui.export` too.

No Textual imports here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from .export_files import ExportError, _reason
from .export_formats import APP_NAME, SCHEMA_VERSION
from .models import AppState, Bookmark, Note

#: imports larger than this are refused unread (a 10,000-note export is ~3 MB)
MAX_IMPORT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ExportFile:
    """A JSON export, read and validated."""

    scope: str
    exported_at: str
    bookmarks: tuple[Bookmark, ...]
    notes: tuple[Note, ...]
    state: AppState | None


@lru_cache(maxsize=1)
def export_schema() -> dict:
    """The shipped JSON Schema of the JSON export (``export_schema.json``)."""
    text = resources.files("ldn_tui").joinpath("export_schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def schema_errors(data: Any, schema: dict | None = None) -> list[str]:
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
SUPPORTED_KEYWORDS = frozenset({
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum",
    "required", "properties", "additionalProperties", "items", "pattern",
    "minLength", "maxLength", "minimum",
})


def _check(value: Any, node: dict, root: dict, where: str, errors: list[str]) -> None:
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
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(
            f"cannot import {name}: not valid JSON (line {error.lineno}, column {error.colno}): "
            "damaged, or not a JSON export"
        ) from None
    except RecursionError:
        raise ExportError(f"cannot import {name}: not an ldn-tui export (nested too deeply)") from None
    app = data.get("app") if isinstance(data, dict) else None
    app_name = app.get("name") if isinstance(app, dict) else None
    if not isinstance(data, dict) or "schema_version" not in data or app_name != APP_NAME:
        raise ExportError(f"cannot import {name}: not an ldn-tui export (make one with 'ldn-tui export --format json')")
    version = data["schema_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ExportError(
            f"cannot import {name}: it was made by a newer ldn-tui (export schema {version}, "
            f"this version reads {SCHEMA_VERSION}); update ldn-tui and try again"
        )
    errors = schema_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ExportError(f"cannot import {name}: the export is damaged: {errors[0]}{more}")
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


def _semantic_problem(data: dict) -> str | None:
    """What the schema cannot say: times must parse, text must be real Unicode.

    Checked before anything is merged, so the store never refuses a record
    half-way through an import.
    """
    for kind, fields in (("bookmarks", ("created",)), ("notes", ("created", "updated"))):
        for index, record in enumerate(data[kind]):
            for name in fields:
                try:
                    datetime.fromisoformat(record[name])
                except ValueError:
                    return f"{kind}[{index}].{name} is not a date and time ({record[name]!r})"
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "it holds text that is not valid Unicode (a lone surrogate)"
    return None


def read_export(path: Path) -> ExportFile:
    """Read and validate a JSON export file (see :func:`parse_export`)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ExportError(f"cannot import {path}: it is a directory")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ExportError(f"cannot import {path}: too large to be an ldn-tui export")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExportError(f"cannot import {path}: no such file") from None
    except OSError as error:
        raise ExportError(f"cannot import {path}: {_reason(error)}") from None
    return parse_export(raw, str(path))


class MergeTarget(Protocol):
    """The part of :class:`~ldn_tui.store.Store` an import needs.

    ``merge_many`` returns the outcomes for the notes and for the bookmarks
    (``"added"``, ``"updated"`` or ``"skipped"``, one per record, in order),
    as :meth:`Store.merge_many <ldn_tui.store.Store.merge_many>` does.
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
                f"{counts[kind]} {one if counts[kind] == 1 else many}"
                for kind, one, many in _KINDS
                if kind != "state"
            ]
            if counts["state"]:
                parts.append("the app state")
            label = f"would {verbs[outcome]}" if self.dry_run else outcome
            out.append(f"{label}: {', '.join(parts)}")
        return out


def import_export(target: MergeTarget, export: ExportFile, dry_run: bool = False) -> ImportReport:
    """Merge an export into ``target`` (the store); never duplicates.

    The store decides, in one batch (:meth:`Store.merge_many
    <ldn_tui.store.Store.merge_many>`: one write, nothing saved if a record
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
    target.set_state(
        last_pane=state.last_pane,
        last_slug=state.last_slug,
        scroll_y=state.scroll_y,
        theme=state.theme,
        notice_seen=state.notice_seen,
        extra=dict(state.extra),
    )
    return "added"


def _outcome(result: str) -> str:
    if result not in ("added", "updated", "skipped"):
        raise ExportError(f"the store answered {result!r} to a merge")
    return result
