"""The notes file's format: its schema, how it is checked on load, migrations.

:mod:`ldn_tui.notes.storage` reads and writes the file and hands the parsed JSON to
:func:`load_tables`; :mod:`ldn_tui.notes.store` builds the reader-facing API on
top. No Textual imports.

How the file is checked on load (:func:`load_tables`): it is TinyDB JSON with a ``meta`` table holding ``{"schema": N}``. Older
files are upgraded on load through :data:`MIGRATIONS`; records of the wrong
shape are left out and reported as ``problems`` (the caller then keeps the
original aside); a file from a newer schema is loaded as well as possible
and flagged so the caller opens it read-only. The fields a record must have
come from :mod:`ldn_tui.notes.fields`.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from ldn_tui.notes.fields import BOOKMARK_FIELDS, NOTE_FIELDS, STATE_TYPES


class DamagedFile(Exception):
    """The database file exists but could not be understood.

    ``reason`` is a few plain words ("it is empty"); ``raw`` the bytes read.
    """

    def __init__(self, reason: str, raw: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw


#: The notes file's format version this build reads and writes (its ``meta``
#: table); the only place it is spelled. Bump it with a :data:`MIGRATIONS` step.
STORE_SCHEMA_VERSION = 1
#: The database file's name in the data directory.
DB_NAME = "ldn-tui.json"


#: Bounds on the app-state values other than the known fields (``AppState.extra``).
#: ldn-tui itself stores none there; the table is open for later versions, so
#: a few small values is all a file or an import may hold. Without bounds a
#: 2 KB import nested 900 deep broke every export and froze the app (F6).
EXTRA_MAX_KEYS = 64
EXTRA_MAX_KEY_CHARS = 200
EXTRA_MAX_DEPTH = 16
EXTRA_MAX_ITEMS = 10_000
EXTRA_MAX_BYTES = 64 * 1024
#: integers in the app state must fit in 64 bits (JSON readers elsewhere, and
#: Python's own 4,300-digit limit on turning a huge int into text)
INT_LIMIT = 2**63
#: the saved scroll position is kept within this range (a pixel-free line count)
SCROLL_MAX = 10**9


def value_problem(value: Any) -> str | None:
    """Why ``value`` cannot be kept as an app-state value, or None if it can.

    Walks the value without recursion (a deep value must not blow the stack
    while it is being judged): JSON types only, at most
    :data:`EXTRA_MAX_DEPTH` levels and :data:`EXTRA_MAX_ITEMS` items, finite
    numbers, 64-bit integers, text that UTF-8 can encode, and at most
    :data:`EXTRA_MAX_BYTES` as JSON. The reason is a few plain words.
    """
    stack = [(value, 1)]
    items = 0
    while stack:
        item, depth = stack.pop()
        items += 1
        if items > EXTRA_MAX_ITEMS:
            return f"holds more than {EXTRA_MAX_ITEMS:,} values"
        if depth > EXTRA_MAX_DEPTH:
            return f"is nested more than {EXTRA_MAX_DEPTH} levels deep"
        kind = type(item)
        if kind is dict:
            for key, sub in item.items():
                if type(key) is not str:
                    return "has a key that is not text"
                stack.append((key, depth + 1))
                stack.append((sub, depth + 1))
        elif kind is list:
            stack.extend((sub, depth + 1) for sub in item)
        elif kind is float:
            if not math.isfinite(item):
                return "holds NaN or Infinity, which JSON cannot carry"
        elif kind is int:
            if not -INT_LIMIT <= item < INT_LIMIT:
                return "holds a number too large to keep"
        elif kind is str:
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "holds text that is not valid Unicode (a lone surrogate)"
        elif item is not None and kind is not bool:
            return f"holds a {kind.__name__}, which JSON cannot carry"
    size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    if size > EXTRA_MAX_BYTES:
        return f"is too large ({size:,} bytes; at most {EXTRA_MAX_BYTES:,})"
    return None


def key_problem(key: Any) -> str | None:
    """Why ``key`` cannot name an app-state value, or None if it can."""
    if type(key) is not str:
        return "is not text"
    if len(key) > EXTRA_MAX_KEY_CHARS:
        return f"is longer than {EXTRA_MAX_KEY_CHARS} characters"
    return value_problem(key)


def shown_key(key: Any) -> str:
    """An app-state key for a message: quoted, escaped, cut short."""
    text = repr(key)
    return text if len(text) <= 42 else text[:40] + "…"


def clamp_scroll(value: int) -> int:
    """A saved scroll position brought into ``0..SCROLL_MAX``."""
    return min(max(value, 0), SCROLL_MAX)


def empty_tables() -> dict[str, Any]:
    """The contents of a brand-new notes file."""
    return {"meta": {"1": {"schema": STORE_SCHEMA_VERSION}}}


def _migrate_0_to_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 (files before the ``meta`` table): notes had no ``updated``.

    A note that was never edited was last updated when it was created.
    """
    notes = raw.get("notes")
    if isinstance(notes, dict):
        for doc in notes.values():
            if isinstance(doc, dict) and "updated" not in doc and isinstance(doc.get("created"), str):
                doc["updated"] = doc["created"]
    return raw


#: ``MIGRATIONS[n]`` upgrades the raw dict of a schema-``n`` file to ``n + 1``
#: (the caller then stamps ``meta`` with ``n + 1``). Add one per schema bump.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


