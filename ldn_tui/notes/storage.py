"""The notes file itself: atomic writes, a cache checked against the disk, a lock.

:mod:`ldn_tui.notes.store` builds the reader-facing API on top. No Textual imports.

The file format (schema, the checks made on load, migrations) lives in
:mod:`ldn_tui.notes.file_format`. The write itself is :func:`ldn_tui.fsutil.write_atomic`.

How a write stays safe (see :meth:`AtomicJSONStorage.write`): the JSON goes
to a new private temporary file in the same directory, is flushed and
``fsync``-ed, then ``os.replace``-d over the database, and the directory is
``fsync``-ed so the rename itself is durable. A crash at any instant leaves
either the old file or the new one at the database path, never a mix. The
database is never written in place.

How two processes stay safe: every read-modify-write runs while holding
:class:`InterProcessLock` (``fcntl.flock`` on a separate lock file, never
deleted). Reads re-validate the cached data against the file on disk
(``st_dev``, ``st_ino``, ``st_size``, ``st_mtime_ns``, ``st_ctime_ns``). The
storage keeps a descriptor of the cached file open, so its inode number
cannot be recycled for a newer file while the cache is in use: a different
file always has a different inode.

How a write stays fast with 10,000 notes: the file is still rewritten whole
(one ``write``, one ``fsync``), but its text is assembled from per-document
pieces kept from the previous write (:class:`_TableText`), so only changed
documents are serialised again. The contract that makes this correct: a
document TinyDB edits *in place* (``Table.update``) must be announced first
with :meth:`AtomicJSONStorage.edited`; everything else TinyDB does creates
new objects, which are noticed by identity.
"""

from __future__ import annotations

import errno
import json
import operator
import os
import stat
import time
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

try:
    import fcntl
except ImportError:  # not POSIX (Windows): one clear line, see ldn_tui.posix
    from ldn_tui.posix import NotPosix

    raise NotPosix() from None

from ldn_tui.fsutil import FILE_MODE, write_atomic
from ldn_tui.notes.file_format import DamagedFile

DIR_MODE = 0o700

#: Loader hook: parsed JSON -> (tables, info). May raise :class:`DamagedFile`.
Loader = Callable[[Any], tuple[dict[str, Any], Any]]


# --------------------------------------------------------------------------
# Files and locks
# --------------------------------------------------------------------------


class LockTimeout(OSError):
    """Another process held the lock for too long."""


def temp_prefix(path: Path) -> str:
    """Prefix of the temporary files :meth:`AtomicJSONStorage.write` creates."""
    return f".{path.name}."


