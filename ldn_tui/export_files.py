"""Writing an export's bytes safely, and the one-line errors of export and import.

Files are written safely: to a private (0600) temporary file in the
destination's directory, ``fsync``-ed, then moved into place, so a failure
(a full disk, say) never leaves a partial export behind, and an existing
file is never replaced unless the request says ``force``.

:mod:`ldn_tui.export` and :mod:`ldn_tui.importer` both raise
:class:`ExportError`; its names are importable from :mod:`ldn_tui.export`.
No Textual imports here.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


class ExportError(Exception):
    """An export or import could not be done. ``str()`` is one line for the reader."""


class DestinationExists(ExportError):
    """The destination file exists and the request did not say ``force``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists (use --force to replace it)")
        self.path = path


def _write_stdout(data: bytes) -> None:
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
        raise ExportError(f"cannot write to standard output: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    if error.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    return (error.strerror or str(error)).rstrip(".").lower()


def check_destination(path: Path, force: bool) -> Path:
    """The absolute destination, or an ExportError saying why it cannot be used."""
    path = Path(os.path.abspath(path.expanduser()))
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise ExportError(f"cannot export to {path}: the directory {parent} {what}")
    if path.is_dir():
        raise ExportError(f"cannot export to {path}: it is a directory")
    if (path.exists() or path.is_symlink()) and not force:
        raise DestinationExists(path)
    return path


def write_file_atomic(path: Path, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` with mode 0600, all or nothing.

    The bytes go to a private temporary file in the same directory, which
    is ``fsync``-ed and then moved over ``path``; on any failure the
    temporary file is removed and nothing at ``path`` changes. Without
    ``force`` the move refuses to replace a file that appeared meanwhile
    (``os.link`` is atomic and fails on an existing name).

    Raises:
        ExportError: one line naming the path and the reason.
    """
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {_reason(error)}") from None
    tmp = Path(tmp_name)
    try:
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[:_CHUNK]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, path)
        else:
            _move_no_clobber(tmp, path)
        _fsync_dir(path.parent)
    except ExportError:
        _remove(tmp)
        raise
    except OSError as error:
        _remove(tmp)
        raise ExportError(f"cannot write {path}: {_reason(error)}") from None
    except BaseException:
        _remove(tmp)
        raise
    return path


def _move_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise DestinationExists(path) from None
    except OSError as error:
        # Some file systems (FAT, some network shares) have no hard links.
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        if path.exists() or path.is_symlink():
            raise DestinationExists(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # not supported on every file system; the data is synced
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass
