"""The reader's bookmarks, notes and app state, kept in one private JSON file.

:class:`Store` wraps TinyDB (over :class:`~ldn_tui.storage.AtomicJSONStorage`)
and hands out the frozen dataclasses of :mod:`ldn_tui.models`, never raw
dicts. Readers' notes are personal health notes, so the rules are:

* Nothing is ever silently dropped. A damaged file is copied aside as
  ``ldn-tui.json.damaged-YYYYmmdd-HHMMSS`` before anything replaces it; a
  file from a newer ldn-tui is left untouched and opened read-only; a record
  whose heading no longer exists is kept (see :meth:`Store.orphans`).
* :meth:`Store.open` never raises: problems become :attr:`Store.warning`
  (plain words for the reader) and, where needed, a read-only session.
* Text is stored exactly (markup, ANSI escapes, control characters, emoji,
  RTL). A lone surrogate (``"\\ud800"``) is not text -- it cannot be encoded
  as UTF-8, written to the terminal or exported -- so it is refused with an
  :class:`UnsavableText` error naming the character, and nothing is saved.

File layout (TinyDB tables)::

    {"meta": {"1": {"schema": 1}}, "state": {"1": {...}},
     "bookmarks": {"1": {"pane_id", "slug", "heading", "created"}},
     "notes": {"1": {"id", "pane_id", "slug", "heading", "text",
                     "created", "updated"}}}

Timestamps are ISO-8601 UTC with microseconds. Lists come back in creation
order (``created``, then insertion order).
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

from tinydb import TinyDB
from tinydb.table import Table

from ldn_tui.models import AppState, Bookmark, Note
from ldn_tui.storage import (
    DIR_MODE,
    TEMP_SUFFIX,
    AtomicJSONStorage,
    InterProcessLock,
    LockTimeout,
    temp_prefix,
    write_new_private_file,
)
from ldn_tui.store_format import (
    MIGRATIONS,
    NOTE_FIELDS,
    SCHEMA_VERSION,
    STATE_TYPES,
    DamagedFile,
    LoadInfo,
    empty_tables,
    load_tables,
)

__all__ = [
    "DB_NAME",
    "LOCK_NAME",
    "MIGRATIONS",
    "MergeResult",
    "SCHEMA_VERSION",
    "NoteNotFound",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreReadOnly",
    "UnsavableText",
    "find_orphans",
]

DB_NAME = "ldn-tui.json"
LOCK_NAME = "ldn-tui.lock"
#: seconds to wait for another ldn-tui holding the lock before giving up
LOCK_TIMEOUT = 10.0

BOOKMARKS, NOTES, STATE = "bookmarks", "notes", "state"


class StoreError(Exception):
    """A problem with the reader's data; ``str()`` is a plain sentence for them."""


class StoreReadOnly(StoreError):
    """This session cannot save (newer file format, unwritable folder, ...)."""


class StoreBusy(StoreError):
    """Another ldn-tui kept the notes file locked for too long."""


class NoteNotFound(StoreError):
    """The note does not exist (maybe deleted in another window)."""


class UnsavableText(StoreError, ValueError):
    """The text holds a character that cannot be stored (a lone surrogate)."""


def now_utc() -> str:
    """The current time as ISO-8601 UTC with microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _later_than(previous: str) -> str:
    """Now, but strictly after ``previous`` (clocks can step backwards)."""
    now = datetime.now(timezone.utc)
    try:
        prev = _parse_time(previous)
        if now <= prev:
            now = prev.astimezone(timezone.utc) + timedelta(microseconds=1)
    except ValueError:
        pass
    return now.isoformat(timespec="microseconds")


def _newer(a: str, b: str) -> bool:
    """True if timestamp ``a`` is later than ``b`` (string order if unparsable)."""
    try:
        return _parse_time(a) > _parse_time(b)
    except ValueError:
        return a > b


def check_text(value: object, what: str) -> str:
    """Return ``value`` if it is a str that can be stored, else raise.

    Raises:
        TypeError: not a str.
        UnsavableText: it holds a lone surrogate, which UTF-8 cannot encode.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ord(value[exc.start])
        raise UnsavableText(
            f"The {what} contains a character that cannot be saved "
            f"(U+{bad:04X}, at character {exc.start + 1}); it usually comes "
            f"from pasting damaged text. Delete that character and try again."
        ) from None
    return value


