"""The baseline for bench_switch: a bare Textual app that swaps one line.

Keys 1..9 replace a Static's text with the title given for that key on the
command line (bench_switch passes the real panes' titles, so both apps draw
the same words), which is the least a Textual app can do on a pane key.

    python benchmarks/bare_switch_app.py TITLE1 TITLE2 ...
"""

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class BareSwitchApp(App):
    BINDINGS = [Binding(str(n), f"pane({n})", show=False) for n in range(1, 10)]

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Static("bare-app-ready", id="title")

    def action_pane(self, number: int) -> None:
        if number <= len(self.titles):
            self.query_one("#title", Static).update(self.titles[number - 1])


if __name__ == "__main__":
    BareSwitchApp(sys.argv[1:]).run()
