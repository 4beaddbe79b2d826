"""The notes file for one session: opening it, the locks, re-reading, repairs.

:class:`StoreSession` is the part of :class:`~ldn_tui.notes.store.Store` that
deals with the file rather than with bookmarks and notes: :meth:`open
<StoreSession.open>` (which never raises), the thread and inter-process
locks, re-reading what another process wrote, keeping a damaged or
old-format file aside, and read-only sessions. See the module docstring of
:mod:`ldn_tui.notes.store` for the rules. No Textual imports.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, Self

from tinydb import TinyDB
from tinydb.table import Table

from ldn_tui.fsutil import FILE_MODE, TEMP_SUFFIX, write_atomic
from ldn_tui.notes.file_format import DB_NAME, STORE_SCHEMA_VERSION, DamagedFile, LoadInfo, empty_tables, load_tables
from ldn_tui.notes.records import BOOKMARKS, NOTES, StoreBusy, StoreError, StoreReadOnly
from ldn_tui.notes.storage import (
    DIR_MODE,
    AtomicJSONStorage,
    InterProcessLock,
    LockTimeout,
    temp_prefix,
)

LOCK_NAME = "ldn-tui.lock"
#: seconds to wait for another ldn-tui holding the lock before giving up
LOCK_TIMEOUT = 10.0
#: seconds :meth:`StoreSession.open` waits for the lock: the app opens the
#: store on its UI thread, so a longer wait is a frozen window. A store that
#: could not be opened in time retries on each later use (F27).
OPEN_LOCK_TIMEOUT = 2.0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class StoreSession:
    """The notes file, opened for a session: locks, re-reading, repairing.

    :class:`~ldn_tui.notes.store.Store` builds the reader's bookmarks, notes and
    state on top; open one with :meth:`Store.open <ldn_tui.notes.store.Store.open>`.
    """

    def __init__(self, data_dir: Path, shown_as: Path | None = None) -> None:
        """Use :meth:`open`; this only sets fields and touches no file."""
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.path = self.data_dir / DB_NAME
        #: the folder the reader knows this store as (a dry run works on a copy)
        self._shown_dir = Path(shown_as).expanduser().absolute() if shown_as is not None else None
        #: the open waited too long for the lock: retry on each later use (F27)
        self._deferred = False
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
    def open(cls, data_dir: Path | str, *, shown_as: Path | str | None = None) -> Self:
        """Open (creating if needed) the store in ``data_dir``. Never raises.

        ``shown_as``: the folder to name in messages instead of ``data_dir``,
        for a dry run that works on a throw-away copy of the reader's file;
        repairs are then described as what a real run would do (F31).
        """
        store = cls(Path(data_dir), None if shown_as is None else Path(shown_as))
        try:
            store._open()
        except Exception as exc:  # noqa: BLE001 - last line of defence: a warning, not a traceback
            store._storage.pin(empty_tables())
            store._set_read_only(
                f"your notes could not be opened ({_why(exc)})",
                f"Your notes file {store._shown(store.path)} could not be opened ({_why(exc)}). "
                "Nothing was changed; notes and bookmarks cannot be saved in this session.",
            )
        return store

    def _shown(self, path: Path) -> Path:
        """``path`` as the reader knows it (see ``shown_as`` in :meth:`open`)."""
        if self._shown_dir is None:
            return path
        try:
            return self._shown_dir / path.relative_to(self.data_dir)
        except ValueError:
            return path

    def _open(self) -> None:
        folder = self._shown(self.data_dir)
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
        if not self._follow_link():
            return
        if not self._check_readable():
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
        file = self._storage.path
        if not self._read_only_reason and file.exists() and not os.access(file, os.W_OK):
            self._set_read_only(
                f"the notes file {self._shown(self.path)} is read-only",
                f"Your notes file {self._shown(self.path)} is read-only (its permissions do not "
                "allow changes), so notes and bookmarks cannot be saved in this session.",
            )
        try:
            with self._locked(OPEN_LOCK_TIMEOUT):
                if not self._read_only_reason:
                    self._remove_stale_temps()
                self._refresh()
                if not self._read_only_reason:  # a newer version's file stays untouched
                    self._make_private(file)
        except LockTimeout:
            self._defer()
            return
        except OSError as exc:
            self._storage.pin(self._storage.last_good or empty_tables())
            self._set_read_only(
                f"your notes file {self._shown(self.path)} could not be read",
                f"Your notes file {self._shown(self.path)} could not be read ({_why(exc)}). It was "
                "left as it is; notes and bookmarks cannot be saved in this session.",
            )
            return
        if not self._read_only_reason and not file.exists():
            self._create()

    def _follow_link(self) -> bool:
        """A notes file that is a symbolic link is followed: writes replace
        the file it points to, never the link (F29). A link to nothing (or
        to something that is not a file) is reported and left alone.
        False if the session cannot go on reading the file."""
        if not self.path.is_symlink():
            return True
        target = Path(os.path.realpath(self.path))
        if target.is_file():
            self._storage.path = target
            return True
        what = "a folder" if target.is_dir() else "missing" if not target.exists() else "not a file"
        self._storage.pin(empty_tables())
        self._set_read_only(
            f"your notes file {self._shown(self.path)} is a link to something that is {what}",
            f"Your notes file {self._shown(self.path)} is a link to {target}, which is {what}. "
            "Nothing was changed; notes and bookmarks cannot be saved in this session. "
            "Fix or remove the link, then start ldn-tui again.",
        )
        return False

    def _check_readable(self) -> bool:
        """Report a notes file the reader may not read as exactly that (F26)."""
        file = self._storage.path
        try:
            fd = os.open(file, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return True
        except OSError as exc:
            self._storage.pin(empty_tables())
            self._set_read_only(
                f"your notes file {self._shown(self.path)} could not be read",
                f"Your notes file {self._shown(self.path)} could not be read ({_why(exc)}), so no "
                "notes or bookmarks are shown and none can be saved in this session. It was left "
                "as it is: check that it belongs to you and that you may read it (chmod 600).",
            )
            return False
        os.close(fd)
        return True

    @staticmethod
    def _make_private(file: Path) -> None:
        """An existing notes file of ours becomes 0600 now, not at the next write (F30)."""
        try:
            st = os.stat(file)
            if st.st_uid == os.geteuid() and stat.S_ISREG(st.st_mode) and st.st_mode & 0o777 != FILE_MODE:
                os.chmod(file, FILE_MODE)
        except OSError:
            pass  # not ours to change; the write that replaces it is 0600 anyway

    def _create(self) -> None:
        """Write a new, empty notes file; on failure say so, honestly (F28)."""
        try:
            with self._locked(OPEN_LOCK_TIMEOUT):
                if not self._storage.path.exists():
                    self._storage.write(self._storage.read())
        except LockTimeout:
            return  # another ldn-tui is at it; the first change creates the file
        except OSError as exc:
            self._warn(
                f"A new notes file {self._shown(self.path)} could not be created ({_why(exc)}). "
                "Nothing was lost; saving a note will try again."
            )

    # -- a lock held at start-up (F27) -------------------------------------------

    def _busy_message(self) -> str:
        return (
            f"Your notes file {self._shown(self.path)} is busy: another ldn-tui kept it locked. "
            "Your notes and bookmarks will show once it is free; nothing was changed."
        )

    def _defer(self) -> None:
        """The lock stayed taken while opening: show nothing yet, retry on each use."""
        self._deferred = True
        self._storage.pin(empty_tables())
        self._warn(self._busy_message())

    def _resume(self, timeout: float) -> bool:
        """Finish a deferred open if the lock can be had within ``timeout`` s."""
        with self._thread_lock:
            if not self._deferred:
                return True
            assert self._lock is not None
            try:
                self._lock.acquire(timeout)
            except LockTimeout:
                return False
            try:
                self._storage.unpin()
                self._deferred = False
                if not self._read_only_reason:
                    self._remove_stale_temps()
            finally:
                self._lock.release()
            message = self._busy_message()
            if message in self._warnings:
                self._warnings.remove(message)
            return True

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
        """Temp files left by a crash mid-write (we hold the lock: none is live).

        Those of the database (beside it, wherever a link points) and those of
        backups (in the data folder).
        """
        for folder, prefix in {
            (self._storage.path.parent, temp_prefix(self._storage.path)),
            (self.data_dir, temp_prefix(self.path)),
        }:
            for name in os.listdir(folder):
                if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
                    try:
                        os.unlink(folder / name)
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
    def _locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        with self._thread_lock:
            if self._closed:
                raise StoreError("The notes file is closed.")
            if self._lock is None:
                yield  # read-only without a lock file: atomic replace keeps reads whole
                return
            self._lock.acquire(timeout)
            try:
                yield
            finally:
                self._lock.release()

    @contextmanager
    def _op(self, write: bool, complete: bool = False) -> Iterator[None]:
        """Hold the locks, bring the cache up to date, turn OS errors into words.

        While a deferred open (F27) still cannot get the lock, a read sees
        nothing (the app must keep running) unless ``complete`` (an export
        must never silently be empty); a change, or a ``complete`` read,
        raises :class:`StoreBusy`.
        """
        if write and self._read_only_reason:
            raise StoreReadOnly(f"Your change was not saved: {self._read_only_reason}.")
        if self._deferred and not self._resume(LOCK_TIMEOUT if complete else 1.0 if write else 0.0):
            if write or complete:
                raise StoreBusy(
                    "Your notes file is busy: another ldn-tui has kept it locked since this "
                    "one started. Nothing was changed; try again in a moment."
                )
            with self._thread_lock:
                yield
            return
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
                    f"Your change could not be saved ({_why(exc)}: {self._shown(self.path)}). Nothing was changed."
                ) from exc
            raise StoreError(f"Your notes file could not be read ({_why(exc)}: {self._shown(self.path)}).") from exc

    def _refresh(self) -> None:
        """Re-read the file if it changed; repair, migrate or go read-only."""
        try:
            tables = self._storage.read()
        except DamagedFile as exc:
            self._repair(exc.raw, self._storage.last_good or empty_tables(), exc.reason, ())
            return
        info: LoadInfo | None = self._storage.info
        if info is not None and info.version > STORE_SCHEMA_VERSION:
            self._set_read_only(
                "your notes file comes from a newer version of ldn-tui",
                f"Your notes file {self._shown(self.path)} was written by a newer version of "
                f"ldn-tui (file format {info.version}; this version knows up to "
                f"{STORE_SCHEMA_VERSION}). It was left untouched and opened read-only: "
                "update ldn-tui to change notes or bookmarks.",
            )
        elif info is not None and info.problems:
            self._repair(self._storage.current_bytes(), tables, "parts of it were damaged", info.problems)
            return
        elif info is not None and info.migrated_from is not None and not self._read_only_reason:
            self._backup(self._storage.current_bytes(), f"schema{info.migrated_from}")
            self._storage.write(tables)

    def _repair(self, raw: bytes, salvage: dict[str, Any], reason: str, problems: tuple[str, ...]) -> None:
        """Keep the damaged bytes aside, then carry on from ``salvage``."""
        n_notes, n_marks = len(salvage.get(NOTES, {})), len(salvage.get(BOOKMARKS, {}))
        readable = (
            f"the {_count(n_notes, 'note')} and {_count(n_marks, 'bookmark')} that could still be read"
            if n_notes or n_marks
            else ""
        )
        detail = "; ".join(problems) or reason
        shown = self._shown(self.path)
        if self._read_only_reason:
            self._storage.pin(salvage)
            self._warn(
                f"Your notes file {shown} is damaged ({detail}). It was left as it "
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
                f"Your notes file {shown} is damaged ({detail}) and could not be "
                f"backed up ({_why(exc)}). It was left as it is; this session shows "
                f"{readable or 'no notes'} and cannot save changes.",
            )
            return
        if self._shown_dir is not None:  # a dry run: the reader's file was not touched
            self._warn(
                f"Your notes file {shown} is damaged ({detail}). This dry run left it as it is; "
                "a real import (or starting ldn-tui) keeps it as a backup first and starts a new "
                f"notes file with {readable or 'no notes'}."
            )
            return
        started = f"a new notes file was started with {readable}" if readable else "a new empty notes file was started"
        self._warn(f"Your notes file was damaged and could not be read ({detail}). It was kept as {backup}; {started}.")

    def _backup(self, raw: bytes, kind: str) -> Path:
        """Write ``raw`` to a new, unique, private ``ldn-tui.json.<kind>-<time>``."""
        base = f"{DB_NAME}.{kind}-{time.strftime('%Y%m%d-%H%M%S')}"
        for n in range(1, 10_000):
            candidate = self.data_dir / (base if n == 1 else f"{base}-{n}")
            try:
                write_atomic(candidate, raw, replace=False, temp_prefix=temp_prefix(self.path))
                return candidate
            except FileExistsError:
                continue
        raise FileExistsError(17, "no free backup name", base)

    def _table(self, name: str) -> Table:
        # A fresh Table per operation: TinyDB tables cache the next document id
        # and query results, which another process can make stale.
        return Table(self._db.storage, name, cache_size=0)

    def _update(self, name: str, fields: dict[str, Any], doc_ids: list[int]) -> None:
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

    def _raw_docs(self, name: str) -> list[dict[str, Any]]:
        """A table's documents, read-only, in creation order.

        Straight from the storage: ``Table.all()`` would copy every document
        first, which doubles the cost of listing 10,000 notes. The sort is
        stable, so equal times keep file (insertion) order.
        """
        return sorted(self._storage.read().get(name, {}).values(), key=itemgetter("created"))

    def close(self) -> None:
        """Release the file and the lock. Safe to call twice."""
        with self._thread_lock:
            if self._closed:
                return
            self._closed = True
            self._db.close()
            if self._lock is not None:
                self._lock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Store {str(self.path)!r} {mode}>"
