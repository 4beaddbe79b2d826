"""An in-memory Notebook for screen tests, and the real app built around it.

:class:`FakeNotebook` implements :class:`ldn_tui.notebook.NotebookLike` (what
the reader, the notes screen and the note editor use) plus the few members
the app itself calls (``opened``, ``state``, ``set_state``, ``close``). It
keeps bookmarks and notes in lists, so a test can make what is hard to make
with a real file: the next save failing or coming back as a conflict, a
delete failing, a read-only session, a note changed or deleted "in another
window", or a ``changed`` callback arriving at any moment.

A failure behaves as the real :class:`~ldn_tui.notebook.Notebook`'s does:
one plain line to every ``failed`` listener, and ``None``/``False`` back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ldn_tui.content import Library
from ldn_tui.notebook import NotebookLike, SaveResult
from ldn_tui.notes import AppState, Bookmark, Note, note_order
from ldn_tui.outline import Outline, build_outline

#: What a read-only session says when asked to save (the store's words).
READ_ONLY = "Your change was not saved: this notes file is read-only in this session."


class FakeNotebook:
    """Bookmarks and notes in memory; see the module docstring.

    ``fail_next[name] = message`` makes the next call of method ``name``
    (``save_edit``, ``delete_note``, ``toggle_bookmark``, ``restore_note``,
    ``get_note``) fail with ``message``; ``outcome_next = "conflict"`` or
    ``"recreated"`` makes the next save of an existing note come back so.
    ``calls`` records every change asked for, in order.
    """

    def __init__(
        self, library: Library, data_dir: Path, *, read_only: bool = False, warning: str | None = None
    ) -> None:
        self.library = library
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self._warning = warning
        #: like the real notebook: the app reads the warning before the store is "open"
        self.opened = warning is None
        self.version = 0
        self.changed: list[Callable[[], None]] = []
        self.failed: list[Callable[[str], None]] = []
        self._bookmarks: list[Bookmark] = []
        self._notes: list[Note] = []
        self.fail_next: dict[str, str] = {}
        self.outcome_next: str | None = None
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.state_saved: dict[str, Any] = {"notice_seen": True}
        self._clock = itertools.count(1)
        self._ids = itertools.count(1)

    # -- what the app uses besides NotebookLike ---------------------------------------

    @property
    def warning(self) -> str | None:
        self.opened = True
        return self._warning

    def state(self) -> AppState:
        known = {k: v for k, v in self.state_saved.items() if k in AppState.__dataclass_fields__}
        return AppState(**known)

    def set_state(self, **changes: object) -> bool:
        self.state_saved.update(changes)
        return True

    def close(self) -> None:
        pass

    # -- seeding and "another window" -------------------------------------------------

    def stamp(self) -> str:
        """A new, later time stamp (fixed, so runs repeat exactly)."""
        return f"2026-01-01T00:00:{next(self._clock):02d}.000000+00:00"

    def add(self, pane_id: str, slug: str, heading: str, text: str) -> Note:
        """Put a note in, as if saved earlier (no listener is told)."""
        stamp = self.stamp()
        note = Note(f"note{next(self._ids):04d}", pane_id, slug, heading, text, stamp, stamp)
        self._notes.append(note)
        self.version += 1
        return note

    def mark(self, pane_id: str, slug: str, heading: str) -> Bookmark:
        """Put a bookmark in, as if made earlier (no listener is told)."""
        bookmark = Bookmark(pane_id, slug, heading, self.stamp())
        self._bookmarks.append(bookmark)
        self.version += 1
        return bookmark

    def edit_elsewhere(self, note_id: str, text: str) -> Note:
        """Another window changed the note (a later save from here conflicts)."""
        old = self._find(note_id)
        assert old is not None, note_id
        new = Note(old.id, old.pane_id, old.slug, old.heading, text, old.created, self.stamp())
        self._put(new)
        return new

    def delete_elsewhere(self, note_id: str) -> None:
        """Another window deleted the note."""
        self._notes = [n for n in self._notes if n.id != note_id]
        self.version += 1

    def announce(self) -> None:
        """Call every ``changed`` listener, as the notebook does after a change."""
        for listener in list(self.changed):
            listener()

    # -- reads ------------------------------------------------------------------------

    def bookmarks(self) -> list[Bookmark]:
        return list(self._bookmarks)

    def notes(self) -> list[Note]:
        return sorted(self._notes, key=note_order)

    def markers(self, pane_id: str) -> dict[str, str]:
        markers = {b.slug: "★" for b in self._bookmarks if b.pane_id == pane_id}
        for note in self.notes():
            if note.pane_id == pane_id:
                markers[note.slug] = markers.get(note.slug, "") + "✎"
        return markers

    def known_places(self) -> set[tuple[str, str]]:
        places = {(pane.id, "") for pane in self.library.panes}
        for pane in self.library.panes:
            places |= {(pane.id, h.slug) for h in self.library.document(pane.id).headings}
        return places

    def notes_for(self, pane_id: str) -> list[tuple[Note, bool]]:
        order = {h.slug: i for i, h in enumerate(self.library.document(pane_id).headings)}
        notes = [n for n in self.notes() if n.pane_id == pane_id]
        notes.sort(key=lambda n: order.get(n.slug, -1 if not n.slug else len(order)))
        return [(n, bool(n.slug) and n.slug not in order) for n in notes]

    def note_at(self, pane_id: str, slug: str) -> Note | None:
        found = [n for n in self.notes() if (n.pane_id, n.slug) == (pane_id, slug)]
        return found[-1] if found else None

    def get_note(self, note_id: str) -> Note | None:
        if self._failing("get_note"):
            return None
        return self._find(note_id)

    def outline(self) -> Outline:
        return build_outline(self.library, self._bookmarks, self.notes())

    # -- changes ----------------------------------------------------------------------

    def toggle_bookmark(self, pane_id: str, slug: str, heading: str) -> bool | None:
        self.calls.append(("toggle_bookmark", (pane_id, slug, heading)))
        if self._failing("toggle_bookmark"):
            return None
        here = [b for b in self._bookmarks if (b.pane_id, b.slug) == (pane_id, slug)]
        if here:
            self._bookmarks = [b for b in self._bookmarks if b not in here]
        else:
            self._bookmarks.append(Bookmark(pane_id, slug, heading, self.stamp()))
        self._changed()
        return not here

    def save_edit(
        self, pane_id: str, slug: str, heading: str, note_id: str | None, text: str, base_updated: str | None
    ) -> SaveResult | None:
        self.calls.append(("save_edit", (pane_id, slug, heading, note_id, text, base_updated)))
        if self._failing("save_edit"):
            return None
        outcome, self.outcome_next = self.outcome_next, None
        current = self._find(note_id) if note_id is not None else None
        if note_id is None:
            outcome = "added"
        elif current is None:
            outcome = "recreated"
        elif outcome is None:  # as the store decides
            if current.text == text:
                return SaveResult(current, "unchanged")
            outcome = "updated" if base_updated is None or current.updated == base_updated else "conflict"
        if outcome == "updated" and current is not None:
            note = Note(current.id, current.pane_id, current.slug, current.heading, text, current.created, self.stamp())
            self._put(note)
        else:
            if outcome == "conflict":
                heading = (current.heading if current else heading) + " (conflict copy)"
            stamp = self.stamp()
            note = Note(f"note{next(self._ids):04d}", pane_id, slug, heading, text, stamp, stamp)
            self._notes.append(note)
        self._changed()
        return SaveResult(note, outcome)

    def delete_note(self, note_id: str) -> bool:
        self.calls.append(("delete_note", (note_id,)))
        if self._failing("delete_note"):
            return False
        self._notes = [n for n in self._notes if n.id != note_id]
        self._changed()
        return True

    def restore_note(self, note: Note) -> bool:
        self.calls.append(("restore_note", (note,)))
        if self._failing("restore_note"):
            return False
        self._put(note)
        self._changed()
        return True

    # -- helpers ----------------------------------------------------------------------

    def _find(self, note_id: str) -> Note | None:
        return next((n for n in self._notes if n.id == note_id), None)

    def _put(self, note: Note) -> None:
        self._notes = [n for n in self._notes if n.id != note.id] + [note]
        self.version += 1

    def _failing(self, name: str) -> bool:
        """Report a failure (read-only, or one asked for) and say so."""
        writes = ("save_edit", "delete_note", "toggle_bookmark", "restore_note")
        message = self.fail_next.pop(name, None) or (READ_ONLY if self.read_only and name in writes else None)
        if message is None:
            return False
        for listener in list(self.failed):
            listener(message)
        return True

    def _changed(self) -> None:
        self.version += 1
        self.announce()


def app_with(notebook: FakeNotebook) -> Any:
    """The real :class:`~ldn_tui.tui.app.LdnApp` on ``notebook.library``,
    with ``notebook`` in place of the Notebook it built (and that one's
    listeners: the app's redraw and its error toast) before anything ran."""
    from ldn_tui.tui.app import create_app

    app = create_app(notebook.library, notebook.data_dir)
    built = app.notebook
    notebook.changed.extend(built.changed)
    notebook.failed.extend(built.failed)
    app.notebook = notebook
    return app


def _conforms(notebook: FakeNotebook) -> NotebookLike:
    return notebook  # mypy (when run on tests) checks the fake against the Protocol
