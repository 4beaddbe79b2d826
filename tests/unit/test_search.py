"""Unit tests for the search index (ldn_tui.search.query) on the fixture content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldn_tui.content.library import load_library
from ldn_tui.notes.models import Bookmark, Note
from ldn_tui.search.query import SearchIndex, build_index
from ldn_tui.search.text import edit_distance, find_matches, fold, stem

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return build_index(load_library(FIXTURES))


def pane(pane_id: str, body: str, kind: str = "page", order: int = 1, title: str | None = None) -> str:
    title = title or pane_id.title()
    extra = f"kind: {kind}\n" if kind != "page" else ""
    return (
        f"---\nid: {pane_id}\ntitle: {title}\norder: {order}\nsummary: A pane.\n"
        f"reviewed: 2026-01-01\n{extra}---\n\n{body}"
    )


@pytest.fixture
def make_index(tmp_path: Path):
    """Build an index over panes written to a temporary content directory."""

    def make(**panes: str) -> SearchIndex:
        for name, text in panes.items():
            (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
        return build_index(load_library(tmp_path))

    return make


def where(results) -> list[tuple[str, str, str]]:
    return [(r.kind, r.pane_id, r.slug) for r in results]


# -- matching ---------------------------------------------------------------


def test_exact_word(index):
    results = index.search("microglia")
    assert where(results) == [("body", "alpha", "deeper")]
    result = results[0]
    assert result.heading == "Deeper" and result.pane_title == "Alpha"
    assert result.snippet == "Dreaming about fibromyalgia and microglia."
    assert [result.snippet[s:e] for s, e in result.ranges] == ["microglia"]
    assert result.terms == ("microglia",)


@pytest.mark.parametrize("query", ["NALTREXONE", "Naltrexone", "naltréxone", "NALTRÉXONE"])
def test_case_and_accent_insensitive(index, query):
    assert where(index.search(query)) == [("body", "beta", "details")]


def test_accented_text_found_by_plain_query(make_index):
    index = make_index(alpha=pane("alpha", "## Café\n\nA naïve Crème brûlée.\n"))
    assert ("heading", "alpha", "cafe") in where(index.search("cafe"))
    result = index.search("creme brulee")[0]
    assert [result.snippet[s:e] for s, e in result.ranges] == ["Crème", "brûlée"]
    assert result.terms == ("crème", "brûlée")


@pytest.mark.parametrize(
    "query, word",
    [
        ("fibromyalga", "fibromyalgia"),  # deletion
        ("naltrexon", "naltrexone"),  # deletion at the end
        ("naltrexne", "naltrexone"),  # deletion inside
        ("microglai", "microglia"),  # transposition
        ("mikroglia", "microglia"),  # substitution
        ("fibromyalgiaa", "fibromyalgia"),  # insertion
    ],
)
def test_one_typo_still_finds_the_word(index, query, word):
    results = index.search(query)
    assert results, query
    assert word in results[0].terms


def test_two_typos_or_short_words_do_not_match(index):
    assert index.search("fibromyalxx") == []
    assert index.search("mroe") == []  # four letters: no typo matching


@pytest.mark.parametrize("query", ["dream", "dreams", "dreaming", "Dreamed"])
def test_word_forms(index, query):
    found = {term for r in index.search(query) for term in r.terms}
    assert {"dreaming", "dreams"} <= found


def test_prefix_of_four_letters(index):
    assert "fibromyalgia" in index.search("fibro")[0].terms
    assert index.search("fib ") == []  # a finished three-letter word is not a prefix


def test_stem():
    assert stem("dreams") == stem("dreaming") == stem("dreamed") == stem("dream") == "dream"
    assert stem("doses") == stem("dosing") == stem("dose")
    assert stem("studies") == stem("study")
    assert stem("stopping") == stem("stop")
    assert stem("class") == "class" and stem("virus") == "virus"


def test_fold():
    assert fold("Naltréxone") == "naltrexone"
    assert fold("STRASSE") == fold("Straße")


# -- ranking ----------------------------------------------------------------


def test_heading_above_body(index):
    results = index.search("details")
    kinds = [r.kind for r in results]
    assert kinds[:2] == ["heading", "heading"]
    assert {r.pane_id for r in results[:2]} == {"alpha", "beta"}
    assert "body" in kinds[2:]


def test_heading_tier_beats_a_higher_body_score(make_index):
    # BM25 alone would put the short, repetitive paragraph first.
    index = make_index(
        alpha=pane(
            "alpha",
            "## Where the sprocket sits among many other long words in a heading\n\nSprocket sprocket sprocket.\n",
        )
    )
    results = index.search("sprocket")
    assert [r.kind for r in results] == ["heading", "body"]
    assert results[1].score > results[0].score


def test_glossary_term_above_body(make_index):
    index = make_index(
        alpha=pane("alpha", "## Notes\n\nWidget widget widget.\n"),
        glossary=pane(
            "glossary",
            "## Terms\n\n### Widget\n\nA thing on the screen, described at some length so that "
            "the entry is long and its score low.\n",
            kind="glossary",
            order=2,
        ),
    )
    results = index.search("widget")
    assert where(results)[:2] == [("glossary", "glossary", "widget"), ("body", "alpha", "notes")]
    assert results[0].snippet.startswith("Widget")


def test_glossary_definition_is_searchable(index):
    results = index.search("screen")
    assert where(results) == [("glossary", "glossary", "widget")]
    assert results[0].heading == "Widget"


def test_all_words_rank_first(make_index):
    index = make_index(
        alpha=pane(
            "alpha",
            "## Naltrexone\n\nNaltrexone, naltrexone, naltrexone.\n\n"
            "## Other\n\nA long paragraph that mentions naltrexone once and, much later, "
            "vivid dreams at night.\n",
        )
    )
    results = index.search("naltrexone dreams")
    assert where(results)[0] == ("body", "alpha", "other")
    assert set(results[0].terms) == {"naltrexone", "dreams"}
    # entries with one of the words follow, the heading first
    assert where(results)[1:] == [("heading", "alpha", "naltrexone"), ("body", "alpha", "naltrexone")]


def test_stopwords_do_not_count(index):
    assert where(index.search("the microglia")) == [("body", "alpha", "deeper")]
    assert where(index.search("microglia's")) == [("body", "alpha", "deeper")]
    assert index.search("the")  # a query of only stopwords still searches


def test_exact_match_scores_above_word_form(index):
    results = index.search("dreams")
    assert results[0].terms == ("dreams",)


# -- references, notes, bookmarks -------------------------------------------


@pytest.mark.parametrize(
    "query, key",
    [
        ("Brown", "smith2020"),
        ("fixture lab study", "jones2019"),
        ("Lab Notes", "jones2019"),
        ("smith2020", "smith2020"),
    ],
)
def test_references_are_searchable(index, query, key):
    hits = [r for r in index.search(query) if r.kind == "reference"]
    assert hits and hits[0].key == key
    assert (hits[0].pane_id, hits[0].slug) == ("references", key)


def test_generated_reference_list_is_not_duplicated(index):
    # The references pane appends a heading and paragraph per reference;
    # those are indexed once, as the reference, not again as heading/body.
    results = [r for r in index.search("fixture lab study") if r.slug == "jones2019"]
    assert [r.kind for r in results] == ["reference"]
    assert index.search("Randomised controlled") == []  # the generated group heading


def test_notes_and_bookmarks(make_index):
    index = make_index(alpha=pane("alpha", "## Sleep\n\nText.\n"))
    assert index.search("zolpidem") == []
    note = Note("n1", "alpha", "sleep", "Sleep", "Ask about zolpidem [bold] [/]", "", "")
    bookmark = Bookmark("alpha", "sleep", "Sleep", "")
    index.set_user_data([note], [bookmark])
    results = index.search("zolpidem")
    assert where(results) == [("note", "alpha", "sleep")]
    assert results[0].key == "n1" and results[0].snippet == "Ask about zolpidem [bold] [/]"
    assert ("bookmark", "alpha", "sleep") in where(index.search("sleep"))
    index.set_user_data([], [])
    assert index.search("zolpidem") == []
    assert [r.kind for r in index.search("sleep")] == ["heading"]


def test_typo_finds_a_note_word(index):
    index.set_user_data([Note("n2", "beta", "more", "More", "Ask my pharmacist", "", "")], [])
    try:
        assert where(index.search("pharmacsit")) == [("note", "beta", "more")]
    finally:
        index.set_user_data([], [])


# -- odd queries ------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "(", "*", "[", "+", "?", "\\", "[]()*+?\\", "(.*)"])
def test_empty_or_punctuation_only_gives_nothing(index, query):
    assert index.search(query) == []
    assert index.suggest(query) == []


@pytest.mark.parametrize("query", ["fibro*", "(microglia", "microglia)?", "[bold]", "a+b", "\\d+", "micro.*"])
def test_regex_characters_are_text(index, query):
    index.search(query)  # never raises
    assert find_matches("x" + query + "y", query) == [(1, 1 + len(query))]


def test_regex_characters_search_the_words(index):
    assert where(index.search("(microglia)*")) == [("body", "alpha", "deeper")]
    assert "bold" in index.search("[bold]")[0].terms


def test_limit(index):
    assert len(index.search("the", limit=2)) == 2
    assert index.search("pane", limit=0) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_query_is_safe(query):
    index = _SHARED
    for result in index.search(query):
        for start, end in result.ranges:
            assert 0 <= start < end <= len(result.snippet)
    index.suggest(query)
    find_matches("some text", query)


_SHARED = build_index(load_library(FIXTURES))


# -- snippets ---------------------------------------------------------------


def test_long_text_snippet_is_cut_around_the_match(make_index):
    words = " ".join(f"word{n}" for n in range(60))
    index = make_index(alpha=pane("alpha", f"## Long\n\n{words} needle {words}\n"))
    result = index.search("needle")[0]
    assert len(result.snippet) <= 84
    assert result.snippet.startswith("…") and result.snippet.endswith("…")
    ((start, end),) = result.ranges
    assert result.snippet[start:end] == "needle"


# -- suggestions ------------------------------------------------------------


def test_suggestions(index):
    assert index.search("gidgat") == []  # two edits: no match...
    assert index.suggest("gidgat") == ["gadget", "widget"]  # ...but close words
    assert index.search("fibromialgya") == []
    assert "fibromyalgia" in index.suggest("fibromialgya")
    assert index.suggest("microglia") == []  # found: nothing to suggest
    assert index.suggest("mroe") == ["more"]  # four letters: one edit (a swap)
    assert index.suggest("mxrx") == []  # ...not two
    assert index.suggest("zzzzqqq") == []


def test_edit_distance():
    assert edit_distance("microglai", "microglia") == 1
    assert edit_distance("gidgat", "gadget") == 2
    assert edit_distance("abc", "xyzabc") == 3  # capped at limit + 1


# -- find_matches -----------------------------------------------------------


def test_find_matches_smart_case():
    text = "Naltrexone and naltrexone and NALTREXONE"
    assert find_matches(text, "naltrexone") == [(0, 10), (15, 25), (30, 40)]
    assert find_matches(text, "Naltrexone") == [(0, 10)]
    assert find_matches(text, "NALTREXONE") == [(30, 40)]
    assert find_matches(text, "") == []
    assert find_matches("aaaa", "aa") == [(0, 2), (2, 4)]


# -- the domain stays free of Textual ---------------------------------------


def test_search_does_not_import_textual():
    code = "import ldn_tui.search.query, sys; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
