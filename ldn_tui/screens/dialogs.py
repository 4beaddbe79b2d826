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
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

NOTICE_TEXT = (
    "ldn-tui is for education only. It is not medical advice.\n\n"
    "Low dose naltrexone (LDN) is an off-label use of a prescription medicine. "
    "The evidence for it is limited and mixed, and this app shows it as it stands, "
    "with its sources.\n\n"
    "Talk to a clinician who knows your history before you start, stop or change any "
    "medicine. If you feel unwell, contact a clinician or emergency services."
)


class ConfirmDialog(ModalScreen[bool]):
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


class LinkDialog(ModalScreen[str | None]):
    """Ask before leaving the app for a web address.

    Dismisses with ``"open"``, ``"copy"`` or None.
    """

    BINDINGS = [
        Binding("o", "choose('open')", "Open in browser"),
        Binding("c", "choose('copy')", "Copy address"),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__(classes="dialog-screen")
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This link leaves the app:", classes="dialog-title")
            yield Static(Text(self.url), classes="dialog-url")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open in browser (o)", id="open", variant="primary")
                yield Button("Copy address (c)", id="copy")
                yield Button("Cancel (esc)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class NoticeScreen(ModalScreen[bool]):
    """The first-start notice: educational only, talk to a clinician."""

    BINDINGS = [Binding("enter,escape,space", "accept", "I understand")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog notice"):
            yield Label("Before you start", classes="dialog-title")
            with VerticalScroll(classes="notice-body"):
                yield Static(NOTICE_TEXT)
            with Horizontal(classes="dialog-buttons"):
                yield Button("I understand (enter)", id="accept", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(True)

    def action_accept(self) -> None:
        self.dismiss(True)
