"""What goes into the notes file, record by record: checks, conversions, merges.

The rules :class:`~ldn_tui.notes.store.Store` applies to every bookmark, note and
app-state value, kept apart from the file handling so they can be read (and
tested) on their own: the errors the reader sees, timestamps, which text can
be stored (:func:`check_text`), how a stored document becomes a model, and
how an imported record is merged (:func:`_merge_note_docs`,
:func:`_merge_bookmark_docs`: the batch twins of :meth:`Store.merge_note
<ldn_tui.notes.store.Store.merge_note>` and :meth:`Store.merge_bookmark
<ldn_tui.notes.store.Store.merge_bookmark>`). No Textual imports.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from ldn_tui.notes.fields import BOOKMARK_FIELDS, NOTE_FIELDS, STATE_TYPES, as_json
from ldn_tui.notes.file_format import clamp_scroll, key_problem, shown_key, value_problem
from ldn_tui.notes.models import AppState, Bookmark, Note

BOOKMARKS, NOTES, STATE = "bookmarks", "notes", "state"


class StoreError(Exception):
    """A problem with the reader's data; ``str()`` is a plain sentence for them."""


class StoreReadOnly(StoreError):
    """This session cannot save (newer file format, unwritable folder, ...)."""


class StoreBusy(StoreError):
    """Another ldn-tui kept the notes file locked for too long."""


class UnsavableText(StoreError, ValueError):
    """The text holds a character that cannot be stored (a lone surrogate)."""


class NoteTooLong(StoreError, ValueError):
    """The note is longer than :data:`~ldn_tui.notes.note_size.MAX_NOTE_CHARS`
    (and longer than the stored note it replaces); nothing was saved."""


def now_utc() -> str:
    """The current time as ISO-8601 UTC with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: The range of times the store writes and an import accepts (UTC): a day
#: inside what a datetime can hold, so every stored time can be shown in any
#: time zone (up to 14 hours from UTC) and read back from a backup (F7).
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def _later_than(previous: str) -> str:
    """Now, but strictly after ``previous`` (clocks can step backwards).

    Never after :data:`LATEST`: a note stamped there (an import can carry
    such a time) is stamped :data:`LATEST` again when edited, so it can
    still be edited and backed up (F7).
    """
    now = datetime.now(UTC)
    try:
        prev = _parse_time(previous)
        if now <= prev:
            now = min(prev.astimezone(UTC) + timedelta(microseconds=1), LATEST)
    except ValueError:
        pass
    except OverflowError:  # 9999-12-31T23:59:59.999999, or past it once made UTC
        now = LATEST
    return now.isoformat(timespec="microseconds")


def _newer(a: str, b: str) -> bool:
    """True if timestamp ``a`` is later than ``b`` (string order if unparsable)."""
    try:
        return _parse_time(a) > _parse_time(b)
    except (ValueError, OverflowError):
        return a > b


def check_text(value: object, what: str) -> str:
    """Return ``value`` if it is a str that can be stored, else raise.

    Raises:
        TypeError: not a str.
        UnsavableText: it holds a lone surrogate, which UTF-8 cannot encode.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ord(value[exc.start])
        raise UnsavableText(
            f"The {what} contains a character that cannot be saved "
            f"(U+{bad:04X}, at character {exc.start + 1}); it usually comes "
            f"from pasting damaged text. Delete that character and try again."
        ) from None
    return value


# the fields' values in order, at C speed (opening 100,000 notes must stay fast)
_bookmark_values = itemgetter(*BOOKMARK_FIELDS)
_note_values = itemgetter(*NOTE_FIELDS)


def _bookmark(doc: dict[str, Any]) -> Bookmark:
    return Bookmark(*_bookmark_values(doc))


def _note(doc: dict[str, Any]) -> Note:
    return Note(*_note_values(doc))


def _state(doc: dict[str, Any]) -> AppState:
    known = {k: doc[k] for k in STATE_TYPES if k in doc}
    if "scroll_y" in known:
        known["scroll_y"] = clamp_scroll(known["scroll_y"])
    # deepcopy is safe: every extra value was bounded on load or on save
    extra = {k: copy.deepcopy(v) for k, v in doc.items() if k not in STATE_TYPES}
    return AppState(**known, extra=extra)


