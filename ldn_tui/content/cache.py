"""A cache of parsed documents, so start-up does not need markdown-it.

Parsing is cheap per pane, but importing and setting up markdown-it-py and
parsing the first pane is a fifth of the app's start-up budget. After a run
has parsed every pane (in the background), each pane's document is pickled
into one file in ``<data dir>/cache/``; the next start reads that file and
unpickles a pane only when it is first needed.

The file is named by a checksum of the app version, the parser and cache code,
every pane body and the references file, so any change misses the cache
(zlib's CRC-32 and Adler-32 together with the length: a change that keeps
all three is vanishingly unlikely, and ``hashlib`` would add its OpenSSL
start-up to the app's). Loading only accepts the record classes of
:mod:`ldn_tui.content.models` (a restricted unpickler), and any problem (missing,
damaged, foreign) just means "parse as usual". Writes are atomic. No
Textual imports here.
"""

from __future__ import annotations

import io
import pickle
import zlib
from functools import partial
from pathlib import Path
from typing import Any

from ldn_tui import __version__
from ldn_tui.content import models
from ldn_tui.content.library import REFERENCES_FILE, Library
from ldn_tui.fsutil import read_regular, write_atomic

_ALLOWED = {"Document", "Block", "Span", "Heading", "Link", "Citation"}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:  # noqa: D102 - see module doc
        if module == models.__name__ and name in _ALLOWED:
            return getattr(models, name)
        raise pickle.UnpicklingError(f"not allowed in the document cache: {module}.{name}")


_CODE = tuple(Path(__file__).with_name(name) for name in ("document.py", "models.py", "cache.py"))


def cache_key(library: Library) -> str:
    """A hash of everything the parsed documents depend on: the parser's own
    code, every pane body and the references file."""
    digest = _Checksum()
    digest.update(__version__.encode())
    for source in _CODE:
        digest.update(source.read_bytes())
    for pane in library.panes:
        digest.update(f"\0{pane.id}\0{pane.kind}\0{pane.body_line}\0".encode())
        digest.update(library.body(pane.id).encode("utf-8", "surrogatepass"))
    references = library.root / REFERENCES_FILE
    try:
        digest.update(references.read_bytes())
    except OSError:
        pass
    return digest.hexdigest()


class _Checksum:
    """CRC-32, Adler-32 and length of everything passed to :meth:`update`."""

    def __init__(self) -> None:
        self.crc, self.adler, self.length = 0, 1, 0

    def update(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.adler = zlib.adler32(data, self.adler)
        self.length += len(data)

    def hexdigest(self) -> str:
        return f"{self.crc:08x}{self.adler:08x}{self.length:08x}"


def cache_path(library: Library, data_dir: Path) -> Path:
    """Where the cache for this content lives."""
    return data_dir / "cache" / f"documents-{cache_key(library)}.pickle"


def load(library: Library, data_dir: Path) -> bool:
    """Give ``library`` the cached documents. True when the cache was used.

    The file holds each pane's document pickled on its own; only the outer
    mapping is read here, and a pane is unpickled when it is first needed
    (before the first frame that is one pane, not all of them). A pane
    whose entry does not unpickle to a document is parsed as usual.
    """
    path = cache_path(library, data_dir)
    try:
        data = read_regular(path)
        if data is None:  # a pipe or device in its place: never waited on
            return False
        entries = _Unpickler(io.BytesIO(data)).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return False
    if not isinstance(entries, dict) or set(entries) != {p.id for p in library.panes}:
        return False
    if not all(isinstance(blob, bytes) for blob in entries.values()):
        return False
    library.preload({pane_id: partial(_document, blob) for pane_id, blob in entries.items()})
    return True


def _document(blob: bytes) -> models.Document | None:
    """One cached pane, or None when its entry is damaged."""
    try:
        document = _Unpickler(io.BytesIO(blob)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return None
    return document if isinstance(document, models.Document) else None


def save(library: Library, data_dir: Path) -> None:
    """Write the parsed documents (atomically); errors are ignored: it is a cache."""
    path = cache_path(library, data_dir)
    entries = {
        pane.id: pickle.dumps(library.document(pane.id), protocol=pickle.HIGHEST_PROTOCOL) for pane in library.panes
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in path.parent.glob("documents-*.pickle"):
            old.unlink(missing_ok=True)
        write_atomic(path, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL), temp_prefix=".documents-")
    except OSError:
        return
