"""The ``?`` help screen: every key, generated from the binding tables so it
can never fall out of step with them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

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
    """``(keys, description)`` for each binding (one row per action)."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for binding in bindings:
        if binding.action in seen or not binding.description:
            continue
        if binding.action.startswith("pane(") and binding.action != "pane(1)":
            continue
        seen.add(binding.action)
        keys = binding.key_display or " ".join(
            app.get_key_display(Binding(key, binding.action)) for key in binding.key.split(",")
        )
        rows.append((keys, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists every key by section."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        groups = [(title, binding_rows(self.app, bindings)) for title, bindings in self.sections]
        for title, rows in groups + EXTRA_KEYS:
            table.add_row(Text(title, style="bold underline"), "")
            for keys, description in rows:
                table.add_row(Text(keys), Text(description))
            table.add_row("", "")
        with Vertical(classes="dialog help"):
            yield Label("Keys (esc closes)", classes="dialog-title")
            with VerticalScroll():
                yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