def check_state_value(key: str, value: Any) -> Any:
    """``value`` as stored for app-state field ``key``; TypeError if it cannot be."""
    if key == "scroll_y":  # Textual's scroll_y is a float
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"scroll_y must be a number, not {type(value).__name__}")
        try:
            return clamp_scroll(int(value))
        except (ValueError, OverflowError):
            raise TypeError(f"scroll_y must be a finite number, not {value!r}") from None
    types = STATE_TYPES.get(key)
    if types is not None and type(value) not in types:
        allowed = " or ".join("None" if t is type(None) else t.__name__ for t in types)
        raise TypeError(f"{key} must be {allowed}, not {type(value).__name__}")
    if isinstance(value, str) and types is not None:
        return check_text(value, key)
    if types is not None:
        return value
    why = key_problem(key) or value_problem(value)
    if why:
        raise TypeError(f"the app state value {shown_key(key)} cannot be saved: it {why}")
    # a copy, so the caller changing their list later cannot reach the store
    return copy.deepcopy(value)


class MergeResult(NamedTuple):
    """What :meth:`Store.merge_many` did: one outcome per record, in order.

    Each outcome is ``"added"``, ``"updated"`` (notes only) or ``"skipped"``.
    """

    notes: list[str]
    bookmarks: list[str]


def _imported_note_doc(note: Note) -> dict[str, Any]:
    """The document for an imported ``note``, after the checks an import makes.

    Raises:
        TypeError, UnsavableText: a field is not storable text.
        ValueError: no id, or a time that does not parse.
    """
    for name in NOTE_FIELDS:
        check_text(getattr(note, name), f"note {name}")
    if not note.id:
        raise ValueError("an imported note needs an id")
    for stamp in (note.created, note.updated):
        _parse_time(stamp)  # ValueError on nonsense
    return as_json(note)


def _bookmark_doc(pane_id: str, slug: str, heading: str, created: str) -> dict[str, Any]:
    checked = Bookmark(
        check_text(pane_id, "pane id"), check_text(slug, "heading slug"), check_text(heading, "heading"), created
    )
    return as_json(checked)


def _imported_bookmark_doc(b: Bookmark) -> dict[str, Any]:
    """The document for an imported bookmark, after the checks an import makes."""
    created = check_text(b.created, "created time")
    return _bookmark_doc(b.pane_id, b.slug, b.heading, created)


def _merge_note_docs(
    raw: dict[str, Any], incoming: list[tuple[Note, dict[str, Any]]]
) -> tuple[list[str], dict[str, Any] | None]:
    """Merge notes into the notes table ``raw`` as :meth:`Store.merge_note` would.

    Returns the outcomes and the new table, or None when nothing changed.
    ``raw`` and its documents are never edited: changed documents are new
    objects, so the storage's serialiser notices them by identity.
    """
    table = {str(int(k)): d for k, d in raw.items()}  # TinyDB's own key normalisation
    where: dict[str, list[str]] = {}
    for key, doc in table.items():
        where.setdefault(doc["id"], []).append(key)
    next_id = max(map(int, table), default=0) + 1
    outcomes, changed = [], False
    for note, doc in incoming:
        keys = where.get(note.id)
        if not keys:
            key = str(next_id)
            next_id += 1
            table[key] = dict(doc)
            where[note.id] = [key]
            outcomes.append("added")
            changed = True
            continue
        current = _note(table[keys[0]])
        if current == note or not _newer(note.updated, current.updated):
            outcomes.append("skipped")
            continue
        for key in keys:  # like Table.update: every document with that id
            table[key] = {**table[key], **doc}
        outcomes.append("updated")
        changed = True
    return outcomes, table if changed else None


def _merge_bookmark_docs(
    raw: dict[str, Any], incoming: list[dict[str, Any]]
) -> tuple[list[str], dict[str, Any] | None]:
    """Merge bookmarks into ``raw`` as :meth:`Store.merge_bookmark` would (see above)."""
    table = {str(int(k)): d for k, d in raw.items()}
    marked = {(d["pane_id"], d["slug"]) for d in table.values()}
    next_id = max(map(int, table), default=0) + 1
    outcomes = []
    for doc in incoming:
        place = (doc["pane_id"], doc["slug"])
        if place in marked:
            outcomes.append("skipped")
            continue
        table[str(next_id)] = dict(doc)
        next_id += 1
        marked.add(place)
        outcomes.append("added")
    return outcomes, table if "added" in outcomes else None
