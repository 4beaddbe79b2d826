"""Pilot tests for the search screen and the command-palette provider."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static

from ldn_tui.content.library import load_library
from ldn_tui.notes.models import Note
from ldn_tui.search.query import SearchIndex, SearchResult, build_index
from ldn_tui.tui.screens.search import SearchProvider, SearchResults, SearchScreen

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"
UNSET = object()


class SearchApp(App[None]):
    """A tiny app that pushes the search screen and keeps what it returns."""

    def __init__(self, index: SearchIndex) -> None:
        super().__init__()
        self.search_index = index
        self.chosen: object = UNSET
        self.opened: list[SearchResult] = []

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.search_index), self.done)

    def done(self, result: SearchResult | None) -> None:
        self.chosen = result

    def open_search_result(self, result: SearchResult) -> None:
        self.opened.append(result)


@pytest.fixture
def index() -> SearchIndex:
    return build_index(load_library(FIXTURES))


async def type_query(pilot, query: str) -> None:
    await pilot.press(*query)
    await pilot.pause()


def message(app: App) -> str:
    content = app.screen.query_one("#search-message", Static).content
    return content.plain if isinstance(content, Text) else str(content)


async def test_enter_returns_the_highlighted_result(index):
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_query(pilot, "deeper")
        assert message(app) == "1 result"
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(app.chosen, SearchResult)
    assert (app.chosen.kind, app.chosen.pane_id, app.chosen.slug) == ("heading", "alpha", "deeper")


async def test_down_and_up_move_the_highlight(index):
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_query(pilot, "details")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        expected = screen.results[2]
        await pilot.press("down", "down", "down", "up", "enter")
        await pilot.pause()
    assert app.chosen == expected
    assert app.chosen.kind == "body"


async def test_escape_returns_none(index):
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_query(pilot, "microglia")
        await pilot.press("escape")
        await pilot.pause()
    assert app.chosen is None


async def test_no_results_shows_a_message_and_suggestions(index):
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_query(pilot, "zzzzqqq")
        dialog = app.screen.query_one("#search-dialog")
        assert dialog.has_class("-no-results")
        assert message(app).startswith("No results for “zzzzqqq”.")
        await pilot.press("enter")  # nothing to choose: the screen stays
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen) and app.chosen is UNSET
        app.screen.query_one(Input).value = "gidgat"
        await pilot.pause()
        assert "Did you mean: gadget, widget?" in message(app)
        app.screen.query_one(Input).value = "gadget"
        await pilot.pause()
        assert not dialog.has_class("-no-results")
        assert message(app) == "1 result"


async def test_row_text_is_literal_and_highlights_the_match(index):
    index.set_user_data([Note("n1", "beta", "more", "More", "[bold]x[/] and [red]dreamy[/red]", "", "")], [])
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_query(pilot, "dreamy")
        results = app.screen.query_one(SearchResults)
        assert results.option_count == 1
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        assert prompt.plain == "Beta › More  your note\n[bold]x[/] and [red]dreamy[/red]"
        snippet_start = prompt.plain.index("\n") + 1
        styled = [(s.start, s.end) for s in prompt.spans if s.start >= snippet_start]
        assert [prompt.plain[s:e] for s, e in styled] == ["dreamy"]


async def test_palette_provider_yields_hits_and_opens_the_result(index):
    app = SearchApp(index)
    async with app.run_test(size=(100, 30)):
        provider = SearchProvider(app.screen)
        hits = [hit async for hit in provider.search("fibromyalga")]
        assert len(hits) == 1 and hits[0].text == "Alpha › Deeper (text)"
        hits[0].command()
        assert [(r.pane_id, r.slug) for r in app.opened] == [("alpha", "deeper")]
        assert [hit async for hit in provider.search("zzzzqqq")] == []
        app.search_index = None  # still building: no hits, no error
        assert [hit async for hit in provider.search("deeper")] == []


async def test_a_save_does_not_reindex_every_note_and_search_still_finds_it(app):
    """A save marks the index stale; the notes go into it when search next
    opens (re-indexing 100,000 notes on every save took seconds)."""
    from helpers import ready

    ldn = app()
    async with ldn.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        index = ldn.ensure_search_index()
        calls: list[int] = []
        real = index.set_user_data
        index.set_user_data = lambda notes, bookmarks: (calls.append(len(notes)), real(notes, bookmarks))[1]
        for n in range(3):
            ldn.notebook.save_edit("alpha", "", "Alpha", None, f"zebrafish note {n}", None)
        await pilot.pause()
        assert calls == []  # no save re-indexed
        found = ldn.ensure_search_index().search("zebrafish", limit=10)
        assert calls == [3] and len([r for r in found if r.kind == "note"]) == 3
