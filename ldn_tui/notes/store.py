"""The reader's bookmarks, notes and app state, kept in one private JSON file.

:class:`Store` wraps TinyDB (over :class:`~ldn_tui.notes.storage.AtomicJSONStorage`)
and hands out the frozen dataclasses of :mod:`ldn_tui.notes.models`, never raw
dicts. Readers' notes are personal health notes, so the rules are:

* Nothing is ever silently dropped. A damaged file is copied aside as
  ``ldn-tui.json.damaged-YYYYmmdd-HHMMSS`` before anything replaces it; a
  file from a newer ldn-tui is left untouched and opened read-only; a record
  whose heading no longer exists is kept (the outline shows it, with its
  heading text, as no longer in the guide).
* :meth:`Store.open` never raises: problems become :attr:`Store.warning`
  (plain words for the reader) and, where needed, a read-only session.
* Text is stored exactly (markup, ANSI escapes, control characters, emoji,
  RTL). A lone surrogate (``"\\ud800"``) is not text -- it cannot be encoded
  as UTF-8, written to the terminal or exported -- so it is refused with an
  :class:`UnsavableText` error naming the character, and nothing is saved.

File layout (TinyDB tables)::

    {"meta": {"1": {"schema": 1}}, "state": {"1": {...}},
     "bookmarks": {"1": {"pane_id", "slug", "heading", "created"}},
     "notes": {"1": {"id", "pane_id", "slug", "heading", "text",
                     "created", "updated"}}}

Timestamps are ISO-8601 UTC with microseconds. Lists come back in creation
order (``created``, then insertion order).

Where the parts live: this module holds the reader-facing API; opening the
file, the locks, re-reading and repairs are :class:`Store`'s base class
:class:`~ldn_tui.notes.session.StoreSession`; the rules for single records
(checks, conversions, import merges, the errors) are in
:mod:`ldn_tui.notes.records`; the file format in :mod:`ldn_tui.notes.file_format`;
the fields in :mod:`ldn_tui.notes.models`. Other packages import the public
names from :mod:`ldn_tui.notes`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from ldn_tui.notes.fields import STATE_TYPES, as_json
from ldn_tui.notes.file_format import EXTRA_MAX_KEYS
from ldn_tui.notes.models import AppState, Bookmark, Note
from ldn_tui.notes.note_size import MAX_NOTE_CHARS, too_long
from ldn_tui.notes.records import (
    BOOKMARKS,
    NOTES,
    STATE,
    MergeResult,
    NoteTooLong,
    _bookmark,
    _bookmark_doc,
    _imported_bookmark_doc,
    _imported_note_doc,
    _later_than,
    _merge_bookmark_docs,
    _merge_note_docs,
    _newer,
    _note,
    _state,
    check_state_value,
    check_text,
    now_utc,
)
from ldn_tui.notes.session import StoreSession

#: What :meth:`Store.save_edit` did (see there).
SaveOutcome = Literal["added", "updated", "unchanged", "conflict", "recreated"]
#: Appended to the heading of a note saved as a conflict copy.
CONFLICT_MARK = " (conflict copy)"


def conflict_heading(heading: str) -> str:
    """The heading of a conflict copy: marked once, however often it clashes."""
    return heading if heading.endswith(CONFLICT_MARK) else heading + CONFLICT_MARK


def check_length(text: str, allowed: int = MAX_NOTE_CHARS) -> None:
    """Raise :class:`NoteTooLong` if ``text`` is longer than a note may be.

    ``allowed``: the length of the stored note it replaces, when that is
    already longer than :data:`MAX_NOTE_CHARS` (from an older ldn-tui): such
    a note may be edited as long as it does not grow (F9).
    """
    why = too_long(text, allowed)
    if why is not None:
        raise NoteTooLong(why)


def _new_note(pane_id: str, slug: str, heading: str, text: str, allowed: int = MAX_NOTE_CHARS) -> Note:
    """A new note (new id, created now), its fields checked."""
    check_length(text, allowed)
    stamp = now_utc()
    return Note(
        uuid.uuid4().hex, check_text(pane_id, "pane id"), check_text(slug, "heading slug"),
        check_text(heading, "heading"), check_text(text, "note"), stamp, stamp,
    )  # fmt: skip


__all__ = ["CONFLICT_MARK", "SaveOutcome", "Store", "check_length", "conflict_heading"]


class Store(StoreSession):
    """The reader's data. Open with :meth:`Store.open`; close when done.

    Safe to share between threads, and between processes: every operation
    holds the inter-process lock and works on what is on disk now.
    Any method may raise :class:`StoreError` (with a plain message) when the
    disk fails; writing methods raise :class:`StoreReadOnly` in a read-only
    session.
    """

    def _all_bookmarks(self) -> tuple[Bookmark, ...]:
        marks: tuple[Bookmark, ...] = self._cached(BOOKMARKS, lambda: tuple(map(_bookmark, self._raw_docs(BOOKMARKS))))
        return marks

    def _all_notes(self) -> tuple[Note, ...]:
        notes: tuple[Note, ...] = self._cached(NOTES, lambda: tuple(map(_note, self._raw_docs(NOTES))))
        return notes

    def _state(self) -> AppState:
        # not cached: ``extra`` is a mutable dict, so every caller gets a copy
        return _state(next(iter(self._table(STATE).all()), {}))

    # -- bookmarks ---------------------------------------------------------------

    def bookmarks(self) -> list[Bookmark]:
        """All bookmarks, in creation order."""
        with self._op(write=False):
            return list(self._all_bookmarks())

    def is_bookmarked(self, pane_id: str, slug: str) -> bool:
        """True if the heading ``slug`` of ``pane_id`` is bookmarked."""
        with self._op(write=False):
            return any(b.pane_id == pane_id and b.slug == slug for b in self._all_bookmarks())

    def toggle_bookmark(self, pane_id: str, slug: str, heading: str) -> bool:
        """Bookmark the heading, or remove its bookmark. True if now bookmarked."""
        doc = _bookmark_doc(pane_id, slug, heading, now_utc())
        with self._op(write=True):
            table = self._table(BOOKMARKS)
            found = table.search(lambda d: d["pane_id"] == pane_id and d["slug"] == slug)
            if found:
                table.remove(doc_ids=[d.doc_id for d in found])
                return False
            table.insert(doc)
            return True

    def merge_bookmark(self, bookmark: Bookmark) -> Literal["added", "skipped"]:
        """Import a bookmark: added unless that heading is already bookmarked."""
        b = bookmark
        doc = _imported_bookmark_doc(b)
        with self._op(write=True):
            table = self._table(BOOKMARKS)
            if table.search(lambda d: d["pane_id"] == b.pane_id and d["slug"] == b.slug):
                return "skipped"
            table.insert(doc)
            return "added"

    # -- notes -------------------------------------------------------------------

    def notes(self, pane_id: str | None = None) -> list[Note]:
        """All notes (or those of one pane), in creation order."""
        with self._op(write=False):
            notes = self._all_notes()
            if pane_id is None:
                return list(notes)
            return [n for n in notes if n.pane_id == pane_id]

    def get_note(self, note_id: str) -> Note | None:
        """The note with ``note_id``, or None."""
        with self._op(write=False):
            found = self._table(NOTES).search(lambda d: d["id"] == note_id)
            return _note(found[0]) if found else None

    def add_note(self, pane_id: str, slug: str, heading: str, text: str) -> Note:
        """Store a new note on a heading and return it (with its new id)."""
        note = _new_note(pane_id, slug, heading, text)
        with self._op(write=True):
            self._table(NOTES).insert(as_json(note))
        return note

    def save_edit(
        self, note_id: str | None, base_updated: str | None, pane_id: str, slug: str, heading: str, text: str
    ) -> tuple[Note, SaveOutcome]:
        """Save what an editor holds, never losing it; one lock hold.

        A new note (``note_id`` None) is added. An existing one is updated
        when it has not changed since ``base_updated``. When another window
        changed it meanwhile, the text is added as a new note whose heading
        is marked :data:`CONFLICT_MARK` ("conflict"); when another window
        deleted it, the text is added as a new note ("recreated"). Both
        versions are kept either way.

        A text longer than :data:`MAX_NOTE_CHARS` raises :class:`NoteTooLong`
        and nothing is written, unless it is no longer than the stored note
        (one from an older ldn-tui, which had no limit).

        Returns:
            The saved note and what happened: ``"added"``, ``"updated"``,
            ``"unchanged"``, ``"conflict"`` or ``"recreated"``.
        """
        if note_id is None:
            return self.add_note(pane_id, slug, heading, text), "added"
        check_text(text, "note")
        outcome: SaveOutcome = "recreated"
        allowed = MAX_NOTE_CHARS
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note_id)
            if found:
                current = found[0]
                if current["text"] == text:
                    return _note(current), "unchanged"
                allowed = len(current["text"])
                check_length(text, allowed)
                if base_updated is None or current["updated"] == base_updated:
                    changes = {"text": text, "updated": _later_than(current["updated"])}
                    self._update(NOTES, changes, [d.doc_id for d in found])
                    return _note({**current, **changes}), "updated"
                outcome = "conflict"
                heading = conflict_heading(current["heading"] or heading)
            note = _new_note(pane_id, slug, heading, text, allowed)
            table.insert(as_json(note))
            return note, outcome

    def delete_note(self, note_id: str) -> bool:
        """Delete a note. True if it existed."""
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note_id)
            if found:
                table.remove(doc_ids=[d.doc_id for d in found])
            return bool(found)

    def merge_note(self, note: Note) -> Literal["added", "updated", "skipped"]:
        """Import a note, keeping its id and times.

        A new id is added; for a known id the copy with the later ``updated``
        wins ("updated" if that is the incoming one); identical or older ->
        "skipped".
        """
        doc = _imported_note_doc(note)
        with self._op(write=True):
            table = self._table(NOTES)
            found = table.search(lambda d: d["id"] == note.id)
            if not found:
                table.insert(doc)
                return "added"
            current = _note(found[0])
            if current == note or not _newer(note.updated, current.updated):
                return "skipped"
            self._update(NOTES, doc, [d.doc_id for d in found])
            return "updated"

    def merge_many(self, notes: Iterable[Note], bookmarks: Iterable[Bookmark]) -> MergeResult:
        """Import many notes and bookmarks at once: one lock hold, one write.

        Every outcome is what :meth:`merge_note` and :meth:`merge_bookmark`
        would give called once per record, notes first, in order (a later
        copy of an id in the same batch meets the earlier one). Every record
        is checked before anything changes, so a bad one raises (as those
        methods do) and nothing is saved. Nothing is written if every
        record is skipped.
        """
        note_docs = [(note, _imported_note_doc(note)) for note in notes]
        mark_docs = [_imported_bookmark_doc(b) for b in bookmarks]
        if not note_docs and not mark_docs:
            return MergeResult([], [])
        with self._op(write=True):
            tables = self._storage.read()  # a shallow copy: the cache is not edited
            note_out, note_table = _merge_note_docs(tables.get(NOTES, {}), note_docs)
            mark_out, mark_table = _merge_bookmark_docs(tables.get(BOOKMARKS, {}), mark_docs)
            if note_table is not None:
                tables[NOTES] = note_table
            if mark_table is not None:
                tables[BOOKMARKS] = mark_table
            if note_table is not None or mark_table is not None:
                self._storage.write(tables)
        return MergeResult(note_out, mark_out)

    # -- app state ---------------------------------------------------------------

    def state(self) -> AppState:
        """Where the reader was and what they chose."""
        with self._op(write=False):
            return self._state()

    def set_state(self, **changes: Any) -> AppState:
        """Change some fields of the app state; returns the new state.

        Known fields are type-checked (``scroll_y`` accepts a float and keeps
        its integer part). Any other keyword is kept in ``AppState.extra``
        (JSON values only); ``extra={...}`` merges several at once.
        """
        fields = dict(changes.pop("extra", None) or {})
        fields.update(changes)
        clean = {key: check_state_value(key, value) for key, value in fields.items()}
        with self._op(write=True):
            table = self._table(STATE)
            docs = table.all()
            current = docs[0] if docs else {}
            if all(k in current and current[k] == v for k, v in clean.items()):
                return _state(current)
            extra = {k for k in (*current, *clean) if k not in STATE_TYPES}
            if len(extra) > EXTRA_MAX_KEYS:
                raise TypeError(f"the app state cannot hold more than {EXTRA_MAX_KEYS} other values")
            if docs:
                self._update(STATE, clean, [docs[0].doc_id])
            else:
                table.insert(clean)
            return _state({**current, **clean})

    # -- whole-store helpers -----------------------------------------------------

    def bookmarks_and_notes(self) -> tuple[list[Bookmark], list[Note]]:
        """All bookmarks and all notes, read together under one lock hold."""
        with self._op(write=False):
            return list(self._all_bookmarks()), list(self._all_notes())

    def snapshot(self) -> tuple[list[Bookmark], list[Note], AppState]:
        """Bookmarks, notes and state, read together (for export).

        Raises :class:`StoreBusy` rather than hand out nothing while the
        file is still locked by another ldn-tui since this one opened it.
        """
        with self._op(write=False, complete=True):
            return list(self._all_bookmarks()), list(self._all_notes()), self._state()