class InterProcessLock:
    """An exclusive ``flock`` on ``path``, with a timeout.

    The lock file is created 0600 and never removed (removing a lock file
    lets two processes lock two different inodes). ``flock`` belongs to the
    open file description, so each Store has its own and two Stores in one
    process exclude each other too; threads are the Store's business.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            os.fchmod(self._fd, FILE_MODE)
        except OSError:
            pass  # not ours to change (another user's lock file): flock still works

    def acquire(self, timeout: float = 10.0) -> None:
        """Block until the lock is ours; :class:`LockTimeout` after ``timeout`` s."""
        assert self._fd is not None, "lock is closed"
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(errno.EWOULDBLOCK, "another ldn-tui kept it locked", str(self.path)) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.02)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _parse_int(text: str) -> int | float:
    """An integer of the file; one too long for Python to read (4,300
    digits) becomes an infinite float, so the checks on load drop and name
    the value it sits in instead of the whole file failing to parse."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def _stat_key(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_MISSING = (-1,)  # cache key while the file does not exist
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _TableText:
    """The JSON text of one TinyDB table, kept up to date document by document.

    ``pieces[i]`` is ``,"key":{...}`` -- the text of ``docs[i]`` stored under
    ``keys[i]``, with a leading comma so the whole file is one ``"".join``.
    A write usually changes one document of 10,000, so :meth:`chunks`
    re-serialises only documents that are new objects or were announced as
    edited (:meth:`AtomicJSONStorage.edited`); checking the others is a
    C-speed comparison of the key list and of document identity. Everything
    TinyDB does makes new objects, except ``Table.update``, which edits
    documents in place -- hence the announcement.
    """

    __slots__ = ("keys", "docs", "pieces", "stale")

    def __init__(self) -> None:
        self.keys: list[Any] = []
        self.docs: list[Any] = []
        self.pieces: list[str] = []
        self.stale: set[Any] = set()

    def chunks(self, table: dict[str, Any]) -> list[str] | None:
        """The table's pieces, brought up to date; None if its keys are not all str."""
        keys, docs = list(table), list(table.values())
        n, stale = len(self.keys), self.stale
        if not stale and keys[:n] == self.keys and all(map(operator.is_, docs, self.docs)):
            added: list[str] = []
            for k, d in zip(keys[n:], docs[n:]):  # usually 0 or 1
                piece = _piece(k, d)
                if piece is None:
                    return None
                added.append(piece)
            pieces = self.pieces + added if added else self.pieces
        else:
            old = {(k, id(d)): p for k, d, p in zip(self.keys, self.docs, self.pieces)}
            pieces = []
            for k, d in zip(keys, docs):
                p = old.get((k, id(d))) if k not in stale else None
                if p is None and (p := _piece(k, d)) is None:
                    return None
                pieces.append(p)
        self.keys, self.docs, self.pieces, self.stale = keys, docs, pieces, set()
        return pieces


