"""The baseline for bench_startup: a bare Textual app that shows one line."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App):
    def compose(self) -> ComposeResult:
        yield Static("bare-app-ready")


if __name__ == "__main__":
    BareApp().run()
