"""Full-text search over the content, the glossary, references and reader data.

The index is built from :class:`~ldn_tui.content.models.Document` blocks (which come
from the markdown-it-py token stream), never from widgets. Each *entry* is one
searchable unit: a pane title, a heading, a body block (paragraph, list item,
quote, code block, table row), a glossary term with its definition, a
reference, a note or a bookmark.

How a query is matched:

* Text is split into words and *folded*: NFKD, combining marks dropped,
  case-folded, so ``Naltréxone`` and ``NALTREXONE`` are the same word.
  Punctuation is never special: a query is text, not a pattern.
* A query word matches a vocabulary word that is equal, shares its light
  suffix stem (``dream``/``dreams``/``dreaming``), or starts with it (query
  words of four letters or more; three for the word being typed). Only when
  none of those exist does a word of five letters or more fall back to typo
  matching: vocabulary words at edit distance 1 (insert, delete, substitute,
  transpose), found through a precomputed deletion neighbourhood rather than
  a scan.
* Ranking: entries matching more query words first; then heading and
  glossary-term matches above body matches; then entries holding more query
  words exactly as typed (``dreams`` before ``dreaming``); then BM25 (the
  word's weight times 1.0 exact, 0.9 same stem, 0.75 prefix, 0.6 typo).

Content and reader data live in two sub-indexes so
:meth:`SearchIndex.set_user_data` can replace notes and bookmarks without
rebuilding the content part.

Where the parts live: this module ranks (:class:`SearchIndex`) and builds
the index (:func:`build_index`); the entries and sub-indexes are in
:mod:`ldn_tui.search.index`; folding, stemming, edit distance and
tokenising in :mod:`ldn_tui.search.text`.

No Textual imports here (a test checks it in a subprocess).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ldn_tui.notes import Bookmark, Note
from ldn_tui.search.index import _content_entries, _Part, _user_entries
from ldn_tui.search.text import WORD_RE, _levenshtein_bits, edit_distance, fold

if TYPE_CHECKING:
    from ldn_tui.content import Library

__all__ = ["SearchResult", "SearchIndex", "build_index"]

SNIPPET_WIDTH = 80
#: The sort key of an entry, as one float: 1e8 per query word it matches,
#: 1e7 when a heading/term matched, 1e4 per word found as typed, plus the
#: BM25 score (well under 1e4; a query is cut to MAX_QUERY_WORDS words).
_COVER, _TITLE, _AS_TYPED = 1e8, 1e7, 1e4
MAX_QUERY_WORDS = 32
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "the",
        "that",
        "this",
        "to",
        "was",
        "what",
        "when",
        "which",
        "who",
        "why",
        "with",
    ]
)


@dataclass(frozen=True)
class SearchResult:
    """One search hit, ready to show and to jump to.

    Attributes:
        kind: ``heading``, ``body``, ``glossary``, ``reference``, ``note`` or
            ``bookmark``.
        pane_id: the pane to open ("" for a reference when the content has no
            references pane).
        slug: the heading the match is under ("" for the top of the pane).
        heading: that heading's text (the pane title for the top of a pane).
        pane_title: the pane's title.
        snippet: about 80 characters of text around the match, one line.
        ranges: ``(start, end)`` character ranges of matched words inside
            ``snippet``, for highlighting.
        terms: the matched words as they appear in the text, lower-cased, for
            highlighting in the pane after the jump (see :func:`find_matches`).
        score: the relevance score (BM25, weighted by how the words matched).
        line: the source line of the matched block (0 when unknown).
        key: the reference key for references, the note id for notes.
    """

    kind: str
    pane_id: str
    slug: str
    heading: str
    pane_title: str
    snippet: str
    ranges: tuple[tuple[int, int], ...]
    terms: tuple[str, ...]
    score: float
    line: int = 0
    key: str = ""


def build_index(library: Library) -> SearchIndex:
    """Index every pane, glossary term and reference of ``library``.

    Parses any pane not parsed yet (:meth:`Library.document` caches them).
    Notes and bookmarks are added with :meth:`SearchIndex.set_user_data`.
    """
    entries, titles = _content_entries(library)
    return SearchIndex(_Part(entries), titles)


# --------------------------------------------------------------------------
# Querying
# --------------------------------------------------------------------------


class SearchIndex:
    """The search index: content part plus a replaceable reader-data part.

    Thread note: build it in a worker if you like; :meth:`set_user_data`
    swaps the reader part in one assignment, so a search running meanwhile
    sees either the old or the new notes.
    """

    def __init__(self, content: _Part, pane_titles: dict[str, str]) -> None:
        self._content = content
        self._user = _Part([])
        self.pane_titles = pane_titles

    def __len__(self) -> int:
        return len(self._content.entries) + len(self._user.entries)

    def set_user_data(self, notes: Iterable[Note] = (), bookmarks: Iterable[Bookmark] = ()) -> None:
        """Replace the reader's notes and bookmarks in the index."""
        self._user = _Part(_user_entries(notes, bookmarks))

    def _query_words(self, query: str) -> list[str]:
        found = list(dict.fromkeys(fold(m.group()) for m in WORD_RE.finditer(query)))
        kept = [w for w in found if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
        return kept or found

    def _expand(self, word: str, last: bool) -> list[dict[str, float]]:
        """Per part, the vocabulary words ``word`` matches, with weights."""
        parts = (self._content, self._user)
        prefix_len = 3 if last else 4
        found = [part.strong(word, prefix_len) for part in parts]
        if not any(found) and len(word) >= 5 and word.isalpha():
            found = [part.typos(word) for part in parts]
        return found

    def search(self, query: str, limit: int = 50) -> list[SearchResult]:
        """The best ``limit`` entries for ``query``; [] for an empty query.

        The query is plain text: punctuation (``(``, ``*``, ``[``...) only
        separates words and never raises.
        """
        qwords = self._query_words(query)[:MAX_QUERY_WORDS]
        if not qwords or limit <= 0:
            return []
        last_open = not query[-1:].isspace()
        parts = (self._content, self._user)
        # One float per entry encodes the whole sort key (see _COVER...), so
        # ranking is a single C-level nlargest rather than tuples per entry.
        scores: list[dict[int, float]] = [{}, {}]
        title_hit: list[set[int]] = [set(), set()]
        matched: list[set[str]] = [set(), set()]
        for position, word in enumerate(qwords):
            expansions = self._expand(word, last_open and position == len(qwords) - 1)
            for p, (part, terms) in enumerate(zip(parts, expansions)):
                if not terms:
                    continue
                n = len(part.entries)
                best: dict[int, float] | None = None
                for term, weight in terms.items():
                    posting = part.postings[term]
                    idf = math.log(1.0 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
                    factor = weight * idf
                    bonus = _COVER + (_AS_TYPED if term == word else 0.0)
                    if best is None:
                        best = {i: factor * tfn + bonus for i, tfn in posting.items()}
                    else:  # another form of the same word: keep the best
                        get = best.get
                        for i, tfn in posting.items():
                            value = factor * tfn + bonus
                            if value > get(i, 0.0):
                                best[i] = value
                    titles = part.titles.get(term)
                    if titles:
                        title_hit[p].update(titles)
                    matched[p].add(term)
                if best is None:
                    continue
                total = scores[p]
                if not total:
                    scores[p] = best
                else:
                    get = total.get
                    for i, value in best.items():
                        total[i] = get(i, 0.0) + value
        ranked: list[tuple[float, int, int]] = []
        for p, total in enumerate(scores):
            for i in title_hit[p]:
                if i in total:
                    total[i] += _TITLE
            ranked += ((total[i], p, i) for i in heapq.nlargest(limit, total, key=total.__getitem__))
        ranked.sort(key=lambda item: -item[0])
        return [self._result(parts[p], i, key % _AS_TYPED, matched[p]) for key, p, i in ranked[:limit]]

    def _result(self, part: _Part, index: int, score: float, matched: set[str]) -> SearchResult:
        entry = part.entries[index]
        hits = [(s, e) for s, e, w in part.entry_words(index) if w in matched]
        text = entry.text
        start, end = 0, len(text)
        if len(text) > SNIPPET_WIDTH:
            first, first_end = hits[0] if hits else (0, 0)
            start = max(0, min(first - SNIPPET_WIDTH // 3, len(text) - SNIPPET_WIDTH))
            if start:
                space = text.find(" ", start, first)
                start = space + 1 if space != -1 else start
            end = min(len(text), start + SNIPPET_WIDTH)
            if end < len(text):
                space = text.rfind(" ", first_end, end)
                end = space if space != -1 else end
        lead = "…" if start else ""
        snippet = lead + text[start:end].strip() + ("…" if end < len(text) else "")
        shift = len(lead) - start - (len(text[start:end]) - len(text[start:end].lstrip()))
        ranges = tuple((s + shift, e + shift) for s, e in hits if s >= start and e <= end)
        terms = tuple(dict.fromkeys(text[s:e].lower() for s, e in hits))
        return SearchResult(
            kind=entry.kind,
            pane_id=entry.pane_id,
            slug=entry.slug,
            heading=entry.heading,
            pane_title=self.pane_titles.get(entry.pane_id, entry.pane_id),
            snippet=snippet,
            ranges=ranges,
            terms=terms,
            score=round(score, 4),
            line=entry.line,
            key=entry.key,
        )

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Vocabulary words close to the query words that match nothing.

        Close means within edit distance 2 (insert, delete, substitute,
        transpose) for query words of five letters or more, 1 for three or
        four letters; suggestions have at least three letters. Returns []
        when every word of the query matches something. Words are given as
        they appear in the text (lower-cased), closest and most frequent
        first.
        """
        parts = (self._content, self._user)
        ranked: dict[str, tuple[int, int]] = {}
        for word in self._query_words(query):
            if len(word) < 3 or any(part.strong(word, 99) for part in parts):
                continue
            # two edits turn most short words into other short words: noise
            limit = 2 if len(word) >= 5 else 1
            levenshtein = _levenshtein_bits(word)
            for part in parts:
                lengths = range(max(3, len(word) - limit), len(word) + limit + 1)
                for other in (w for n in lengths for w in part.by_length.get(n, ())):
                    # Levenshtein >= OSA distance (a swap costs 2 there, 1 in
                    # OSA), so checking OSA below limit + 1 loses nothing
                    lev = levenshtein(other)
                    if lev > limit + 1 or (lev > limit and len(other) != len(word)):
                        continue
                    distance = edit_distance(word, other, limit)
                    if distance <= limit:
                        shown = part.surface[other]
                        key = (distance, -len(part.postings[other]))
                        if shown not in ranked or key < ranked[shown]:
                            ranked[shown] = key
        return sorted(ranked, key=lambda w: (ranked[w], w))[:limit]
