"""The ``?`` help screen: every key, by section, generated from the command
table (:mod:`ldn_tui.tui.commands`) so it can never fall out of step with
the bindings; the reader's own keys (``[keymap]``) are shown."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.widgets.footer import KeysFooter

#: Keys handled by Textual itself that readers should know about.
EXTRA_KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Scrolling",
        [
            ("↑ ↓", "Scroll a line"),
            ("PgUp PgDn", "Scroll a page"),
            ("Home End", "Top / bottom"),
        ],
    ),
    ("Anywhere", [("ctrl+p", "Command palette: every action, by name"), ("ctrl+q", "Quit")]),
]


def binding_rows(app, bindings: list[Binding]) -> list[tuple[str, str]]:
    """``(keys, description)`` for each binding: its ``key_display``, else
    each of its keys as the app shows them ("? f1"). Which bindings, in
    which section, is decided by the command table
    (:func:`ldn_tui.tui.commands.help_sections`)."""
    return [
        (
            binding.key_display
            or " ".join(app.get_key_display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")),
            binding.description,
        )
        for binding in bindings
    ]


class HelpScreen(Modal[None]):
    """Lists every key by section.

    ``j``/``k``, ``g``/``G`` and the arrows scroll, instantly (no
    animation); ``escape``, ``q`` or ``?`` close it. Each section is its
    own grid, so a long section title never squeezes the descriptions out
    at 40 columns (finding E2).
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", key_display="esc"),
        Binding("ctrl+q", "app.quit", "Quit"),
        Binding("j,down", "scroll(1)", "Scroll", show=False),
        Binding("k,up", "scroll(-1)", "Scroll", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "edge(0)", "Top", show=False),
        Binding("G,end", "edge(1)", "Bottom", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        groups = [(title, binding_rows(self.app, bindings)) for title, bindings in self.sections]
        with Vertical(classes="dialog help"):
            yield Label("Keys (esc closes)", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                for title, rows in groups + EXTRA_KEYS:
                    table = Table.grid(padding=(0, 2))
                    table.add_column(style="bold", no_wrap=True, max_width=14)
                    table.add_column(ratio=1)
                    for keys, description in rows:
                        table.add_row(Text(keys, overflow="fold"), Text(description))
                    yield Static(Text(title, style="bold underline"), classes="help-section")
                    yield Static(table, classes="help-rows")
        yield KeysFooter()

    def _scroller(self) -> VerticalScroll:
        return self.query_one("#help-keys", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self._scroller().scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroller = self._scroller()
        scroller.scroll_relative(y=pages * max(scroller.size.height - 1, 1), animate=False)

    def action_edge(self, end: int) -> None:
        scroller = self._scroller()
        if end:
            scroller.scroll_end(animate=False)
        else:
            scroller.scroll_home(animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
