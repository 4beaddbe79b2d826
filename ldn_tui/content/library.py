"""Load a content directory: pane front matter, the references file, documents.

Loading is split in two so the app starts fast: :func:`load_library` reads
only front matter and ``references.toml``; each pane's Markdown is parsed on
first use by :meth:`Library.document` and cached. ``ldn-tui check`` parses
everything (see :mod:`ldn_tui.content.check`).

No Textual imports here.
"""

from __future__ import annotations

import os
import re
import stat
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ldn_tui.content.models import EVIDENCE_TYPES, Document, PaneMeta, Problem, Reference

REFERENCES_FILE = "references.toml"
PANE_KINDS = ("page", "glossary", "references")
REQUIRED_KEYS = ("id", "title", "order", "summary", "reviewed")
OPTIONAL_KEYS = ("kind",)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: The largest content file read (a pane or the references file). The
#: shipped panes are under 20 KB; a file beyond this is a mistake (or a
#: symlink to something endless) and is reported, not read.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Characters that act on a terminal or reorder text: C0 controls except
#: tab, newline and carriage return, DEL, C1 controls, and the bidi
#: embedding, override and isolate controls ("Trojan Source").
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(rb"\r\n|\r|\n")


class ContentError(Exception):
    """Content could not be loaded. ``problems`` name file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def first_line(self) -> str:
        """One line for the reader: the first problem and what to do."""
        more = len(self.problems) - 1
        extra = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        return f"{self.problems[0]}{extra}. Fix the file or run `ldn-tui check`."


def _file_kind(mode: int) -> str | None:
    """What a non-regular file is, for a problem line (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: Path) -> Problem | None:
    """A problem when ``path`` (followed if a symlink) is not a regular file
    of at most :data:`MAX_FILE_BYTES`.

    Checked with ``stat``, which never blocks: opening a FIFO would wait
    for a writer for ever, and a symlink to ``/dev/zero`` never ends.
    """
    try:
        info = path.stat()
    except OSError as error:
        return Problem(path, 0, f"cannot read file: {error.strerror}")
    kind = _file_kind(info.st_mode)
    if kind is not None:
        return Problem(path, 0, f"cannot read file: it is {kind}, not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        return Problem(path, 0, f"cannot read file: it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return None


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`.

    Opened without blocking (a FIFO swapped in after the ``stat`` cannot
    hang the read) and checked again on the open file.

    Raises:
        OSError: cannot be read.
        ValueError: not a regular file, or too large (the message says which).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        kind = _file_kind(info.st_mode)
        if kind is not None:
            raise ValueError(f"it is {kind}, not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew while being read
                raise ValueError(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of byte ``offset`` (CRLF, CR and LF all end a line)."""
    return len(_LINE_BREAKS.findall(data, 0, offset)) + 1


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Read a UTF-8 file, recording a problem (not raising) when it is not.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read. Line
    endings become ``\\n`` (CRLF and old Mac CR-only files read like any
    other). A file holding a control character (an escape sequence would
    act on the reader's terminal) is a problem naming the line, with the
    character shown as a visible symbol.
    """
    try:
        data = _read_bounded(path)
    except OSError as error:
        problems.append(Problem(path, 0, f"cannot read file: {error.strerror}"))
        return None
    except ValueError as error:
        problems.append(Problem(path, 0, f"cannot read file: {error}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start)
        problems.append(Problem(path, line, f"not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"))
        return None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_RE.search(text)
    if control is not None:
        from ldn_tui.textsafe import visible

        char = control.group()
        shown = visible(char) if ord(char) < 0xA0 else ""
        symbol = f"{shown} " if shown and shown != char else ""
        line = text.count("\n", 0, control.start()) + 1
        problems.append(Problem(path, line, f"control character {symbol}(U+{ord(char):04X}) in the text; remove it"))
        return None
    return text


def parse_front_matter(path: Path, text: str, problems: list[Problem]) -> tuple[PaneMeta | None, str]:
    """Split ``text`` into its front matter (as a PaneMeta) and its body.

    Returns ``(None, body)`` and records problems when the front matter is
    missing or bad.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, "missing front matter: the file must start with a '---' line"))
        return None, text
    values: dict[str, tuple[str, int]] = {}
    end = None
    before_loop = len(problems)
    for index in range(1, len(lines)):
        line = lines[index]
        lineno = index + 1
        if line.strip() == "---":
            end = index
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem(path, lineno, f"front matter line is not 'key: value': {line.strip()!r}"))
            continue
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            problems.append(Problem(path, lineno, f"unknown front matter key {key!r}"))
            continue
        if key in values:
            problems.append(Problem(path, lineno, f"front matter key {key!r} given twice"))
        values[key] = (value.strip().strip('"').strip("'"), lineno)
    if end is None:
        # Without a closing line every body line looked like bad front
        # matter: report the one real problem only.
        del problems[before_loop:]
        problems.append(Problem(path, 1, "front matter is not closed: add a '---' line after it"))
        return None, text
    body = "\n".join(lines[end + 1 :])
    before = len(problems)
    for key in REQUIRED_KEYS:
        if key not in values or not values[key][0]:
            problems.append(Problem(path, end + 1, f"front matter is missing {key!r}"))
    if len(problems) > before:
        return None, body
    pane_id, id_line = values["id"]
    if not ID_RE.match(pane_id):
        problems.append(Problem(path, id_line, f"id {pane_id!r} must be lower-case letters, digits and hyphens"))
    elif pane_id != path.stem and path.with_name(f"{pane_id}.md").is_file():
        problems.append(
            Problem(path, id_line, f"duplicate id {pane_id!r} (also {pane_id}.md's): use the file name {path.stem!r}")
        )
    elif pane_id != path.stem:
        problems.append(Problem(path, id_line, f"id {pane_id!r} must match the file name {path.stem!r}"))
    order_text, order_line = values["order"]
    try:
        order = int(order_text)
    except ValueError:
        problems.append(Problem(path, order_line, f"order {order_text!r} is not a whole number"))
        order = 0
    reviewed, reviewed_line = values["reviewed"]
    try:
        date.fromisoformat(reviewed)
    except ValueError:
        problems.append(Problem(path, reviewed_line, f"reviewed {reviewed!r} is not a date (YYYY-MM-DD)"))
    kind, kind_line = values.get("kind", ("page", 0))
    if kind not in PANE_KINDS:
        problems.append(Problem(path, kind_line, f"kind {kind!r} is not one of {', '.join(PANE_KINDS)}"))
        kind = "page"
    if len(problems) > before:
        return None, body
    meta = PaneMeta(
        id=pane_id,
        title=values["title"][0],
        order=order,
        summary=values["summary"][0],
        reviewed=reviewed,
        path=path,
        kind=kind,
        body_line=end + 2,
    )
    return meta, body


def _table_lines(text: str) -> dict[str, int]:
    """Map each ``[table]`` name of a TOML file to its line number."""
    found: dict[str, int] = {}
    for lineno, line in enumerate(text.split("\n"), 1):
        match = re.match(r"^\s*\[\s*\"?([^\]\"]+)\"?\s*\]\s*(#.*)?$", line)
        if match:
            found.setdefault(match.group(1).strip(), lineno)
    return found


def load_references(path: Path, problems: list[Problem]) -> dict[str, Reference]:
    """Read ``references.toml`` into Reference objects, recording problems."""
    if not path.exists() and not path.is_symlink():
        return {}
    problem = not_regular(path)
    if problem is not None:
        problems.append(problem)
        return {}
    text = read_text(path, problems)
    if text is None:
        return {}
    import tomllib  # only when the references are needed (not at every start)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        problems.append(Problem(path, int(match.group(1)) if match else 0, f"not valid TOML: {error}"))
        return {}
    lines = _table_lines(text)
    refs: dict[str, Reference] = {}
    for key, entry in data.items():
        line = lines.get(key, 0)
        if not isinstance(entry, dict):
            problems.append(Problem(path, line, f"{key!r} must be a [table] of fields"))
            continue
        if not KEY_RE.match(key):
            problems.append(Problem(path, line, f"reference key {key!r} may hold only letters, digits, '-' and '_'"))
        bad = False
        for field_name in ("authors", "title", "evidence"):
            if not str(entry.get(field_name, "")).strip():
                problems.append(Problem(path, line, f"reference {key!r} is missing {field_name!r}"))
                bad = True
        evidence = str(entry.get("evidence", ""))
        if evidence and evidence not in EVIDENCE_TYPES:
            problems.append(
                Problem(
                    path,
                    line,
                    f"reference {key!r} has unknown evidence {evidence!r} (one of: {', '.join(EVIDENCE_TYPES)})",
                )
            )
            bad = True
        year = entry.get("year")
        if year is not None and not isinstance(year, int):
            problems.append(Problem(path, line, f"reference {key!r}: year must be a whole number"))
            year = None
        ident = [str(entry.get(k, "")).strip() for k in ("doi", "pmid", "registry", "url")]
        if not any(ident):
            problems.append(Problem(path, line, f"reference {key!r} has no doi, pmid, registry or url"))
        url = ident[3]
        if url and not url.startswith(("https://", "http://")):
            problems.append(Problem(path, line, f"reference {key!r}: url must start with https://"))
        unknown = set(entry) - {
            "authors",
            "year",
            "title",
            "venue",
            "evidence",
            "doi",
            "pmid",
            "registry",
            "url",
            "note",
        }
        for name in sorted(unknown):
            problems.append(Problem(path, line, f"reference {key!r} has unknown field {name!r}"))
        if bad:
            continue
        refs[key] = Reference(
            key=key,
            authors=str(entry["authors"]).strip(),
            year=year,
            title=str(entry["title"]).strip(),
            venue=str(entry.get("venue", "")).strip(),
            evidence=evidence,
            doi=ident[0],
            pmid=ident[1],
            registry=ident[2],
            url=url,
            note=str(entry.get("note", "")).strip(),
            line=line,
        )
    return refs


class Library:
    """A loaded content directory: pane list, references, parsed documents."""

    def __init__(
        self,
        root: Path,
        panes: list[PaneMeta],
        bodies: dict[str, str],
        references: dict[str, Reference] | None,
    ) -> None:
        self.root = root
        self.panes: tuple[PaneMeta, ...] = tuple(sorted(panes, key=lambda p: (p.order, p.id)))
        self._references = references
        self._labels: dict[str, str] | None = None
        self._bodies = bodies
        self._documents: dict[str, Document] = {}
        #: cached documents not yet unpickled: pane id -> loader (None: damaged)
        self._loaders: dict[str, Callable[[], Document | None]] = {}
        self._lock = threading.Lock()

    @property
    def references(self) -> dict[str, Reference]:
        """The references file, by key (read on first use when the library
        was loaded with ``references=False``)."""
        if self._references is None:
            self.load_references()
        assert self._references is not None
        return self._references

    def load_references(self) -> None:
        """Read and validate ``references.toml`` now.

        Raises:
            ContentError: the file is broken (naming file and line).
        """
        problems: list[Problem] = []
        references = load_references(self.root / REFERENCES_FILE, problems)
        if problems:
            raise ContentError(problems)
        self._references = references

    @property
    def labels(self) -> dict[str, str]:
        """Inline citation labels by reference key."""
        if self._labels is None:
            self._labels = _short_labels(self.references)
        return self._labels

    def pane(self, pane_id: str) -> PaneMeta | None:
        """The pane with ``pane_id``, or None."""
        for pane in self.panes:
            if pane.id == pane_id:
                return pane
        return None

    def pane_by_file(self, name: str) -> PaneMeta | None:
        """The pane a link like ``studies.md`` points at, or None."""
        stem = name[:-3] if name.endswith(".md") else name
        return self.pane(stem)

    @property
    def references_pane(self) -> PaneMeta | None:
        """The pane that lists the references, if the content has one."""
        return next((p for p in self.panes if p.kind == "references"), None)

    def body(self, pane_id: str) -> str:
        """The Markdown body (after front matter) of a pane."""
        return self._bodies[pane_id]

    def preload(self, loaders: dict[str, Callable[[], Document | None]]) -> None:
        """Take documents parsed earlier (the document cache): each pane's
        loader runs when the pane is first needed; if it returns None, the
        pane is parsed as usual."""
        with self._lock:
            for pane_id, loader in loaders.items():
                if pane_id not in self._documents:
                    self._loaders[pane_id] = loader

    def document(self, pane_id: str) -> Document:
        """The parsed document of a pane (parsed on first use, then cached)."""
        document = self._documents.get(pane_id)
        if document is None:
            with self._lock:
                document = self._documents.get(pane_id)
                if document is None:
                    loader = self._loaders.pop(pane_id, None)
                    document = loader() if loader is not None else None
                    if document is None:
                        from ldn_tui.content.document import parse_pane

                        document = parse_pane(self, self.pane(pane_id))
                    self._documents[pane_id] = document
        return document


def _short_labels(references: dict[str, Reference]) -> dict[str, str]:
    """Inline labels (``Younger 2009a``), with a letter where two would clash."""
    by_label: dict[str, list[str]] = {}
    for key, ref in sorted(references.items()):
        by_label.setdefault(ref.short, []).append(key)
    labels: dict[str, str] = {}
    for label, keys in by_label.items():
        if len(keys) == 1:
            labels[keys[0]] = label
        else:
            for index, key in enumerate(keys):
                labels[key] = f"{label}{chr(ord('a') + index)}"
    return labels


def load_library(root: Path, references: bool = True) -> Library:
    """Load front matter and references from ``root``.

    With ``references=False`` the references file is read on first use (the
    app does this when its document cache holds every pane already parsed,
    which proves the file was valid when they were parsed).

    Raises:
        ContentError: when the directory is missing, holds no pane, or a
            pane's front matter or the references file is broken. Every
            problem names the file and line.
    """
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content directory not found; pass --content DIR or set LDN_TUI_CONTENT")])
    panes: list[PaneMeta] = []
    bodies: dict[str, str] = {}
    seen: dict[str, Path] = {}
    for path in sorted(root.glob("*.md")):
        problem = not_regular(path)
        if problem is not None:
            problems.append(problem)
            continue
        text = read_text(path, problems)
        if text is None:
            continue
        meta, body = parse_front_matter(path, text, problems)
        if meta is None:
            continue
        if meta.id in seen:
            problems.append(Problem(path, 2, f"duplicate id {meta.id!r} (also in {seen[meta.id].name})"))
            continue
        seen[meta.id] = path
        panes.append(meta)
        bodies[meta.id] = body
    refs_path = root / REFERENCES_FILE
    if references:
        refs = load_references(refs_path, problems)
    else:
        refs = None
        # Read later, but never a FIFO or a device: the document cache's
        # checksum reads it raw at start.
        if refs_path.exists() or refs_path.is_symlink():
            problem = not_regular(refs_path)
            if problem is not None:
                problems.append(problem)
    if not panes and not problems:
        problems.append(Problem(root, 0, "no pane files (*.md with front matter) in the content directory"))
    if problems:
        raise ContentError(problems)
    return Library(root, panes, bodies, refs)