class LoadInfo(NamedTuple):
    """What :func:`load_tables` found: the file's schema, upgrades, problems."""

    version: int
    migrated_from: int | None = None
    problems: tuple[str, ...] = ()


def _kind(obj: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(obj), "a number")


def _key_ok(key: str) -> bool:
    return key.isdigit() and key.isascii()  # TinyDB turns keys into ints


def _records_ok(table: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Every record a dict with str ``fields``, under an integer key -- at C speed.

    Opening 10,000 notes must stay fast: this avoids a Python-level loop
    over every record; :func:`_check_records` only loops when it fails.
    """
    keys = "".join(table)
    if table and not (keys.isascii() and keys.isdigit()) or "" in table:
        return False
    docs = table.values()
    if not set(map(type, docs)) <= {dict}:
        return False
    try:
        return set(map(type, chain.from_iterable(map(itemgetter(*fields), docs)))) <= {str}
    except KeyError:
        return False


def _check_records(name: str, table: dict[str, Any], fields: tuple[str, ...], problems: list[str]) -> dict[str, Any]:
    if _records_ok(table, fields):
        return table
    good = {
        k: d for k, d in table.items() if type(d) is dict and _key_ok(k) and all(type(d.get(f)) is str for f in fields)
    }
    if len(good) == len(table):
        return table
    problems.append(f"{len(table) - len(good)} of {len(table)} {name} could not be read")
    return good


def _unique_ids(table: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """Notes sharing an id get new ids, so editing one never overwrites
    another (F32). The check runs at C speed; the loop only on a clash."""
    ids = list(map(itemgetter("id"), table.values()))
    if len(set(ids)) == len(ids):
        return table
    out, seen, renamed = {}, set(), 0
    for key, doc in table.items():
        if doc["id"] in seen:  # the same new id in every process that opens this file
            doc = {**doc, "id": uuid.uuid5(uuid.NAMESPACE_URL, f"ldn-tui:{doc['id']}:{key}").hex}
            renamed += 1
        seen.add(doc["id"])
        out[key] = doc
    problems.append(f"{renamed} of {len(table)} notes shared an id with another note and were given a new one")
    return out


def _check_state(table: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    out = {}
    for key, doc in table.items():
        if type(doc) is not dict or not _key_ok(key):
            problems.append("the saved app state could not be read")
            continue
        bad = [f for f, types in STATE_TYPES.items() if f in doc and type(doc[f]) not in types]
        if bad:
            problems.append(f"app state values could not be read ({', '.join(bad)})")
            doc = {f: v for f, v in doc.items() if f not in bad}
        extra = [f for f in doc if f not in STATE_TYPES]
        if len(extra) > EXTRA_MAX_KEYS:
            problems.append(f"the app state held {len(extra)} other values (at most {EXTRA_MAX_KEYS} are kept)")
            drop = set(extra[EXTRA_MAX_KEYS:])
            doc = {f: v for f, v in doc.items() if f not in drop}
            extra = extra[:EXTRA_MAX_KEYS]
        for name in extra:
            why = key_problem(name) or value_problem(doc[name])
            if why:
                problems.append(f"the app state value {shown_key(name)} could not be read (it {why})")
                doc = {f: v for f, v in doc.items() if f != name}
        out[key] = doc
    return out


def _schema_of(obj: dict[str, Any], problems: list[str]) -> int:
    meta = obj.get("meta")
    if meta is None:
        return 0  # files from before the meta table
    docs = list(meta.values()) if isinstance(meta, dict) else []
    schema = docs[0].get("schema") if docs and isinstance(docs[0], dict) else None
    if type(schema) is not int or schema < 0:
        problems.append("its format version could not be read")
        return STORE_SCHEMA_VERSION
    return schema


def load_tables(obj: Any) -> tuple[dict[str, Any], LoadInfo]:
    """Check (and upgrade) parsed JSON; return the usable tables and a report.

    Raises:
        DamagedFile: ``obj`` is not a TinyDB database at all, or an upgrade failed.
    """
    if not isinstance(obj, dict):
        raise DamagedFile(f"it holds {_kind(obj)} instead of the notes tables")
    problems: list[str] = []
    version = _schema_of(obj, problems)
    migrated_from = None
    if version < STORE_SCHEMA_VERSION:
        migrated_from = version
        try:
            for step in range(version, STORE_SCHEMA_VERSION):
                obj = MIGRATIONS[step](obj)
                obj["meta"] = {"1": {"schema": step + 1}}
        except Exception as exc:
            raise DamagedFile(f"it could not be upgraded from format {version}: {exc}") from exc
    newer = version > STORE_SCHEMA_VERSION
    tables: dict[str, Any] = {"meta": obj["meta"] if newer else empty_tables()["meta"]}
    for name, table in obj.items():
        if name == "meta":
            continue
        if not isinstance(table, dict):
            problems.append(f"the {name!r} part holds {_kind(table)} instead of a table")
        elif name == "notes":
            tables[name] = _unique_ids(_check_records(name, table, NOTE_FIELDS, problems), problems)
        elif name == "bookmarks":
            tables[name] = _check_records(name, table, BOOKMARK_FIELDS, problems)
        elif name == "state":
            tables[name] = _check_state(table, problems)
        else:
            tables[name] = table  # unknown table: kept as it is
    return tables, LoadInfo(version, migrated_from, tuple(problems))
