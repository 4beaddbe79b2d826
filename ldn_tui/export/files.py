"""Writing an export's bytes safely, and the one-line errors of export and import.

Files are written safely: to a private (0600) temporary file in the
destination's directory, ``fsync``-ed, then moved into place, so a failure
(a full disk, say) never leaves a partial export behind, and an existing
file is never replaced unless the request says ``force``.

:mod:`ldn_tui.export.request` and :mod:`ldn_tui.export.importer` both raise
:class:`ExportError` (other packages take it from :mod:`ldn_tui.export`).
No Textual imports here.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

from ldn_tui.fsutil import TEMP_SUFFIX, reason, write_atomic
from ldn_tui.textsafe import visible

try:  # POSIX; without it stale temp files are swept by age alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Marks the temporary files of an export, so a later export can sweep the
#: ones a killed export left behind (``.NAME.ldn-export-XXXXXXXX.tmp``).
TEMP_MARK = ".ldn-export-"
#: A temporary file untouched this long (seconds), and not locked by a live export,
#: is left over from an export that was killed.
STALE_AFTER = 2.0

#: The store's own files in its data directory (kept in step with
#: :mod:`ldn_tui.notes.session`, which this module must not import: it
#: pulls in TinyDB). An export never replaces them, even with ``--force``.
STORE_FILE = "ldn-tui.json"
STORE_LOCK = "ldn-tui.lock"


def shown(path: object) -> str:
    """A path as one line for a message: control characters (a newline, an
    escape sequence in a hostile file name) become visible symbols."""
    return visible(str(path), keep_newlines=False)


class ExportError(Exception):
    """An export or import could not be done. ``str()`` is one line for the reader."""


class DestinationExists(ExportError):
    """The destination file exists and the request did not say ``force``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{shown(path)} already exists (use --force to replace it)")
        self.path = path


def _write_stdout(data: bytes) -> None:
    if sys.stdout is None:  # started with standard output closed (``>&-``)
        raise ExportError("cannot write to standard output: it is closed")
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is not None:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        else:  # a replaced stdout (tests, IDEs) may be text-only
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
    except OSError as error:
        raise ExportError(f"cannot write to standard output: {reason(error)}") from None


def check_destination(path: Path, force: bool, data_dir: Path | None = None) -> Path:
    """The absolute destination, or an ExportError saying why it cannot be used.

    Refused even with ``force``: anything but a regular file (a device node
    such as ``/dev/full``, a FIFO, a socket, or a symlink to one), and the
    store's own files (its database, lock, backups and temporary files) in
    ``data_dir`` or in any directory that holds a store.
    """
    path = Path(os.path.abspath(path.expanduser()))
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise ExportError(f"cannot export to {shown(path)}: the directory {shown(parent)} {what}")
    if path.is_dir():
        raise ExportError(f"cannot export to {shown(path)}: it is a directory")
    _refuse_special(path)
    _refuse_store_file(path, data_dir)
    if _resolved(parent) == Path("/dev"):
        # /dev/stdout and friends are symlinks; with --force the link itself
        # would be replaced, which as root breaks the system's /dev.
        raise ExportError(f"cannot export to {shown(path)}: /dev holds devices, not files; choose another folder")
    if (path.exists() or path.is_symlink()) and not force:
        raise DestinationExists(path)
    return path


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for a message (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _refuse_special(path: Path) -> None:
    """Refuse a destination that exists and is not a regular file.

    ``os.replace`` would swap a device node or FIFO for a regular file
    (as root, ``-o /dev/full --force`` replaced the device), so these are
    never written to, with or without ``--force``. A symlink is checked by
    what it points at; a dangling one is left to the exists check.
    """
    for follow in (False, True):
        try:
            mode = os.stat(path, follow_symlinks=follow).st_mode
        except OSError:
            return
        if follow is False and stat.S_ISLNK(mode):
            continue
        kind = _kind(mode)
        if kind is not None:
            raise ExportError(f"cannot export to {shown(path)}: it is {kind}, not a regular file; choose a file name")
        return


def is_store_file(name: str) -> bool:
    """True for the name of one of the store's files (database, lock,
    backups such as ``ldn-tui.json.damaged-…``, and its temporary files)."""
    return name in (STORE_FILE, STORE_LOCK) or name.startswith((f"{STORE_FILE}.", f".{STORE_FILE}"))


def _refuse_store_file(path: Path, data_dir: Path | None) -> None:
    if not is_store_file(path.name):
        return
    try:
        parent = path.parent.resolve()
    except OSError:
        parent = path.parent
    is_store_dir = (parent / STORE_FILE).exists() or (parent / STORE_LOCK).exists()
    if data_dir is not None:
        try:
            is_store_dir = is_store_dir or parent == Path(data_dir).expanduser().resolve()
        except OSError:
            pass
    if is_store_dir:
        raise ExportError(
            f"cannot export to {shown(path)}: it is one of the files that keep your notes; "
            "choose another name or folder"
        )


def write_file_atomic(path: Path, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` with mode 0600, all or nothing.

    The bytes go to a private temporary file in the same directory, which
    is ``fsync``-ed and then moved over ``path``; on any failure the
    temporary file is removed and nothing at ``path`` changes. Without
    ``force`` the move refuses to replace a file that appeared meanwhile
    (``os.link`` is atomic and fails on an existing name). A device node,
    FIFO or socket at ``path`` is never replaced, even with ``force``.

    A killed export cannot remove its temporary file; the temporary file is
    locked while it is written, so the next export into the same directory
    sweeps any that no live export holds (:func:`sweep_stale_temps`).

    Raises:
        ExportError: one line naming the path and the reason.
    """
    path = Path(path)
    sweep_stale_temps(path.parent)
    try:
        # Checked again just before the move: something may have appeared
        # at ``path`` since check_destination looked.
        write_atomic(
            path,
            data,
            replace=force,
            temp_prefix=f".{path.name}{TEMP_MARK}",
            lock=True,
            before_move=lambda: _refuse_special(path),
        )
    except FileExistsError:
        raise DestinationExists(path) from None
    except OSError as error:
        raise ExportError(f"cannot write {shown(path)}: {reason(error)}") from None
    return path


def sweep_stale_temps(directory: Path, stale_after: float = STALE_AFTER) -> list[Path]:
    """Remove temporary files that killed exports left in ``directory``.

    Only this module's own temporary files (``.NAME.ldn-export-XXXX.tmp``)
    are touched, and only those not written to for ``stale_after`` seconds
    and not locked by a live export. Returns the paths removed; never raises.
    """
    removed: list[Path] = []
    try:
        candidates = list(Path(directory).glob(f".*{TEMP_MARK}*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    now = time.time()
    for candidate in candidates:
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < stale_after:
                continue
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a live export holds it
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed
