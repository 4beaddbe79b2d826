"""The reader's data: bookmarks, notes and where they were (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bookmark:
    """A bookmarked heading. Points at it by slug *and* heading text."""

    pane_id: str
    slug: str
    heading: str
    created: str


@dataclass(frozen=True)
class Note:
    """A reader's note on a heading. ``id`` is a stable UUID hex string."""

    id: str
    pane_id: str
    slug: str
    heading: str
    text: str
    created: str
    updated: str


@dataclass(frozen=True)
class AppState:
    """Where the reader was and what they chose."""

    last_pane: str | None = None
    last_slug: str = ""
    scroll_y: int = 0
    theme: str | None = None
    notice_seen: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
