"""The search index's parts: entries, postings and vocabulary, built from the content.

An *entry* (:class:`_Entry`) is one searchable unit -- a pane title, a
heading, a body block, a glossary term with its definition, a reference, a
note or a bookmark. A :class:`_Part` indexes a list of entries: BM25
postings, the vocabulary with its stems, prefixes and a typo lookup.
:func:`_content_entries` and :func:`_user_entries` make the entries;
:class:`~ldn_tui.search.query.SearchIndex` combines a content part and a reader
part and ranks the matches.

No Textual imports here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ldn_tui.content import Block
from ldn_tui.notes import Bookmark, Note
from ldn_tui.search.text import WORD_RE, _deletions, _within_one, fold, stem, words

if TYPE_CHECKING:
    from ldn_tui.content import Library

_K1, _B = 1.2, 0.75
#: a title (heading, glossary term, pane title) word counts this many times
_TITLE_WEIGHT = 3.0
#: weights of the ways a vocabulary word can match a query word
_EXACT, _STEM, _PREFIX, _TYPO = 1.0, 0.9, 0.75, 0.6
#: prefix expansion is capped (most frequent words kept) so a short prefix on a
#: large corpus stays fast
_MAX_PREFIX = 40


@dataclass(frozen=True)
class _Entry:
    kind: str
    pane_id: str
    slug: str
    heading: str
    text: str  # one line; the first ``title_end`` characters are the title
    title_end: int = 0
    line: int = 0
    key: str = ""


class _Part:
    """The index of one set of entries: postings, vocabulary, typo lookup."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self._words: dict[int, list[tuple[int, int, str]]] = {}
        counts: list[dict[str, float]] = []
        titles: dict[str, set[int]] = {}
        surface: dict[str, str] = {}
        lengths: list[int] = []
        for index, entry in enumerate(entries):
            tf: dict[str, float] = {}
            found = WORD_RE.finditer(entry.text)
            n = 0
            for match in found:
                word = match.group()
                folded = fold(word)
                if folded not in surface:
                    surface[folded] = word.lower()
                if match.start() < entry.title_end:
                    tf[folded] = tf.get(folded, 0.0) + _TITLE_WEIGHT
                    titles.setdefault(folded, set()).add(index)
                else:
                    tf[folded] = tf.get(folded, 0.0) + 1.0
                n += 1
            counts.append(tf)
            lengths.append(n)
        avg = (sum(lengths) / len(lengths)) if lengths else 1.0
        postings: dict[str, dict[int, float]] = {}
        for index, tf in enumerate(counts):
            norm = _K1 * (1 - _B + _B * lengths[index] / (avg or 1.0))
            for word, f in tf.items():
                postings.setdefault(word, {})[index] = f * (_K1 + 1) / (f + norm)
        self.postings = postings
        self.titles = titles
        self.surface = surface
        self.vocab = sorted(postings)
        self.stems: dict[str, list[str]] = {}
        #: alphabetic words by length, for suggestions (edit distance 2)
        self.by_length: dict[int, list[str]] = {}
        for word in self.vocab:
            self.stems.setdefault(stem(word), []).append(word)
            if word.isalpha():
                self.by_length.setdefault(len(word), []).append(word)
        self._deletes: dict[str, list[str]] | None = None

    @property
    def deletes(self) -> dict[str, list[str]]:
        """Deletion neighbourhood: each one-letter deletion -> vocabulary words.

        Built on first use (the first typo query), so building the index
        stays cheap.
        """
        if self._deletes is None:
            table: dict[str, list[str]] = {}
            for word in self.vocab:
                if len(word) >= 4 and word.isalpha():
                    for variant in _deletions(word):
                        table.setdefault(variant, []).append(word)
            self._deletes = table
        return self._deletes

    def strong(self, word: str, prefix_len: int) -> dict[str, float]:
        """Vocabulary words equal to, sharing a stem with, or extending ``word``."""
        found: dict[str, float] = {}
        for other in self.stems.get(stem(word), ()):
            found[other] = _EXACT if other == word else _STEM
        if word in self.postings:
            found[word] = _EXACT
        if len(word) >= prefix_len:
            start = bisect_left(self.vocab, word)
            extensions = []
            for other in self.vocab[start:]:
                if not other.startswith(word):
                    break
                if other not in found:
                    extensions.append(other)
            if len(extensions) > _MAX_PREFIX:
                extensions.sort(key=lambda w: -len(self.postings[w]))
                extensions = extensions[:_MAX_PREFIX]
            for other in extensions:
                found[other] = _PREFIX
        return found

    def typos(self, word: str) -> dict[str, float]:
        """Vocabulary words one edit away from ``word``."""
        table = self.deletes
        candidates = set(table.get(word, ()))
        for variant in _deletions(word):
            if variant in self.postings:
                candidates.add(variant)
            candidates.update(table.get(variant, ()))
        return {c: _TYPO for c in candidates if c != word and _within_one(word, c)}

    def entry_words(self, index: int) -> list[tuple[int, int, str]]:
        """The words of an entry (tokenised on demand, then cached)."""
        found = self._words.get(index)
        if found is None:
            found = self._words[index] = words(self.entries[index].text)
        return found


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


def _line(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def _content_entries(library: Library) -> tuple[list[_Entry], dict[str, str]]:
    entries: list[_Entry] = []
    titles: dict[str, str] = {}
    ref_pane = ""
    for pane in library.panes:
        titles[pane.id] = pane.title
        if pane.kind == "references" and not ref_pane:
            ref_pane = pane.id
        head = f"{pane.title} — {pane.summary}" if pane.summary else pane.title
        entries.append(_Entry("heading", pane.id, "", pane.title, _line(head), len(pane.title)))
        slug, heading = "", pane.title
        term: _Entry | None = None  # the glossary term being collected
        definition: list[str] = []

        def close_term() -> None:
            nonlocal term
            if term is not None:
                text = term.text + (" — " + " ".join(definition) if definition else "")
                entries.append(_Entry("glossary", pane.id, term.slug, term.heading, text, term.title_end, term.line))
                term = None
            definition.clear()

        for block in library.document(pane.id).blocks:
            if block.kind == "heading":
                close_term()
                if pane.kind == "references" and block.line == 0:
                    break  # the generated reference list: indexed from Library.references
                slug, heading = block.slug, _line(block.text.strip())
                if pane.kind == "glossary" and block.level == 3:
                    term = _Entry("glossary", pane.id, slug, heading, heading, len(heading), block.line)
                else:
                    entries.append(_Entry("heading", pane.id, slug, heading, heading, len(heading), block.line))
                continue
            for text in _block_texts(block):
                if term is not None:
                    definition.append(text)
                else:
                    entries.append(_Entry("body", pane.id, slug, heading, text, 0, block.line))
        close_term()
    for key, ref in library.references.items():
        year = f" ({ref.year})" if ref.year else ""
        parts = [f"{ref.authors.rstrip('.')}{year}", ref.title.rstrip("."), ref.venue.rstrip("."), f"[{key}]"]
        text = ". ".join(p for p in parts[:3] if p) + ". " + parts[3]
        heading = f"{ref.short}: {ref.title}"
        entries.append(_Entry("reference", ref_pane, key if ref_pane else "", heading, _line(text), 0, ref.line, key))
    return entries, titles


def _block_texts(block: Block) -> list[str]:
    """The searchable text of a body block (a table gives one text per row)."""
    if block.kind == "table":
        rows = [" | ".join("".join(s.text for s in cell).strip() for cell in row) for row in block.rows]
        return [_line(r) for r in rows if r.strip(" |")]
    if block.kind in ("rule", "heading"):
        return []
    text = _line(block.text).strip()
    return [text] if text else []


def _user_entries(notes: Iterable[Note], bookmarks: Iterable[Bookmark]) -> list[_Entry]:
    entries = [_Entry("note", n.pane_id, n.slug, n.heading, _line(n.text), 0, 0, n.id) for n in notes if n.text.strip()]
    entries += [_Entry("bookmark", b.pane_id, b.slug, b.heading, _line(b.heading), 0) for b in bookmarks]
    return entries