def _bookmark(doc: dict) -> Bookmark:
    return Bookmark(doc["pane_id"], doc["slug"], doc["heading"], doc["created"])


def _note(doc: dict) -> Note:
    return Note(
        doc["id"], doc["pane_id"], doc["slug"], doc["heading"],
        doc["text"], doc["created"], doc["updated"],
    )  # fmt: skip


def _state(doc: dict) -> AppState:
    known = {k: doc[k] for k in STATE_TYPES if k in doc}
    extra = {k: copy.deepcopy(v) for k, v in doc.items() if k not in STATE_TYPES}
    return AppState(**known, extra=extra)


def check_state_value(key: str, value: Any) -> Any:
    """``value`` as stored for app-state field ``key``; TypeError if it cannot be."""
    if key == "scroll_y":  # Textual's scroll_y is a float
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"scroll_y must be a number, not {type(value).__name__}")
        try:
            return int(value)
        except (ValueError, OverflowError):
            raise TypeError(f"scroll_y must be a finite number, not {value!r}") from None
    types = STATE_TYPES.get(key)
    if types is not None and type(value) not in types:
        allowed = " or ".join("None" if t is type(None) else t.__name__ for t in types)
        raise TypeError(f"{key} must be {allowed}, not {type(value).__name__}")
    if isinstance(value, str):
        return check_text(value, key)
    if value is None or isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    try:  # a copy, so the caller changing their list later cannot reach the store
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"app state value {key!r} cannot be saved: {exc}") from None


def find_orphans(
    bookmarks: list[Bookmark], notes: list[Note], known: set[tuple[str, str]]
) -> tuple[list[Bookmark], list[Note]]:
    """The bookmarks and notes whose ``(pane_id, slug)`` is not in ``known``.

    The store never drops these; the UI shows them, with their heading text,
    as orphaned.
    """
    return (
        [b for b in bookmarks if (b.pane_id, b.slug) not in known],
        [n for n in notes if (n.pane_id, n.slug) not in known],
    )


class MergeResult(NamedTuple):
    """What :meth:`Store.merge_many` did: one outcome per record, in order.

    Each outcome is ``"added"``, ``"updated"`` (notes only) or ``"skipped"``.
    """

    notes: list[str]
    bookmarks: list[str]


def _imported_note_doc(note: Note) -> dict:
    """The document for an imported ``note``, after the checks an import makes.

    Raises:
        TypeError, UnsavableText: a field is not storable text.
        ValueError: no id, or a time that does not parse.
    """
    for name in NOTE_FIELDS:
        check_text(getattr(note, name), f"note {name}")
    if not note.id:
        raise ValueError("an imported note needs an id")
    for stamp in (note.created, note.updated):
        _parse_time(stamp)  # ValueError on nonsense
    return asdict(note)


def _merge_note_docs(raw: dict, incoming: list[tuple[Note, dict]]) -> tuple[list[str], dict | None]:
    """Merge notes into the notes table ``raw`` as :meth:`Store.merge_note` would.

    Returns the outcomes and the new table, or None when nothing changed.
    ``raw`` and its documents are never edited: changed documents are new
    objects, so the storage's serialiser notices them by identity.
    """
    table = {str(int(k)): d for k, d in raw.items()}  # TinyDB's own key normalisation
    where: dict[str, list[str]] = {}
    for key, doc in table.items():
        where.setdefault(doc["id"], []).append(key)
    next_id = max(map(int, table), default=0) + 1
    outcomes, changed = [], False
    for note, doc in incoming:
        keys = where.get(note.id)
        if not keys:
            key = str(next_id)
            next_id += 1
            table[key] = dict(doc)
            where[note.id] = [key]
            outcomes.append("added")
            changed = True
            continue
        current = _note(table[keys[0]])
        if current == note or not _newer(note.updated, current.updated):
            outcomes.append("skipped")
            continue
        for key in keys:  # like Table.update: every document with that id
            table[key] = {**table[key], **doc}
        outcomes.append("updated")
        changed = True
    return outcomes, table if changed else None


