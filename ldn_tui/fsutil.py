"""Durable, all-or-nothing file writes: the one helper every writer uses.

The notes database, the draft file, exports and the content cache all write
the same way: the bytes go to a private temporary file in the destination's
directory, which is ``fsync``-ed, then moved into place (``os.replace``, or a
hard link when an existing file must not be replaced), and finally the
directory is ``fsync``-ed so the move itself survives a power cut. A crash at
any instant leaves either the old file or the new one, never a mix.

The order (write, ``fsync`` the file, move, ``fsync`` the directory) is
pinned by ``tests/unit/notes/test_durability_order.py``.

No Textual imports here, and nothing from the rest of ldn_tui.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

try:  # POSIX; the lock on a temporary file only helps the stale-file sweep
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["FILE_MODE", "TEMP_SUFFIX", "fsync_dir", "read_regular", "reason", "write_all", "write_atomic"]

FILE_MODE = 0o600
TEMP_SUFFIX = ".tmp"
#: Writes go out in pieces of this size, so a huge export cannot make one
#: ``write`` call hold the whole payload twice.
_CHUNK = 1 << 20

#: A file system that has no hard links says so with one of these.
_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS)


def reason(error: OSError) -> str:
    """Why a file operation failed, in a few plain lower-case words."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    if error.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    if error.errno == errno.EBADF:
        return "it is closed"
    return (error.strerror or str(error)).rstrip(".").lower()


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file, else None.

    A FIFO, device or socket put in a cache file's place must not hang the
    start: the file is opened non-blocking and refused unless it is regular
    (a directory too). :class:`OSError` (missing, unreadable) propagates.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        os.set_blocking(fd, True)
        chunks = []
        while chunk := os.read(fd, _CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in directory ``path`` durable.

    A file system that cannot ``fsync`` a directory (or open one) is not an
    error: the data itself was synced before the move.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:_CHUNK]) :]


def write_atomic(
    path: Path,
    data: bytes,
    *,
    replace: bool = True,
    temp_prefix: str | None = None,
    lock: bool = False,
    before_move: Callable[[], None] | None = None,
) -> os.stat_result:
    """Write ``data`` to ``path`` with mode 0600, whole or not at all.

    ``replace=False`` never replaces an existing file: the move is a hard
    link, which fails with :class:`FileExistsError` if ``path`` exists (on a
    file system without hard links, an exclusive create is used instead).
    ``temp_prefix`` names the temporary file so that its owner can sweep
    leftovers of a killed process; ``lock`` holds an ``flock`` on it while it
    is written, so a sweeper can tell a live writer's file from a dead one's.
    ``before_move`` runs just before the move (a last check of the
    destination). On any failure the temporary file is removed and ``path``
    is unchanged. Returns the ``stat`` of the file now at ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix or f".{path.name}.", suffix=TEMP_SUFFIX)
    moved = False
    try:
        if lock and fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # not supported here: sweeping goes by age alone
                pass
        os.fchmod(fd, FILE_MODE)  # umask-independent
        write_all(fd, data)
        os.fsync(fd)
        if before_move is not None:
            before_move()
        if replace:
            os.replace(tmp, path)
            moved = True
        else:
            _link_no_clobber(tmp, path, data)
        written = os.fstat(fd)
    finally:
        os.close(fd)  # after the move: a sweeper must not take a live file
        if not moved:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    fsync_dir(path.parent)
    return written


def _link_no_clobber(tmp: str, path: Path, data: bytes) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        _write_exclusive(path, data)  # a file system without hard links


def _write_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    os.close(fd)
