"""What a handout shows, in reading order: the outline shared by Markdown, HTML and CSV.

:func:`build_outline` groups the selected bookmarks and notes by pane, then
heading, in the content's reading order, with the trail of headings above
each one and the references cited under it. A bookmark or note on a pane's
top (heading slug ``""``, above its first heading) comes first in its pane,
as "(top of the pane)"; one whose heading is gone is an orphan, shown last
under its stored heading text.
:mod:`ldn_tui.export.formats` turns the outline into text (and re-exports
these names). No Textual imports here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ldn_tui.content import Reference
from ldn_tui.notes import Bookmark, Note, note_order

if TYPE_CHECKING:
    from ldn_tui.content import Library


#: The heading shown for a bookmark or note on a pane's top (slug ``""``).
TOP_OF_PANE = "(top of the pane)"


@dataclass(frozen=True)
class Section:
    """One exported heading: where it is, its bookmark, notes and citations."""

    pane_id: str
    slug: str
    heading: str
    pane_title: str
    #: headings above this one in its pane (outermost first)
    trail: tuple[str, ...]
    #: the key that opens the pane in the app (1-9), or None
    key: int | None
    bookmark: Bookmark | None
    notes: tuple[Note, ...]
    #: citation keys under this heading, first use first, no repeats
    cites: tuple[str, ...]
    orphan: bool = False

    @property
    def top(self) -> bool:
        """True for a pane's top: above its first heading (slug ``""``)."""
        return not self.slug and not self.orphan

    @property
    def place(self) -> str:
        """Where this heading is in the app: ``Studies › Fibromyalgia (press 3)``,
        or ``Studies, top of the pane (press 3)``."""
        if self.top:
            path = f"{self.pane_title}, top of the pane"
        else:
            path = " › ".join((self.pane_title, *self.trail, self.heading))
        return f"{path} (press {self.key})" if self.key else path


@dataclass(frozen=True)
class PaneGroup:
    """The exported headings of one pane, in reading order."""

    pane_id: str
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Outline:
    """Everything a handout shows, in reading order, orphans last."""

    panes: tuple[PaneGroup, ...]
    orphans: tuple[Section, ...]
    #: every reference cited under an exported heading, first use first
    references: tuple[Reference, ...]
    #: cited keys that are not in the references file
    missing: tuple[str, ...]

    @property
    def sections(self) -> Iterable[Section]:
        """Every section, in the order the handout shows them."""
        for group in self.panes:
            yield from group.sections
        yield from self.orphans


def build_outline(library: Library, bookmarks: Iterable[Bookmark], notes: Iterable[Note]) -> Outline:
    """Group bookmarks and notes by pane, then heading, in reading order.

    A bookmark or note on a pane's top (slug ``""``) is that pane's first
    section, headed :data:`TOP_OF_PANE`, with the citations above the first
    heading. A bookmark or note whose pane or heading slug is no longer in the
    content is an orphan: it goes in "Other notes" under its stored heading
    text, ordered by pane id, heading text and slug.
    """
    by_place: dict[tuple[str, str], list[Note]] = {}
    for note in notes:
        by_place.setdefault((note.pane_id, note.slug), []).append(note)
    marks: dict[tuple[str, str], Bookmark] = {}
    for bookmark in bookmarks:
        marks.setdefault((bookmark.pane_id, bookmark.slug), bookmark)
    places = set(by_place) | set(marks)

    groups: list[PaneGroup] = []
    seen: set[tuple[str, str]] = set()
    cited: dict[str, None] = {}
    wanted_panes = {pane_id for pane_id, _ in places}
    for index, pane in enumerate(library.panes):
        if pane.id not in wanted_panes:
            continue
        document = library.document(pane.id)
        cites_by_slug: dict[str, dict[str, None]] = {}
        for citation in document.citations:
            cites_by_slug.setdefault(citation.slug, {})[citation.key] = None
        sections: list[Section] = []
        key = index + 1 if index < 9 else None
        top = (pane.id, "")
        if top in places:
            seen.add(top)
            cites = tuple(cites_by_slug.get("", {}))
            cited.update(dict.fromkeys(cites))
            sections.append(
                Section(
                    pane_id=pane.id,
                    slug="",
                    heading=TOP_OF_PANE,
                    pane_title=pane.title,
                    trail=(),
                    key=key,
                    bookmark=marks.get(top),
                    notes=tuple(sorted(by_place.get(top, ()), key=note_order)),
                    cites=cites,
                )
            )
        stack: list[tuple[int, str]] = []
        for heading in document.headings:
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            place = (pane.id, heading.slug)
            if place in places:
                seen.add(place)
                cites = tuple(cites_by_slug.get(heading.slug, {}))
                cited.update(dict.fromkeys(cites))
                sections.append(
                    Section(
                        pane_id=pane.id,
                        slug=heading.slug,
                        heading=heading.text,
                        pane_title=pane.title,
                        trail=tuple(text for _, text in stack),
                        key=key,
                        bookmark=marks.get(place),
                        notes=tuple(sorted(by_place.get(place, ()), key=note_order)),
                        cites=cites,
                    )
                )
            stack.append((heading.level, heading.text))
        if sections:
            groups.append(PaneGroup(pane.id, pane.title, tuple(sections)))

    orphans: list[Section] = []
    for place in places - seen:
        pane_id, slug = place
        items = sorted(by_place.get(place, ()), key=note_order)
        mark = marks.get(place)
        stored = items[-1].heading if items else (mark.heading if mark else "")
        known = library.pane(pane_id)
        orphans.append(
            Section(
                pane_id=pane_id,
                slug=slug,
                heading=stored,
                pane_title=known.title if known else pane_id,
                trail=(),
                key=None,
                bookmark=mark,
                notes=tuple(items),
                cites=(),
                orphan=True,
            )
        )
    orphans.sort(key=lambda s: (s.pane_id, s.heading, s.slug))
    references = tuple(library.references[k] for k in cited if k in library.references)
    missing = tuple(k for k in cited if k not in library.references)
    return Outline(tuple(groups), tuple(orphans), references, missing)


def when(stamp: str) -> str:
    """A stored timestamp as a date for print (the raw text if it is not ISO)."""
    try:
        return datetime.fromisoformat(stamp).date().isoformat()
    except ValueError:
        return stamp


def note_dates(note: Note) -> str:
    """``written 2026-01-02, edited 2026-01-05`` (no edit when same day)."""
    written, edited = when(note.created), when(note.updated)
    return f"written {written}" + (f", edited {edited}" if edited != written else "")
