"""The saved place, read for the first frame without opening the store.

The app paints its first frame from :func:`peek_state`, then opens the store
(locks, checks, repairs, warnings). Parsing a notes file with 10,000 notes
(4 MB) costs about 45 ms, all of it spent on notes the first frame does not
show, so a big file is read only at its two ends:

- the head holds the top-level tables up to the first big one. The store
  writes tables in the order they were first made, and a new file starts
  with ``meta``; the ``state`` table usually comes right after it, since the
  first thing ldn-tui saves is that the notice was seen.
- the tail holds ``state`` when it is the file's last table (files whose
  first note came before any saved state).

Each end is checked against the JSON grammar: a ``state`` found in the tail
is taken only when a single ``}`` follows it to the end of the file, which
makes it a value of the top-level object. Anything else (a file whose big
tables are in the middle of both, an odd layout, damage) is parsed whole,
as before. Damage in the middle of a big file is not seen here; the real
open that follows finds it, as it does for every other kind of damage.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from ldn_tui.notes.fields import STATE_TYPES
from ldn_tui.notes.file_format import STORE_SCHEMA_VERSION, clamp_scroll

#: A file up to HEAD + TAIL bytes is parsed whole; a bigger one by its ends.
HEAD = 64 * 1024
#: The state table with its largest allowed extras (EXTRA_MAX_BYTES) fits.
TAIL = 128 * 1024

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_STATE_KEY = re.compile(rb'"state"[ \t\n\r]*:[ \t\n\r]*\{')
_CLOSES_FILE = re.compile(r"[ \t\n\r]*\}[ \t\n\r]*\Z")


def peek_state(path: Path) -> dict[str, Any] | None:
    """The saved app state, read without locking, repairing or importing the
    store.

    Returns only well-typed known fields, or None when the file is missing,
    damaged, of another schema or otherwise not plainly readable: the real
    open that follows deals with all of those.
    """
    tables = _meta_and_state(path)
    if tables is None:
        return None
    meta, table = tables
    versions = [d.get("schema") for d in meta.values() if type(d) is dict] if type(meta) is dict else []
    if versions != [STORE_SCHEMA_VERSION]:
        return None
    if type(table) is not dict or len(table) != 1:
        return None
    doc = next(iter(table.values()))
    if type(doc) is not dict:
        return None
    state = {f: doc[f] for f, types in STATE_TYPES.items() if f in doc and type(doc[f]) in types}
    if "scroll_y" in state:
        state["scroll_y"] = clamp_scroll(state["scroll_y"])
    if type(doc.get("line_width")) is int:  # the first frame is drawn at it
        state["line_width"] = doc["line_width"]
    return state


def _meta_and_state(path: Path) -> tuple[Any, Any] | None:
    """The file's top-level ``meta`` and ``state`` values (None for one that
    is missing), or None when the file cannot be read as a JSON object."""
    try:
        # O_NONBLOCK: a pipe put in the file's place must not hang the start
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > HEAD + TAIL:
            head = _from_head(os.pread(fd, HEAD, 0))
            if head is not None and head[1] is not None:
                return head
            if head is not None and (state := _state_from_tail(os.pread(fd, TAIL, info.st_size - TAIL))) is not None:
                return head[0], state
        return _whole(_read_all(fd))
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _whole(raw: bytes) -> tuple[Any, Any] | None:
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if type(obj) is not dict:
        return None
    return obj.get("meta"), obj.get("state")


def _from_head(raw: bytes) -> tuple[Any, Any] | None:
    """``meta`` (and ``state`` when it comes before the first big table) from
    the top-level tables that lie wholly in ``raw``, the file's first bytes;
    None when ``meta`` is not among them."""
    try:
        # a character cut in two at the end is held back, not an error
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw)
    except UnicodeDecodeError:
        return None
    found: dict[str, Any] = {}
    at = _SPACE.match(text).end()  # type: ignore[union-attr]
    if text[at : at + 1] != "{":
        return None
    at += 1
    try:
        while True:
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            key, at = _DECODER.raw_decode(text, at)
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if type(key) is not str or text[at : at + 1] != ":":
                return None
            at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
            value, at = _DECODER.raw_decode(text, at)
            if key in ("meta", "state"):
                found[key] = value
                if len(found) == 2:
                    break
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if text[at : at + 1] != ",":
                break
            at += 1
    except (ValueError, RecursionError):  # the head ends inside this table
        pass
    if "meta" not in found:
        return None
    return found["meta"], found.get("state")


def _state_from_tail(raw: bytes) -> Any | None:
    """The ``state`` table when it is the file's last top-level table and lies
    wholly in ``raw``, the file's last bytes; else None."""
    matches = list(_STATE_KEY.finditer(raw))
    if not matches:
        return None
    key = matches[-1]
    # a key after another table: `,` before it. (Inside a JSON string every
    # `"` is escaped, so `,"state":{` there cannot match.)
    if not raw[: key.start()].rstrip(b" \t\n\r").endswith(b","):
        return None
    try:
        text = raw[key.end() - 1 :].decode("utf-8")
        value, end = _DECODER.raw_decode(text)
    except (ValueError, RecursionError):
        return None
    # one `}` to the end of the file: the value sits in the top-level object
    if type(value) is not dict or not _CLOSES_FILE.match(text, end):
        return None
    return value
