"""Drafts: what is in an open note editor, kept on disk until it is saved.

A reader's note must survive the terminal window being closed (SIGHUP), the
process being stopped (SIGTERM) or killed, with the editor open. So while
the editor is open its text is written here, a moment after each change
and at once when a signal arrives, and removed once the text is saved as a
note or the reader discards it. On the next start any draft left behind is
offered back (:mod:`ldn_tui.tui.screens.draft_dialog`).

One file per open editor, ``<data dir>/drafts/draft-<id>.json``, written
all-or-nothing and durably by :func:`ldn_tui.fsutil.write_atomic`
(temporary file, ``fsync``, ``os.replace``, directory ``fsync``), mode 0600.
A draft records the process that writes it: :func:`left_behind` skips the
drafts of an ldn-tui that is still running (another window), so a second
window never offers, or clears, a draft that is still being edited.

No Textual imports here.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ldn_tui.fsutil import reason, write_atomic
from ldn_tui.textsafe import visible

DRAFTS_DIR = "drafts"
#: Seconds after the last change before the draft is written.
DRAFT_DELAY = 0.5
#: The draft format; a file with another version is left alone.
FORMAT = 1


class DraftError(Exception):
    """A draft could not be written or removed; ``str()`` is one plain line."""


@dataclass(frozen=True)
class Draft:
    """The text of one open editor and where it belongs.

    ``note_id`` is None for a note that was never saved; ``base_updated``
    is the ``updated`` stamp of the note as the editor loaded it, so a
    later save can tell whether the note changed elsewhere meanwhile.
    ``pid`` is the process whose editor holds it; 0 once a signal (the
    window closed) is ending that process, so it is offered at once.
    """

    pane_id: str
    slug: str
    heading: str
    note_id: str | None
    base_updated: str | None
    text: str
    pid: int = field(default_factory=os.getpid)
    path: Path | None = field(default=None, compare=False)


def drafts_dir(data_dir: Path) -> Path:
    return Path(data_dir) / DRAFTS_DIR


def new_path(data_dir: Path) -> Path:
    """A fresh file name for one editor's draft."""
    return drafts_dir(data_dir) / f"draft-{uuid.uuid4().hex}.json"


def write(path: Path, draft: Draft) -> None:
    """Write ``draft`` to ``path``, all or nothing, durably.

    Raises:
        DraftError: one line naming the file and the reason.
    """
    record = asdict(draft)
    record.pop("path")
    record["format"] = FORMAT
    data = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as error:
        raise DraftError(f"cannot write {visible(str(path), keep_newlines=False)}: {reason(error)}") from None


def remove(path: Path) -> None:
    """Remove a draft (missing is fine).

    Raises:
        DraftError: it is there and could not be removed.
    """
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise DraftError(f"cannot remove {visible(str(path), keep_newlines=False)}: {reason(error)}") from None


def read(path: Path) -> Draft | None:
    """The draft in ``path``; None when it is not a draft this version reads."""
    try:
        record = json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    try:
        draft = Draft(
            pane_id=record["pane_id"], slug=record["slug"], heading=record["heading"],
            note_id=record["note_id"], base_updated=record["base_updated"],
            text=record["text"], pid=int(record["pid"]), path=path,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
    strings = (draft.pane_id, draft.slug, draft.heading, draft.text)
    if not all(isinstance(s, str) for s in strings):
        return None
    if not all(v is None or isinstance(v, str) for v in (draft.note_id, draft.base_updated)):
        return None
    return draft


def _running(pid: int) -> bool:
    """True if a process ``pid`` exists (other than this one)."""
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours (EPERM)
        return True
    return True


def left_behind(data_dir: Path) -> list[Draft]:
    """The drafts no running ldn-tui is editing, oldest first.

    Files that cannot be read as drafts are left where they are (never
    deleted here) and not returned.
    """
    folder = drafts_dir(data_dir)
    try:
        paths = [p for p in folder.iterdir() if p.name.startswith("draft-") and p.suffix == ".json"]
    except OSError:
        return []
    found = []
    for path in paths:
        draft = read(path)
        if draft is not None and not _running(draft.pid) and draft.text.strip():
            try:
                found.append((path.stat().st_mtime, draft))
            except OSError:
                continue
    found.sort(key=lambda pair: pair[0])
    return [draft for _, draft in found]
