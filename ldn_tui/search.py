"""Full-text search over the content, the glossary, references and reader data.

The index is built from :class:`~ldn_tui.models.Document` blocks (which come
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

No Textual imports here (a test checks it in a subprocess).
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from .models import Block, Bookmark, Note

if TYPE_CHECKING:
    from .content import Library

__all__ = ["SearchResult", "SearchIndex", "build_index", "find_matches", "fold", "stem"]

#: A word: letters/digits (accented too, even when decomposed), and decimal
#: numbers such as ``4.5``.
WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+(?:[.,]\d+)*")
SNIPPET_WIDTH = 80
_K1, _B = 1.2, 0.75
#: a title (heading, glossary term, pane title) word counts this many times
_TITLE_WEIGHT = 3.0
#: weights of the ways a vocabulary word can match a query word
_EXACT, _STEM, _PREFIX, _TYPO = 1.0, 0.9, 0.75, 0.6
#: prefix expansion is capped (most frequent words kept) so a short prefix on a
#: large corpus stays fast
_MAX_PREFIX = 40
#: The sort key of an entry, as one float: 1e8 per query word it matches,
#: 1e7 when a heading/term matched, 1e4 per word found as typed, plus the
#: BM25 score (well under 1e4; a query is cut to MAX_QUERY_WORDS words).
_COVER, _TITLE, _AS_TYPED = 1e8, 1e7, 1e4
MAX_QUERY_WORDS = 32
STOPWORDS = frozenset(
    "a an and are as at be by do does for from how i in is it its me my of on or "
    "the that this to was what when which who why with".split()
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


# --------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-insensitive form of ``word`` (NFKD, marks dropped)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_SUFFIXES = ("ingly", "edly", "ing", "ied", "ies", "es", "ed", "ly", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stem of a folded word, so word forms meet.

    ``dream``, ``dreams``, ``dreamed`` and ``dreaming`` all give ``dream``;
    ``dose``, ``doses`` and ``dosing`` give ``dos``; ``study`` and
    ``studies`` give ``study``. Not a linguistic stemmer: just enough that a
    reader's word form finds the text's.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    for suffix in _SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        base = word[: -len(suffix)]
        if suffix in ("ied", "ies"):
            base += "y"
        elif suffix == "es" and not base.endswith(("s", "x", "z", "ch", "sh")):
            base = word[:-1]  # "doses" -> "dose", not "dos" + nothing
        elif suffix == "s" and base.endswith(("s", "u", "i")):
            base = word  # "class", "virus", "analysis": not plurals
        elif suffix in ("ing", "ed", "edly", "ingly") and (
            len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz"
        ):
            base = base[:-1]  # "stopping" -> "stop"
        break
    if len(base) > 3 and base.endswith("e"):
        base = base[:-1]  # "dose"/"dosing" meet at "dos"
    return base


def words(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded)`` for every word of ``text``."""
    return [(m.start(), m.end(), fold(m.group())) for m in WORD_RE.finditer(text)]


def _within_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one edit (incl. a swap)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) <= 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance, or ``limit + 1`` once it exceeds it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def _levenshtein_bits(query: str):
    """A bit-parallel Levenshtein distance from ``query`` (Myers/Hyyrö).

    Returns a function ``distance(word) -> int``; about ten integer operations
    per letter of ``word``, so suggestions can afford to check a length bucket
    of the vocabulary.
    """
    m = len(query)
    peq: dict[str, int] = {}
    for i, c in enumerate(query):
        peq[c] = peq.get(c, 0) | (1 << i)
    full, high = (1 << m) - 1, 1 << (m - 1)

    def distance(word: str) -> int:
        pv, mv, score = full, 0, m
        for c in word:
            eq = peq.get(c, 0)
            xv = eq | mv
            xh = (((eq & pv) + pv) ^ pv) | eq
            ph = mv | (~(xh | pv) & full)
            mh = pv & xh
            if ph & high:
                score += 1
            elif mh & high:
                score -= 1
            ph = ((ph << 1) | 1) & full
            mh = (mh << 1) & full
            pv = mh | (~(xv | ph) & full)
            mv = ph & xv
        return score

    return distance


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def find_matches(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, as ``(start, end)`` ranges.

    Smart case: an all-lower-case query ignores case, any upper-case letter
    makes the search case-sensitive. The query is literal text (``(``, ``*``
    and friends are not special). Matches do not overlap.
    """
    if not query:
        return []
    flags = 0 if any(c.isupper() for c in query) else re.IGNORECASE
    return [m.span() for m in re.finditer(re.escape(query), text, flags)]


# --------------------------------------------------------------------------
# Entries and sub-indexes
# --------------------------------------------------------------------------


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
    entries = [
        _Entry("note", n.pane_id, n.slug, n.heading, _line(n.text), 0, 0, n.id) for n in notes if n.text.strip()
    ]
    entries += [_Entry("bookmark", b.pane_id, b.slug, b.heading, _line(b.heading), 0) for b in bookmarks]
    return entries


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
