"""Small typed modal dialogs: yes/no, external link, first-start notice.

Each returns its answer through ``dismiss`` so callers can
``push_screen(Dialog(...), callback)`` or ``await push_screen_wait``.
User text shown here is always wrapped in ``Content``/``Text`` objects, never
interpreted as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.screens.palette import safe_line
from ldn_tui.tui.widgets.footer import KeysFooter

NOTICE_TEXT = (
    "ldn-tui is for education only. It is not medical advice.\n\n"
    "Low dose naltrexone (LDN) is an off-label use of a prescription medicine. "
    "The evidence for it is limited and mixed, and this app shows it as it stands, "
    "with its sources.\n\n"
    "Talk to a clinician who knows your history before you start, stop or change any "
    "medicine. If you feel unwell, contact a clinician or emergency services."
)


class ConfirmDialog(Modal[bool]):
    """Ask a yes/no question. ``y`` yes, ``n``/``escape`` no; ``enter``
    presses the focused button.

    ``default`` ("yes" or "no") is the button that has the focus, so it is
    what a reflexive ``enter`` chooses: questions whose "yes" destroys
    something (deleting a note) pass ``default="no"``.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", default: str = "yes") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes
        self.no = no
        self.default = "no" if default == "no" else "yes"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error" if self.default == "no" else "primary")
                yield Button(self.no, id="no", variant="primary" if self.default == "no" else "default")

    def on_mount(self) -> None:
        self.query_one(f"#{self.default}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class LinkDialog(Modal[str | None]):
    """Ask before leaving the app for a web address.

    Dismisses with ``"open"``, ``"copy"`` or None. Its buttons stay on
    screen from 40x12 up (docked under the text, which scrolls).
    """

    BINDINGS = [
        Binding("o", "choose('open')", "Open"),
        Binding("c", "choose('copy')", "Copy"),
        Binding("escape", "choose(None)", "Cancel"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__(classes="dialog-screen")
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog link"):
            yield Label("This link leaves the app:", classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open in browser (o)", id="open", variant="primary", compact=True)
                yield Button("Copy address (c)", id="copy", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
            with VerticalScroll(classes="dialog-body"):
                yield Static(Text(safe_line(self.url, None)), classes="dialog-url")
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class NoticeScreen(Modal[bool]):
    """The first-start notice: educational only, talk to a clinician.

    ``enter``, ``space`` and ``escape`` accept it (dismiss with True);
    ``q`` quits, as the footer says (the notice shows again next time). Its
    button is docked under the text, which scrolls, so it is on screen from
    40x12 up (finding E1).
    """

    BINDINGS = [
        Binding("enter,escape,space", "accept", "I understand", key_display="enter"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
        Binding("down,j", "scroll(1)", "Scroll", show=False),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog notice"):
            yield Label("Before you start", classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("I understand (enter)", id="accept", variant="primary", compact=True)
            with VerticalScroll(classes="dialog-body notice-body"):
                yield Static(NOTICE_TEXT)
        yield KeysFooter()

    def action_scroll(self, lines: int) -> None:
        """Scroll the notice text (the button keeps the focus)."""
        self.query_one(".notice-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(True)

    def action_accept(self) -> None:
        self.dismiss(True)


class MessageDialog(Modal[None]):
    """Something the reader must not miss (a damaged notes file and where
    its backup is). ``enter``, ``space`` or ``escape`` close it."""

    BINDINGS = [
        Binding("enter,escape,space", "close", "OK", key_display="enter"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog message"):
            yield Label(Text(safe_line(self.title_text)), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK (enter)", id="ok", variant="primary", compact=True)
            with VerticalScroll(classes="dialog-body"):
                yield Static(Text(safe_line(self.message, None)), classes="dialog-message")
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