def _piece(key: Any, doc: Any) -> str | None:
    # json.dumps turns non-str keys into strings its own way: leave those to it
    return f",{_dumps(key)}:{_dumps(doc)}" if type(key) is str else None


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, atomic replace, cache validated by stat.

    The caller (the Store) must hold the :class:`InterProcessLock` around
    every read-modify-write. ``read()`` hands out a shallow copy of the
    cached tables: TinyDB replaces the table it updates and may edit that
    table's documents in place before calling ``write()``; if that write
    fails, the caller must call :meth:`invalidate` so the edited cache is
    dropped and the file is read again.

    Args:
        path: the database file.
        loader: turns parsed JSON into ``(tables, info)`` (validation,
            migration); may raise :class:`DamagedFile`. ``info`` is kept as
            :attr:`info` for the caller.
        empty: the tables of a database that does not exist yet.
    """

    def __init__(self, path: Path, loader: Loader, empty: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self.path = Path(path)
        self._loader = loader
        self._empty = empty
        self._tables: dict[str, Any] | None = None
        self._key: tuple[int, ...] | None = None
        self._fd: int | None = None  # keeps the cached inode alive (see module doc)
        self._pinned = False
        #: what the loader said about the cached data (None: written by us)
        self.info: Any = None
        #: bumped whenever the cached data changes; callers key caches on it
        self.generation = 0
        #: the last tables read or written successfully (to recover from damage)
        self.last_good: dict[str, Any] | None = None
        self._texts: dict[str, _TableText] = {}  # see serialise()

    # -- reading ---------------------------------------------------------

    def read(self) -> dict[str, Any]:
        if self._pinned:
            return dict(self._tables or {})
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._key != _MISSING:
                self._set_cache(self._empty(), None, _MISSING, None)
            return dict(self._tables or {})
        if self._tables is not None and self._key == _stat_key(st):
            return dict(self._tables or {})
        # O_NONBLOCK: a pipe put in the file's place must not hang the app
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "it is not a regular file", str(self.path))
            key = _stat_key(st)
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            raw = b"".join(chunks)
            obj = self._parse(raw)
            try:
                tables, info = self._loader(obj)
            except DamagedFile as exc:
                exc.raw = raw
                raise
        except BaseException:
            os.close(fd)
            raise
        self._set_cache(tables, info, key, fd)
        return dict(self._tables or {})

    @staticmethod
    def _parse(raw: bytes) -> Any:
        if not raw or raw.isspace():
            raise DamagedFile("it is empty", raw)
        try:  # -sig: tolerate the byte-order mark some editors add
            return json.loads(raw.decode("utf-8-sig"), parse_int=_parse_int)
        except UnicodeDecodeError:
            raise DamagedFile("it is not valid UTF-8 text", raw) from None
        except (ValueError, RecursionError):
            raise DamagedFile("it is not complete, valid JSON", raw) from None

    def current_bytes(self) -> bytes:
        """The bytes of the file the cache came from (for a backup)."""
        if self._fd is None:
            return b""
        size = os.fstat(self._fd).st_size
        return os.pread(self._fd, size, 0)

    def pin(self, tables: dict[str, Any], info: Any = None) -> None:
        """Serve ``tables`` from now on without touching the file (read-only use)."""
        self._set_cache(tables, info, None, None)
        self._pinned = True

    def unpin(self) -> None:
        """Undo :meth:`pin`: read the file again from the next read on."""
        self._pinned = False
        self._set_cache(None, None, None, None)

    def invalidate(self) -> None:
        """Forget the cache: the next read parses the file again."""
        if not self._pinned:
            self._set_cache(None, None, None, None)

    def _set_cache(self, tables: dict[str, Any] | None, info: Any, key: Any, fd: int | None) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._tables, self.info, self._key, self._fd = tables, info, key, fd
        if tables is not None:
            self.last_good = tables
        self.generation += 1

    # -- writing ---------------------------------------------------------

    def write(self, data: dict[str, Any]) -> None:
        if self._pinned:
            raise PermissionError(errno.EROFS, "storage is pinned read-only", str(self.path))
        try:
            payload = self.serialise(data).encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate that came *from the file* (the store refuses new
            # ones): write it back as the \udXXX escape it was read from.
            payload = json.dumps(data, separators=(",", ":")).encode("ascii")
        try:
            write_atomic(self.path, payload, temp_prefix=temp_prefix(self.path))
            # Writes happen under the store's lock, so the file now at the
            # path is ours: cache what we wrote, keyed by its stat, and keep
            # it open so its inode number cannot be reused (see module doc).
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except BaseException:
            self.invalidate()
            raise
        self._set_cache(data, None, _stat_key(os.fstat(fd)), fd)

    def edited(self, name: str, keys: Iterable[Any]) -> None:
        """Announce that documents ``keys`` of table ``name`` will be edited in place.

        Call before TinyDB's ``Table.update``: the serialiser otherwise
        trusts an unchanged document object to have unchanged contents.
        """
        self._texts.setdefault(name, _TableText()).stale.update(map(str, keys))

    def serialise(self, data: dict[str, Any]) -> str:
        """``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``, faster.

        Re-serialising 10,000 notes on every change costs 30-40 ms; instead
        each table's text is kept up to date piece by piece (:class:`_TableText`)
        and the file is built with a single join.
        """
        texts: dict[str, _TableText] = {}
        out = []
        for name, table in data.items():
            out.append(f",{_dumps(name)}:")
            pieces = None
            if isinstance(table, dict) and type(name) is str:
                cached = texts[name] = self._texts.get(name) or _TableText()
                pieces = cached.chunks(table)
            if pieces is None:
                out.append(_dumps(table))
            elif pieces:
                out.append("{" + pieces[0][1:])
                out.extend(islice(pieces, 1, None))
                out.append("}")
            else:
                out.append("{}")
        self._texts = texts
        if not out:
            return "{}"
        out[0] = "{" + out[0][1:]  # the first table name has no comma before it
        out.append("}")
        return "".join(out)

    def close(self) -> None:
        self._set_cache(None, None, None, None)
        self._texts = {}
        self.last_good = None
