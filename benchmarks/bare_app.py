"""The baselines for bench_startup: a bare Textual app that shows one line,
or (``--page``) a screenful of plain text under that line, as ldn-tui's
first frame is a full page (the same job, without ldn-tui's styles, pane
list, scrollbar and layout)."""

import sys

from bare_switch_app import page  # the same screenful bench_switch paints
from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App):
    def __init__(self, full_page: bool) -> None:
        super().__init__()
        self.full_page = full_page

    def compose(self) -> ComposeResult:
        yield Static(page(1, "bare-app-ready") if self.full_page else "bare-app-ready", markup=False)


if __name__ == "__main__":
    BareApp("--page" in sys.argv[1:]).run()
