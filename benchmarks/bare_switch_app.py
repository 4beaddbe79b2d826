"""The baseline for bench_switch: a bare Textual app that swaps its text.

Keys 1..9 replace a Static's text with the title given for that key on the
command line (bench_switch passes the real panes' titles, so both apps draw
the same words), which is the least a Textual app can do on a pane key.
With ``--page`` the Static holds the title and then a screenful of plain
text that differs from key to key: a new page of text to paint, as on a real
pane switch, with nothing else (no styles, pane list, scrollbar or layout).

    python benchmarks/bare_switch_app.py [--page] TITLE1 TITLE2 ...
"""

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

WORDS = [
    "low",
    "dose",
    "naltrexone",
    "evidence",
    "trial",
    "placebo",
    "dose",
    "side",
    "effect",
    "review",
    "pain",
    "fatigue",
    "sleep",
]


def page(number: int, title: str) -> str:
    """``title`` and 40 lines of about 70 characters, different for each key."""
    lines = [title, ""]
    for row in range(40):
        words = [WORDS[(number * 7 + row * 3 + i) % len(WORDS)] for i in range(11)]
        lines.append(" ".join(words)[:70])
    return "\n".join(lines)


class BareSwitchApp(App):
    BINDINGS = [Binding(str(n), f"pane({n})", show=False) for n in range(1, 10)]

    def __init__(self, titles: list[str], full_page: bool) -> None:
        super().__init__()
        self.titles = titles
        self.full_page = full_page

    def compose(self) -> ComposeResult:
        yield Static("bare-app-ready", id="title", markup=False)

    def action_pane(self, number: int) -> None:
        if number <= len(self.titles):
            title = self.titles[number - 1]
            self.query_one("#title", Static).update(page(number, title) if self.full_page else title)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    full = "--page" in arguments
    BareSwitchApp([a for a in arguments if a != "--page"], full).run()
