"""Back/forward navigation history (no Textual).

Like a browser: each entry is a place (pane and scroll position). Moving to
a new place drops the forward entries. Before leaving the current place the
caller updates its scroll position, so Back returns exactly where the
reader was.
"""

from __future__ import annotations

from typing import NamedTuple


class Location(NamedTuple):
    """A place in the content: a pane, a line offset within it, the heading
    being read there, and the width the line offset was measured at (after
    a resize the lines move, and the heading is the better anchor)."""

    pane_id: str
    y: int = 0
    slug: str = ""
    width: int = 0


class History:
    """A bounded list of locations with a cursor."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[Location] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> Location | None:
        """The location being shown, if any."""
        return self._entries[self._index] if self._index >= 0 else None

    @property
    def can_back(self) -> bool:
        return self._index > 0

    @property
    def can_forward(self) -> bool:
        return 0 <= self._index < len(self._entries) - 1

    def update_current(self, y: int, slug: str = "", width: int = 0) -> None:
        """Remember where the reader is in the current entry."""
        if self._index >= 0:
            self._entries[self._index] = self._entries[self._index]._replace(y=y, slug=slug, width=width)

    def visit(self, location: Location) -> None:
        """Go to a new place: forward history is dropped."""
        if self.current == location:
            return
        del self._entries[self._index + 1 :]
        self._entries.append(location)
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._index = len(self._entries) - 1

    def back(self) -> Location | None:
        """Step back; None when there is nowhere to go."""
        if not self.can_back:
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> Location | None:
        """Step forward; None when there is nowhere to go."""
        if not self.can_forward:
            return None
        self._index += 1
        return self._entries[self._index]

    def __len__(self) -> int:
        return len(self._entries)