def _merge_bookmark_docs(raw: dict, incoming: list[dict]) -> tuple[list[str], dict | None]:
    """Merge bookmarks into ``raw`` as :meth:`Store.merge_bookmark` would (see above)."""
    table = {str(int(k)): d for k, d in raw.items()}
    marked = {(d["pane_id"], d["slug"]) for d in table.values()}
    next_id = max(map(int, table), default=0) + 1
    outcomes = []
    for doc in incoming:
        place = (doc["pane_id"], doc["slug"])
        if place in marked:
            outcomes.append("skipped")
            continue
        table[str(next_id)] = dict(doc)
        next_id += 1
        marked.add(place)
        outcomes.append("added")
    return outcomes, table if "added" in outcomes else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class Store:
    """The reader's data. Open with :meth:`Store.open`; close when done.

    Safe to share between threads, and between processes: every operation
    holds the inter-process lock and works on what is on disk now.
    Any method may raise :class:`StoreError` (with a plain message) when the
    disk fails; writing methods raise :class:`StoreReadOnly` in a read-only
    session.
    """

    def __init__(self, data_dir: Path) -> None:
        """Use :meth:`open`; this only sets fields and touches no file."""
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.path = self.data_dir / DB_NAME
        self._storage = AtomicJSONStorage(self.path, load_tables, empty_tables)
        self._db = TinyDB(storage=lambda: self._storage)
        self._thread_lock = threading.RLock()
        self._lock: InterProcessLock | None = None
        self._read_only_reason: str | None = None
        self._warnings: list[str] = []
        self._closed = False
        self._cache: dict[str, tuple[int, Any]] = {}

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str) -> Store:
        """Open (creating if needed) the store in ``data_dir``. Never raises."""
        store = cls(Path(data_dir))
        try:
            store._open()
        except Exception as exc:  # last line of defence: a warning, not a traceback
            store._storage.pin(empty_tables())
            store._set_read_only(
                f"your notes could not be opened ({_why(exc)})",
                f"Your notes file {store.path} could not be opened ({_why(exc)}). "
                "Nothing was changed; notes and bookmarks cannot be saved in this session.",
            )
        return store

    def _open(self) -> None:
        folder = self.data_dir
        try:
            self._make_dir()
        except OSError as exc:
            self._storage.pin(empty_tables())
            self._set_read_only(
                f"the notes folder {folder} could not be created",
                f"The notes folder {folder} could not be created ({_why(exc)}), "
                "so notes and bookmarks cannot be saved in this session.",
            )
            return
        try:
            self._lock = InterProcessLock(self.data_dir / LOCK_NAME)
            self._probe_writable()
        except OSError as exc:
            self._set_read_only(
                f"the notes folder {folder} cannot be written to",
                f"The notes folder {folder} cannot be written to ({_why(exc)}), so "
                "notes and bookmarks can be read but not changed in this session.",
            )
        if not self._read_only_reason and self.path.exists() and not os.access(self.path, os.W_OK):
            self._set_read_only(
                f"the notes file {self.path} is read-only",
                f"Your notes file {self.path} is read-only (its permissions do not "
                "allow changes), so notes and bookmarks cannot be saved in this session.",
            )
        try:
            with self._locked():
                if not self._read_only_reason:
                    self._remove_stale_temps()
                self._refresh()
                if not self._read_only_reason and not self.path.exists():
                    self._storage.write(self._storage.read())
        except (OSError, LockTimeout) as exc:
            self._storage.pin(self._storage.last_good or empty_tables())
            self._set_read_only(
                f"your notes file {self.path} could not be read",
                f"Your notes file {self.path} could not be read ({_why(exc)}). It was "
                "left as it is; notes and bookmarks cannot be saved in this session.",
            )

    def _make_dir(self) -> None:
        folder = self.data_dir
        created = not folder.exists()
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(20, "Not a directory", str(folder))
        ours = all(n.startswith(("ldn-tui.", ".ldn-tui.")) for n in os.listdir(folder))
        if (created or ours) and os.stat(folder).st_mode & 0o777 != DIR_MODE:
            try:
                os.chmod(folder, DIR_MODE)  # umask-independent
            except OSError:
                pass  # not ours to change

    def _probe_writable(self) -> None:
        """Raise OSError unless a file can be created in the data folder."""
        # Not named like a write's temp file: those are swept by other
        # processes opening the store, and this probe runs outside the lock.
        fd, name = tempfile.mkstemp(dir=self.data_dir, prefix=f".{DB_NAME}-probe-")
        os.close(fd)
        os.unlink(name)

    def _remove_stale_temps(self) -> None:
        """Temp files left by a crash mid-write (we hold the lock: none is live)."""
        prefix = temp_prefix(self.path)
        for name in os.listdir(self.data_dir):
            if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
                try:
                    os.unlink(self.data_dir / name)
                except OSError:
                    pass

    # -- state of the session -------------------------------------------------

    @property
    def read_only(self) -> bool:
        """True if this session cannot save anything."""
        return self._read_only_reason is not None

    @property
    def warning(self) -> str | None:
        """What the reader should be told about their notes file, or None."""
        return " ".join(self._warnings) or None

    def _warn(self, message: str) -> None:
        if message not in self._warnings:
            self._warnings.append(message)

    def _set_read_only(self, reason: str, message: str) -> None:
        if self._read_only_reason is None:
            self._read_only_reason = reason
            self._warn(message)

    # -- locking, re-reading, repairing ------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._closed:
                raise StoreError("The notes file is closed.")
            if self._lock is None:
                yield  # read-only without a lock file: atomic replace keeps reads whole
                return
            self._lock.acquire(LOCK_TIMEOUT)
            try:
                yield
            finally:
                self._lock.release()

    @contextmanager
    def _op(self, write: bool) -> Iterator[None]:
        """Hold the locks, bring the cache up to date, turn OS errors into words."""
        if write and self._read_only_reason:
            raise StoreReadOnly(f"Your change was not saved: {self._read_only_reason}.")
        try:
            with self._locked():
                self._refresh()
                if write and self._read_only_reason:
                    raise StoreReadOnly(f"Your change was not saved: {self._read_only_reason}.")
                try:
                    yield
                except BaseException:
                    if write:
                        self._storage.invalidate()  # TinyDB may have edited the cache
                    raise
        except LockTimeout:
            raise StoreBusy(
                "Your notes file is busy: another ldn-tui kept it locked for "
                f"{LOCK_TIMEOUT:.0f} seconds. Try again in a moment."
            ) from None
        except (OSError, DamagedFile) as exc:
            if write:
                raise StoreError(
                    f"Your change could not be saved ({_why(exc)}: {self.path}). "
                    "Nothing was changed."
                ) from exc
            raise StoreError(f"Your notes file could not be read ({_why(exc)}: {self.path}).") from exc

    def _refresh(self) -> None:
        """Re-read the file if it changed; repair, migrate or go read-only."""
        try:
            tables = self._storage.read()
        except DamagedFile as exc:
            self._repair(exc.raw, self._storage.last_good or empty_tables(), exc.reason, ())
            return
        info: LoadInfo | None = self._storage.info
        if info is not None and info.version > SCHEMA_VERSION:
            self._set_read_only(
                "your notes file comes from a newer version of ldn-tui",
                f"Your notes file {self.path} was written by a newer version of "
                f"ldn-tui (file format {info.version}; this version knows up to "
                f"{SCHEMA_VERSION}). It was left untouched and opened read-only: "
                "update ldn-tui to change notes or bookmarks.",
            )
        elif info is not None and info.problems:
            self._repair(self._storage.current_bytes(), tables, "parts of it were damaged", info.problems)
            return
        elif info is not None and info.migrated_from is not None and not self._read_only_reason:
            self._backup(self._storage.current_bytes(), f"schema{info.migrated_from}")
            self._storage.write(tables)

    def _repair(self, raw: bytes, salvage: dict, reason: str, problems: tuple[str, ...]) -> None:
        """Keep the damaged bytes aside, then carry on from ``salvage``."""
        n_notes, n_marks = len(salvage.get(NOTES, {})), len(salvage.get(BOOKMARKS, {}))
        readable = (
            f"the {_count(n_notes, 'note')} and {_count(n_marks, 'bookmark')} that could still be read"
            if n_notes or n_marks
            else ""
        )
        detail = "; ".join(problems) or reason
        if self._read_only_reason:
            self._storage.pin(salvage)
            self._warn(
                f"Your notes file {self.path} is damaged ({detail}). It was left as it "
                f"is; this session shows {readable or 'no notes'} and cannot save changes."
            )
            return
        try:
            backup = self._backup(raw, "damaged")
            self._storage.write(salvage)
        except OSError as exc:
            self._storage.pin(salvage)
            self._set_read_only(
                "your notes file is damaged and could not be backed up",
                f"Your notes file {self.path} is damaged ({detail}) and could not be "
                f"backed up ({_why(exc)}). It was left as it is; this session shows "
                f"{readable or 'no notes'} and cannot save changes.",
            )
            return
        started = f"a new notes file was started with {readable}" if readable else "a new empty notes file was started"
        self._warn(
            f"Your notes file was damaged and could not be read ({detail}). "
            f"It was kept as {backup}; {started}."
        )

    def _backup(self, raw: bytes, kind: str) -> Path:
        """Write ``raw`` to a new, unique, private ``ldn-tui.json.<kind>-<time>``."""
        base = f"{DB_NAME}.{kind}-{time.strftime('%Y%m%d-%H%M%S')}"
        for n in range(1, 10_000):
            candidate = self.data_dir / (base if n == 1 else f"{base}-{n}")
            try:
                write_new_private_file(candidate, raw)
                return candidate
            except FileExistsError:
                continue
        raise FileExistsError(17, "no free backup name", base)

    def _table(self, name: str) -> Table:
        # A fresh Table per operation: TinyDB tables cache the next document id
        # and query results, which another process can make stale.
        return Table(self._db.storage, name, cache_size=0)

    def _update(self, name: str, fields: dict, doc_ids: list[int]) -> None:
        """TinyDB's update, announced: it edits documents in place (see storage)."""
        self._storage.edited(name, doc_ids)
        self._table(name).update(fields, doc_ids=doc_ids)

    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per version of the data (frozen results are shared)."""
        self._storage.read()
        gen = self._storage.generation
        hit = self._cache.get(key)
        if hit is None or hit[0] != gen:
            hit = self._cache[key] = (gen, build())
        return hit[1]

    def _raw_docs(self, name: str) -> list[dict]:
        """A table's documents, read-only, in creation order.

        Straight from the storage: ``Table.all()`` would copy every document
        first, which doubles the cost of listing 10,000 notes. The sort is
        stable, so equal times keep file (insertion) order.
        """
        return sorted(self._storage.read().get(name, {}).values(), key=itemgetter("created"))

    def _all_bookmarks(self) -> tuple[Bookmark, ...]:
        return self._cached(BOOKMARKS, lambda: tuple(map(_bookmark, self._raw_docs(BOOKMARKS))))

    def _all_notes(self) -> tuple[Note, ...]:
        return self._cached(NOTES, lambda: tuple(map(_note, self._raw_docs(NOTES))))

    def _state(self) -> AppState:
        # not cached: ``extra`` is a mutable dict, so every caller gets a copy
        return _state(next(iter(self._table(STATE).all()), {}))

    # -- bookmarks ---------------------------------------------------------------

    def bookmarks(self) -> list[Bookmark]:
        """All bookmarks, in creation order."""
        with self._op(write=False):
            return list(self._all_bookmarks())

    def is_bookmarked(self, pane_id: str, slug: str) -> bool:
        """True if the heading ``slug`` of ``pane_id`` is bookmarked."""
        with self._op(write=False):
            return any(b.pane_id == pane_id and b.slug == slug for b in self._all_bookmarks())

    def toggle_bookmark(self, pane_id: str, slug: str, heading: str) -> bool:
        """Bookmark the heading, or remove its bookmark. True if now bookmarked."""
        doc = self._bookmark_doc(pane_id, slug, heading, now_utc())
        with self._op(write=True):
            table = self._table(BOOKMARKS)
            found = table.search(lambda d: d["pane_id"] == pane_id and d["slug"] == slug)
            if found:
                table.remove(doc_ids=[d.doc_id for d in found])
                return False
            table.insert(doc)
            return True

    def remove_bookmark(self, pane_id: str, slug: str) -> bool:
        """Remove the bookmark on that heading, if any. True if one was removed."""
        with self._op(write=True):
            table = self._table(BOOKMARKS)
            found = table.search(lambda d: d["pane_id"] == pane_id and d["slug"] == slug)
            if found:
                table.remove(doc_ids=[d.doc_id for d in found])
            return bool(found)

    def merge_bookmark(self, bookmark: Bookmark) -> Literal["added", "skipped"]:
        """Import a bookmark: added unless that heading is already bookmarked."""
        b = bookmark
        doc = self._imported_bookmark_doc(b)
        with self._op(write=True):
            table = self._table(BOOKMARKS)
            if table.search(lambda d: d["pane_id"] == b.pane_id and d["slug"] == b.slug):
                return "skipped"
            table.insert(doc)
            return "added"

    @classmethod
    def _imported_bookmark_doc(cls, b: Bookmark) -> dict:
        created = check_text(b.created, "created time")
        return cls._bookmark_doc(b.pane_id, b.slug, b.heading, created)

    @staticmethod
    def _bookmark_doc(pane_id: str, slug: str, heading: str, created: str) -> dict:
        return {
            "pane_id": check_text(pane_id, "pane id"),
            "slug": check_text(slug, "heading slug"),
            "heading": check_text(heading, "heading"),
            "created": created,
        }

    # -- notes -------------------------------------------------------------------

    def notes(self, pane_id: str | None = None) -> list[Note]:
        """All notes (or those of one pane), in creation order."""
        with self._op(write=False):
            notes = self._all_notes()
            if pane_id is None:
                return list(notes)
            return [n for n in notes if n.pane_id == pane_id]

    def get_note(self, note_id: str) -> Note | None:
        """The note with ``note_id``, or None."""
        with self._op(write=False):
            found = self._table(NOTES).search(lambda d: d["id"] == note_id)
            return _note(found[0]) if found else None

    def add_note(self, pane_id: str, slug: str, heading: str, text: str) -> Note:
        """Store a new note on a heading and return it (with its new id)."""
        stamp = now_utc()
        note = Note(
            uuid.uuid4().hex, check_text(pane_id, "pane id"), check_text(slug, "heading slug"),
            check_text(heading, "heading"), check_text(text, "note"), stamp, stamp,
        )  # fmt: skip
        with self._op(write=True):
            self._table(NOTES).insert(asdict(note))
        return note

    def update_note(self, note_id: str, text: str) -> Note:
        """Replace a note's text; returns the updated note.

        Raises:
            NoteNotFound: no such note (it may have been deleted elsewhere).
        """
        check_text(text, "note")
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note_id)
            if not found:
                raise NoteNotFound(
                    "This note no longer exists; it may have been deleted in "
                    "another ldn-tui window. Your text was not saved."
                )
            current = found[0]
            if current["text"] == text:
                return _note(current)
            changes = {"text": text, "updated": _later_than(current["updated"])}
            self._update(NOTES, changes, [d.doc_id for d in found])
            return _note({**current, **changes})

    def delete_note(self, note_id: str) -> bool:
        """Delete a note. True if it existed."""
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note_id)
            if found:
                table.remove(doc_ids=[d.doc_id for d in found])
            return bool(found)

    def merge_note(self, note: Note) -> Literal["added", "updated", "skipped"]:
        """Import a note, keeping its id and times.

        A new id is added; for a known id the copy with the later ``updated``
        wins ("updated" if that is the incoming one); identical or older ->
        "skipped".
        """
        doc = _imported_note_doc(note)
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note.id)
            if not found:
                table.insert(doc)
                return "added"
            current = _note(found[0])
            if current == note or not _newer(note.updated, current.updated):
                return "skipped"
            self._update(NOTES, doc, [d.doc_id for d in found])
            return "updated"

    def merge_many(self, notes: Iterable[Note], bookmarks: Iterable[Bookmark]) -> MergeResult:
        """Import many notes and bookmarks at once: one lock hold, one write.

        Every outcome is what :meth:`merge_note` and :meth:`merge_bookmark`
        would give called once per record, notes first, in order (a later
        copy of an id in the same batch meets the earlier one). Every record
        is checked before anything changes, so a bad one raises (as those
        methods do) and nothing is saved. Nothing is written if every
        record is skipped.
        """
        note_docs = [(note, _imported_note_doc(note)) for note in notes]
        mark_docs = [self._imported_bookmark_doc(b) for b in bookmarks]
        if not note_docs and not mark_docs:
            return MergeResult([], [])
        with self._op(write=True):
            tables = self._storage.read()  # a shallow copy: the cache is not edited
            note_out, note_table = _merge_note_docs(tables.get(NOTES, {}), note_docs)
            mark_out, mark_table = _merge_bookmark_docs(tables.get(BOOKMARKS, {}), mark_docs)
            if note_table is not None:
                tables[NOTES] = note_table
            if mark_table is not None:
                tables[BOOKMARKS] = mark_table
            if note_table is not None or mark_table is not None:
                self._storage.write(tables)
        return MergeResult(note_out, mark_out)

    # -- app state ---------------------------------------------------------------

    def state(self) -> AppState:
        """Where the reader was and what they chose."""
        with self._op(write=False):
            return self._state()

    def set_state(self, **changes: Any) -> AppState:
        """Change some fields of the app state; returns the new state.

        Known fields are type-checked (``scroll_y`` accepts a float and keeps
        its integer part). Any other keyword is kept in ``AppState.extra``
        (JSON values only); ``extra={...}`` merges several at once.
        """
        fields = dict(changes.pop("extra", None) or {})
        fields.update(changes)
        clean = {key: check_state_value(key, value) for key, value in fields.items()}
        with self._op(write=True):
            table = self._table(STATE)
            docs = table.all()
            current = docs[0] if docs else {}
            if all(k in current and current[k] == v for k, v in clean.items()):
                return _state(current)
            if docs:
                self._update(STATE, clean, [docs[0].doc_id])
            else:
                table.insert(clean)
            return _state({**current, **clean})

    # -- whole-store helpers -----------------------------------------------------

    def snapshot(self) -> tuple[list[Bookmark], list[Note], AppState]:
        """Bookmarks, notes and state, read together (for export)."""
        with self._op(write=False):
            return list(self._all_bookmarks()), list(self._all_notes()), self._state()

    def orphans(self, known: set[tuple[str, str]]) -> tuple[list[Bookmark], list[Note]]:
        """Bookmarks and notes whose ``(pane_id, slug)`` is not in ``known``.

        ``known`` holds every heading in the current content. See
        :func:`find_orphans`.
        """
        with self._op(write=False):
            return find_orphans(list(self._all_bookmarks()), list(self._all_notes()), known)

    def close(self) -> None:
        """Release the file and the lock. Safe to call twice."""
        with self._thread_lock:
            if self._closed:
                return
            self._closed = True
            self._db.close()
            if self._lock is not None:
                self._lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Store {str(self.path)!r} {mode}>"

