"""Words for search: tokenising, folding, stemming, edit distance, literal find.

The text side of :mod:`ldn_tui.search.query` (see its docstring for how a query is
matched): :func:`words` splits text into folded words (:func:`fold`: NFKD,
combining marks dropped, case-folded), :func:`stem` lets word forms meet,
:func:`edit_distance` and the bit-parallel Levenshtein of
:func:`_levenshtein_bits` find typos and suggestions, and
:func:`find_matches` is the smart-case literal find shared with the pane
view. Every public name is importable from :mod:`ldn_tui.search.query` too.

No Textual imports here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

#: A word: letters/digits (accented too, even when decomposed), and decimal
#: numbers such as ``4.5``.
WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+(?:[.,]\d+)*")


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


def _levenshtein_bits(query: str) -> Callable[[str], int]:
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
