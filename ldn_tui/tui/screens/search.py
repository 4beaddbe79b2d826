"""The "search everything" screen and the command-palette search provider.

:class:`SearchScreen` is a typed modal: it dismisses with the chosen
:class:`~ldn_tui.search.query.SearchResult`, or None on escape. Results update as
you type (a query takes well under a millisecond on the shipped content, so
there is no debounce).

Rows are built as ``rich.text.Text`` with ``append``/``stylize`` only, never
from markup strings, so a note reading ``[bold]`` or ``[/]`` shows literally.
Their styles come from component classes in CSS (theme variables), so no
colour is written in Python.

:class:`SearchProvider` adds search hits to the command palette. It reads
``app.search_index`` and calls ``app.open_search_result(result)``, both of
which the app provides (see the class docstring).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Hit, Hits, Provider
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ldn_tui.search import SearchIndex, SearchResult, find_matches
from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.screens.palette import plain, safe_line, styled_ranges
from ldn_tui.tui.widgets.footer import KeysFooter

#: How each kind of result is labelled in a row.
KIND_LABELS: dict[str, str] = {
    "heading": "heading",
    "body": "text",
    "glossary": "glossary",
    "reference": "reference",
    "note": "your note",
    "bookmark": "bookmark",
}
LIMIT = 50
EMPTY_HINT = "Search every pane, the glossary, the references, your notes and bookmarks."


def result_place(result: SearchResult) -> str:
    """Where a result is: ``Pane › Heading`` (just the pane at its top)."""
    if not result.slug or result.heading == result.pane_title:
        return result.pane_title or result.heading
    if not result.pane_title:
        return result.heading
    return f"{result.pane_title} › {result.heading}"


def result_row(
    result: SearchResult,
    match: Style | str = "",
    kind: Style | str = "",
    place: Style | str = "",
) -> Text:
    """A two-line row: place and kind, then the snippet with matches styled.

    Styles are passed in (the screen reads them from CSS component classes).
    All text is appended as plain text: nothing is parsed as markup, and
    every piece passes through :func:`~ldn_tui.tui.screens.palette.safe_line`
    first, so a note's escape sequences (OSC 52, a title change, a clear
    screen) are shown as symbols, never sent to the terminal (finding F1).
    """
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(safe_line(result_place(result)), style=place)
    text.append("  ")
    text.append(safe_line(KIND_LABELS.get(result.kind, result.kind)), style=kind)
    text.append("\n")
    # Piece by piece, so the match ranges still fit after control
    # characters became (possibly longer) visible symbols.
    snippet = result.snippet
    at = 0
    for start, end in sorted(result.ranges):
        if start < at or end > len(snippet):
            continue
        text.append(safe_line(snippet[at:start], None))
        text.append(safe_line(snippet[start:end], None), style=match)
        at = end
    text.append(safe_line(snippet[at:], None))
    return text


class SearchResults(OptionList):
    """The result list. Its component classes style the parts of a row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = OptionList.COMPONENT_CLASSES | {
        "search-results--match",
        "search-results--kind",
        "search-results--place",
    }

    def part_style(self, name: str) -> Style:
        """The Rich style of component class ``search-results--{name}``.

        Only what the CSS rule sets is kept (so a highlighted row keeps its
        own background and colour), and a translucent colour such as
        ``$text-muted`` is blended over this widget's background first.
        """
        component = f"search-results--{name}"
        rules = self.get_component_styles(component)
        rich = self.get_visual_style(component).rich_style
        style = rich.without_color
        if rules.has_rule("color"):
            style += Style(color=rich.color)
        if rules.has_rule("background"):
            style += Style(bgcolor=rich.bgcolor)
        return style

    def row(self, result: SearchResult) -> Text:
        """The row for ``result``, styled from this widget's CSS."""
        return result_row(result, *(self.part_style(name) for name in ("match", "kind", "place")))


