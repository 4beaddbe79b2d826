"""ldn-tui runs on POSIX systems (Linux, macOS) only, and says so in one line.

Why not Windows: keeping a reader's notes safe rests on POSIX behaviour in
several places, not only the lock. The store takes ``fcntl.flock`` on a lock
file shared by every running copy (:mod:`ldn_tui.storage`), makes a rename
durable by ``fsync``-ing the directory (an ``os.open`` of a directory, which
Windows refuses), keeps the data directory 0700 and its files 0600, and keeps
a draft and exits cleanly on ``SIGHUP`` (a closed terminal window). A
portable lock (filelock, portalocker) would fix the first of these only, and
none of it could be tested here. So instead of a half-working port that might
lose a note, any other system gets :data:`MESSAGE` and exit status 2, never a
traceback (issue 14). WSL (Linux on Windows) is POSIX and works.
"""

from __future__ import annotations

#: What ``ldn-tui`` says, on one line, where POSIX file locks are missing.
MESSAGE = (
    "ldn-tui runs on Linux and macOS (POSIX) only: it needs POSIX file locks to keep "
    "your notes safe. On Windows, run it inside WSL (Windows Subsystem for Linux)."
)


class NotPosix(ImportError):
    """This system lacks what ldn-tui needs (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(MESSAGE)


def require() -> None:
    """Raise :class:`NotPosix` unless POSIX file locks (``fcntl``) exist."""
    try:
        import fcntl  # noqa: F401 - only whether it exists
    except ImportError:
        raise NotPosix() from None
