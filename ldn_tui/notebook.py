"""The reader's notebook as the screens see it: one headless service between
the interface and the notes store.

Screens receive a :class:`Notebook`; they never reach into the app or open
the store. It answers what a screen shows (the markers of a pane, its notes
in reading order, the outline of everything) from a snapshot kept in memory,
so a pane switch takes no file lock: the snapshot is re-read only when the
notes file changed on disk (a lock-free ``stat``: another window wrote). It
does what a screen asks (toggle a bookmark, save, delete or restore a note)
as one locked write, updates the snapshot from the result, and then calls
every ``changed`` callback. A failure is reported to every ``failed``
callback as one plain line and the method returns ``None``/``False``: the
caller keeps what the reader typed.

Screens type against :class:`NotebookLike`, the part of it they use, so a
test can hand them an in-memory fake (``tests/fakes.py``) and make failures
that are hard to make with a real file.

No Textual imports here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from ldn_tui.content import Library
from ldn_tui.notes import DB_NAME, AppState, Bookmark, Note, note_order

if TYPE_CHECKING:
    from ldn_tui.notes import Store
    from ldn_tui.outline import Outline

__all__ = ["Notebook", "NotebookLike", "SaveResult"]


class SaveResult(NamedTuple):
    """A saved note and what happened (see :meth:`ldn_tui.notes.Store.save_edit`)."""

    note: Note
    outcome: str


@runtime_checkable
class NotebookLike(Protocol):
    """What the screens (reader, notes screen, note editor) use of a
    :class:`Notebook`: reads from its snapshot, the changes they ask for,
    and the listeners. The app itself holds the concrete :class:`Notebook`
    (it also opens, closes and keeps the reading state)."""

    library: Library
    data_dir: Path
    #: bumped whenever what the reads return changes
    version: int
    changed: list[Callable[[], None]]
    failed: list[Callable[[str], None]]

    @property
    def read_only(self) -> bool: ...

    @property
    def warning(self) -> str | None: ...

    def bookmarks(self) -> list[Bookmark]: ...

    def notes(self) -> list[Note]: ...

    def markers(self, pane_id: str) -> dict[str, str]: ...

    def known_places(self) -> set[tuple[str, str]]: ...

    def notes_for(self, pane_id: str) -> list[tuple[Note, bool]]: ...

    def note_at(self, pane_id: str, slug: str) -> Note | None: ...

    def get_note(self, note_id: str) -> Note | None: ...

    def outline(self) -> Outline: ...

    def toggle_bookmark(self, pane_id: str, slug: str, heading: str) -> bool | None: ...

    def save_edit(
        self, pane_id: str, slug: str, heading: str, note_id: str | None, text: str, base_updated: str | None
    ) -> SaveResult | None: ...

    def delete_note(self, note_id: str) -> bool: ...

    def restore_note(self, note: Note) -> bool: ...


class _Snapshot:
    """The bookmarks and notes as last read (a plain class: a dataclass
    costs a millisecond of start-up to create)."""

    __slots__ = ("bookmarks", "key", "notes")

    def __init__(
        self,
        bookmarks: list[Bookmark] | None = None,
        notes: list[Note] | None = None,
        key: tuple[int, int, int] | None = None,
    ) -> None:
        self.bookmarks: list[Bookmark] = bookmarks if bookmarks is not None else []
        self.notes: list[Note] = notes if notes is not None else []
        #: the notes file's (inode, size, mtime) when this was read; None: not read yet
        self.key = key


class Notebook:
    """Bookmarks and notes for the screens; see the module docstring.

    ``store`` may be given (tests, or an app that opened it already);
    otherwise it is opened on first use, never raising: a damaged or locked
    file gives a read-only session and :attr:`warning` says why.
    """

    def __init__(self, library: Library, data_dir: Path, store: Store | None = None) -> None:
        self.library = library
        self.data_dir = Path(data_dir)
        self._store = store
        self._snapshot = _Snapshot()
        #: bumped whenever the snapshot changes: views keyed on it rebuild only then
        self.version = 0
        self._places: set[tuple[str, str]] | None = None
        #: (version, outline) of the last outline built
        self._outline: tuple[int, Outline] | None = None
        #: called (no arguments) after every change this notebook made
        self.changed: list[Callable[[], None]] = []
        #: called with one plain line when a change could not be made
        self.failed: list[Callable[[str], None]] = []

    # -- the store -------------------------------------------------------------------

    @property
    def opened(self) -> bool:
        """True once the store is open (the first frame opens it)."""
        return self._store is not None

    @property
    def store(self) -> Store:
        """The store, opened now if nothing has opened it yet."""
        if self._store is None:
            # imported here: the first frame is painted before the store opens
            from ldn_tui.notes import Store

            self._store = Store.open(self.data_dir)
        return self._store

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def warning(self) -> str | None:
        """What the store reported on opening (a damaged file kept aside, a
        read-only session), or None."""
        return self.store.warning

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def state(self) -> AppState:
        return self.store.state()

    def set_state(self, **changes: object) -> bool:
        """Save some reading state; False (after telling ``failed``) if it could not be."""
        if self.store.read_only:
            return False
        fresh = self._fresh()
        try:
            self.store.set_state(**changes)
        except Exception as error:  # noqa: BLE001 - StoreError, OSError, a bad value alike
            self._fail(f"Could not save your reading position: {error}")
            return False
        if fresh:  # our own write changed no note: the snapshot is still right
            self._snapshot.key = self._file_key()
        return True

    # -- reading (from the snapshot: no lock unless the file changed) ----------------

    def _current(self, open_store: bool = True) -> _Snapshot:
        if self._store is None and not open_store:
            return self._snapshot  # before the first frame opened it: nothing yet
        key = self._file_key()
        if self._snapshot.key is None or key != self._snapshot.key:
            self.reload()
        return self._snapshot

    def _file_key(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.data_dir / DB_NAME)
        except OSError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def reload(self) -> None:
        """Read bookmarks and notes again (one locked read)."""
        store = self.store  # opened first: opening may create the file
        # the key is taken before the read: a write in between makes the
        # next check read again, never hides a change
        key = self._file_key()
        try:
            bookmarks, notes = store.bookmarks_and_notes()
        except Exception as error:  # noqa: BLE001 - show what we had, say why
            self._fail(f"Could not read your notes: {error}")
            return
        self._snapshot = _Snapshot(bookmarks, sorted(notes, key=note_order), key)
        self.version += 1

    def bookmarks(self) -> list[Bookmark]:
        return list(self._current().bookmarks)

    def notes(self) -> list[Note]:
        return list(self._current().notes)

    def markers(self, pane_id: str) -> dict[str, str]:
        """Gutter markers for the headings of a pane: ★ bookmark, ✎ note
        (none until the store is open: the first frame does not wait for it)."""
        snapshot = self._current(open_store=False)
        markers: dict[str, str] = {}
        for bookmark in snapshot.bookmarks:
            if bookmark.pane_id == pane_id:
                markers[bookmark.slug] = "★"
        for note in snapshot.notes:
            if note.pane_id == pane_id:
                markers[note.slug] = markers.get(note.slug, "") + "✎"
        return markers

    def known_places(self) -> set[tuple[str, str]]:
        """Every (pane id, heading slug) in the content ("" is a pane's top)."""
        if self._places is None:
            places: set[tuple[str, str]] = set()
            for pane in self.library.panes:
                places.add((pane.id, ""))
                for heading in self.library.document(pane.id).headings:
                    places.add((pane.id, heading.slug))
            self._places = places
        return self._places

    def notes_for(self, pane_id: str) -> list[tuple[Note, bool]]:
        """The notes of a pane in reading order, each with an orphaned flag."""
        order = {h.slug: i for i, h in enumerate(self.library.document(pane_id).headings)}
        notes = [n for n in self._current().notes if n.pane_id == pane_id]
        notes.sort(key=lambda n: (order.get(n.slug, -1 if not n.slug else len(order)), *note_order(n)))
        return [(n, bool(n.slug) and n.slug not in order) for n in notes]

    def note_at(self, pane_id: str, slug: str) -> Note | None:
        """The latest note on a heading, or None."""
        found = [n for n in self._current().notes if n.pane_id == pane_id and n.slug == slug]
        return found[-1] if found else None

    def get_note(self, note_id: str) -> Note | None:
        """The note with ``note_id`` as it is on disk now, or None."""
        try:
            return self.store.get_note(note_id)
        except Exception as error:  # noqa: BLE001
            self._fail(str(error))
            return None

    def outline(self) -> Outline:
        """Everything bookmarked or noted, by pane in reading order, orphans last.

        Built again only when the snapshot changed (the notes screen asks on
        every key typed in its filter; with 100,000 notes a build takes most
        of a second), so an unchanged notebook returns the same object."""
        snapshot = self._current()
        if self._outline is None or self._outline[0] != self.version:
            from ldn_tui.outline import build_outline

            self._outline = (self.version, build_outline(self.library, snapshot.bookmarks, snapshot.notes))
        return self._outline[1]

    # -- changing (one locked write each) --------------------------------------------

    def toggle_bookmark(self, pane_id: str, slug: str, heading: str) -> bool | None:
        """Bookmark a heading or remove its bookmark: True if now bookmarked,
        None if it could not be done."""
        try:
            added = self.store.toggle_bookmark(pane_id, slug, heading)
        except Exception as error:  # noqa: BLE001 - StoreError and OSError alike
            self._fail(str(error))
            return None
        # the store stamps the new bookmark: read it back (from the store's
        # cache of what it just wrote, so nothing is parsed again)
        self._after_write(fresh=False)
        return added

    def save_edit(
        self, pane_id: str, slug: str, heading: str, note_id: str | None, text: str, base_updated: str | None
    ) -> SaveResult | None:
        """Save what an editor holds, never losing it (a conflict or a note
        deleted elsewhere becomes a new note). None if it could not be saved."""
        fresh = self._fresh()
        try:
            note, outcome = self.store.save_edit(note_id, base_updated, pane_id, slug, heading, text)
        except Exception as error:  # noqa: BLE001
            self._fail(str(error))
            return None
        self._after_write(fresh, notes=[*(n for n in self._snapshot.notes if n.id != note.id), note])
        return SaveResult(note, outcome)

    def delete_note(self, note_id: str) -> bool:
        """Delete a note (callers ask the reader first). False if it could not be."""
        fresh = self._fresh()
        try:
            self.store.delete_note(note_id)
        except Exception as error:  # noqa: BLE001
            self._fail(str(error))
            return False
        self._after_write(fresh, notes=[n for n in self._snapshot.notes if n.id != note_id])
        return True

    def restore_note(self, note: Note) -> bool:
        """Put back a deleted note exactly as it was (undo)."""
        fresh = self._fresh()
        try:
            self.store.merge_note(note)
        except Exception as error:  # noqa: BLE001
            self._fail(str(error))
            return False
        self._after_write(fresh, notes=[*(n for n in self._snapshot.notes if n.id != note.id), note])
        return True

    # -- helpers ---------------------------------------------------------------------

    def _fresh(self) -> bool:
        """True if the snapshot matches the file (nobody else wrote since)."""
        return self._snapshot.key is not None and self._file_key() == self._snapshot.key

    def _after_write(self, fresh: bool, notes: list[Note] | None = None) -> None:
        """Our write is on disk: update the snapshot from what we know, with
        no second read, when it was fresh before the write; otherwise (another
        window wrote too, or a bookmark's stamp is needed) read it again.
        Then tell every listener."""
        if fresh and notes is not None:
            before = self._snapshot
            self._snapshot = _Snapshot(before.bookmarks, sorted(notes, key=note_order), self._file_key())
            self.version += 1
        else:
            self.reload()
        for listener in list(self.changed):
            listener()

    def _fail(self, message: str) -> None:
        for listener in list(self.failed):
            listener(message)