class SearchScreen(Modal[SearchResult | None]):
    """Search all panes, the glossary, references, notes and bookmarks.

    Type to search; ``down``/``up`` move through the results; ``enter`` opens
    the highlighted one (the screen dismisses with it); ``escape`` closes
    (dismisses with None). With no results it says so and suggests close
    words ("Did you mean: ...").
    """

    DEFAULT_CSS = """
    SearchScreen {
        align: center top;
    }
    SearchScreen #search-dialog {
        width: 90%;
        max-width: 110;
        height: 85%;
        margin-top: 2;
        padding: 0 1;
        background: $panel;
        border: round $accent;
        border-title-color: $text-accent;
    }
    SearchScreen #search-input {
        margin-bottom: 1;
    }
    SearchScreen #search-message {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SearchScreen #search-dialog.-no-results #search-message {
        color: $text-warning;
    }
    SearchScreen #search-dialog.-no-results SearchResults {
        display: none;
    }
    SearchScreen SearchResults {
        height: 1fr;
        border: none;
        background: $panel;
        padding: 0;
    }
    SearchScreen SearchResults > .option-list--option {
        padding: 0 1;
    }
    SearchScreen SearchResults > .search-results--match {
        color: $text-accent;
        text-style: bold underline;
    }
    SearchScreen SearchResults > .search-results--kind {
        color: $text-muted;
        text-style: italic;
    }
    SearchScreen SearchResults > .search-results--place {
        text-style: bold;
    }
    SearchScreen #search-keys {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "move('cursor_down')", "Next", show=False),
        Binding("up", "move('cursor_up')", "Previous", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
    ]

    def __init__(self, index: SearchIndex, query: str = "") -> None:
        """Search ``index``; start with ``query`` in the input."""
        super().__init__()
        self.index = index
        self.initial_query = query
        self.results: list[SearchResult] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog") as dialog:
            dialog.border_title = "Search everything"
            yield Input(self.initial_query, placeholder="Search…", id="search-input")
            yield Static(Text(EMPTY_HINT), id="search-message")
            yield SearchResults(id="search-results", markup=False)
            yield Static(Text("↑↓ move · Enter open · Esc close"), id="search-keys")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.show_results(self.initial_query)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # Row styles are resolved from CSS when built: rebuild after a theme switch.
        self.call_after_refresh(self.show_results, self.query_one(Input).value)

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        self.show_results(event.value)

    def show_results(self, query: str) -> None:
        """Run ``query`` and show its results (or why there are none)."""
        results_list = self.query_one(SearchResults)
        message = self.query_one("#search-message", Static)
        dialog = self.query_one("#search-dialog")
        self.results = self.index.search(query, limit=LIMIT + 1) if query.strip() else []
        more = len(self.results) > LIMIT
        del self.results[LIMIT:]
        results_list.set_options(Option(results_list.row(result), id=str(n)) for n, result in enumerate(self.results))
        if self.results:
            results_list.highlighted = 0
        no_results = bool(query.strip()) and not self.results
        dialog.set_class(no_results, "-no-results")
        if not query.strip():
            message.update(Text(EMPTY_HINT))
        elif no_results:
            message.update(self.no_results_text(query))
        else:
            count = len(self.results)
            message.update(Text(f"{count}{'+' if more else ''} result{'s' if count != 1 else ''}"))

    def no_results_text(self, query: str) -> Text:
        """The message for a query that found nothing, with suggestions."""
        text = Text()
        text.append("No results for “")
        text.append(safe_line(query.strip()))
        text.append("”.")
        suggestions = self.index.suggest(query)
        if suggestions:
            text.append(" Did you mean: ")
            text.append(safe_line(", ".join(suggestions)))
            text.append("?")
        else:
            text.append(" Try fewer words, or the start of a word.")
        return text

    def action_move(self, action: str) -> None:
        """Move the highlight in the results while typing in the input."""
        getattr(self.query_one(SearchResults), f"action_{action}")()

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.query_one(SearchResults).highlighted
        if highlighted is not None and highlighted < len(self.results):
            self.dismiss(self.results[highlighted])

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.results[event.option_index])

    def action_close(self) -> None:
        """Close without choosing anything."""
        self.dismiss(None)


class SearchProvider(Provider):
    """Command-palette hits from the search index.

    Relies on two things the app provides:

    * ``app.search_index``: the :class:`~ldn_tui.search.query.SearchIndex` (None,
      or absent, while it is being built: the provider then yields nothing);
    * ``app.open_search_result(result)``: open the pane and heading of a
      :class:`~ldn_tui.search.query.SearchResult` and highlight its terms.
    """

    async def search(self, query: str) -> Hits:
        opener = getattr(self.app, "open_search_result", None)
        if opener is None or not query.strip():
            return
        # Build the index now if the background build has not finished, so
        # the same word always finds the same content (finding W9).
        ensure = getattr(self.app, "ensure_search_index", None)
        index: SearchIndex | None = ensure() if ensure else getattr(self.app, "search_index", None)
        if index is None:
            return
        results = index.search(query, limit=20)
        for rank, result in enumerate(results):
            # Content built from plain, terminal-safe text: a Textual Style
            # cannot go into a Rich Text (findings C1/F2), and a help string
            # would be parsed as markup (F3).
            title = safe_line(f"{result_place(result)} ({KIND_LABELS.get(result.kind, result.kind)})")
            ranges = [span for term in result.terms if term for span in find_matches(title, term)]
            yield Hit(
                # keep the index's order; palette scores run 0..1
                score=0.9 * (1.0 - rank / (len(results) + 1)),
                match_display=styled_ranges(title, ranges, self.match_style),
                command=partial(opener, result),
                text=title,
                help=plain(result.snippet),  # type: ignore[arg-type]  # Content passes through from_markup
            )
