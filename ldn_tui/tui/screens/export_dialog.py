"""The export dialog: choose a format, a scope and a destination.

:class:`ExportDialog` is a typed modal: it dismisses with an
:class:`~ldn_tui.export.request.ExportRequest` (``enter`` or the Export button) or
None (``escape`` or Cancel). It writes nothing itself; the app runs
:func:`~ldn_tui.export.request.write_export` in a worker, asks before replacing an
existing file, and ``notify()``-s the full path.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from ldn_tui.export import FORMATS, PAPERS, SCOPES, ExportRequest, default_filename
from ldn_tui.tui.screens.modal import Modal
from ldn_tui.tui.widgets.footer import KeysFooter


class ChoiceSet(RadioSet, inherit_bindings=False):
    """A RadioSet where the arrows choose (as in a web form) and ``enter``
    is left to the dialog, so it always means "export"."""

    BINDINGS = [
        Binding("down,right", "step(1)", "Next option", show=False),
        Binding("up,left", "step(-1)", "Previous option", show=False),
        Binding("space", "toggle_button", "Choose", show=False),
    ]

    def __init__(self, options: dict[str, str], value: str, *, id: str) -> None:
        self.keys = list(options)
        self._initial = value if value in options else self.keys[0]
        super().__init__(
            *(RadioButton(label, name=key) for key, label in options.items()),
            id=id,
            compact=True,
        )

    def on_mount(self) -> None:
        # Press the initial button after mounting, so the highlight follows it.
        self.choose(self._initial)

    @property
    def value(self) -> str:
        """The key of the chosen option."""
        index = self.pressed_index
        return self.keys[index] if index >= 0 else self._initial

    def choose(self, key: str) -> None:
        """Choose the option ``key``."""
        buttons = list(self.query(RadioButton))
        buttons[self.keys.index(key)].value = True

    def action_step(self, step: int) -> None:
        """Choose the next (``1``) or previous (``-1``) option, wrapping."""
        index = self.pressed_index if self.pressed_index >= 0 else 0
        self.choose(self.keys[(index + step) % len(self.keys)])


class ExportDialog(Modal[ExportRequest | None]):
    """Ask what to export and where; dismiss with an ExportRequest or None."""

    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
        background: $background 60%;
    }
    ExportDialog > #export-dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        margin-bottom: 1;
        padding: 0 1;
        border: round $accent;
        border-title-color: $text-accent;
        background: $panel;
    }
    ExportDialog #export-choices {
        height: auto;
    }
    ExportDialog #export-title {
        text-style: bold;
        width: 100%;
    }
    ExportDialog .export-label {
        color: $text-muted;
        margin-top: 1;
    }
    ExportDialog ChoiceSet {
        width: 100%;
        padding-left: 1;
    }
    ExportDialog #export-path {
        width: 100%;
    }
    ExportDialog .-pdf-only, ExportDialog .-csv-only {
        display: none;
    }
    ExportDialog.-pdf .-pdf-only, ExportDialog.-csv .-csv-only {
        display: block;
    }
    ExportDialog #export-error {
        color: $text-error;
        height: auto;
        display: none;
    }
    ExportDialog #export-error.-shown {
        display: block;
    }
    /* docked, so Export and Cancel stay on screen at 40x12 (E2); the
       choices above them scroll */
    ExportDialog #export-buttons {
        dock: bottom;
        height: auto;
        width: 100%;
        align-horizontal: right;
    }
    ExportDialog #export-buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("enter", "export", "Export"),
        Binding("escape", "cancel", "Cancel"),
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        format: str = "md",
        scope: str = "bookmarked",
        directory: Path | None = None,
        today: date | None = None,
        paper: str = "a4",
    ) -> None:
        """
        Args:
            format: the format chosen when the dialog opens.
            scope: the scope chosen when the dialog opens.
            directory: where the default file name goes (the home directory
                when None); a relative path typed by the reader is taken
                relative to it too.
            today: the date in the default file name (today when None).
            paper: the PDF paper size chosen when the dialog opens (the app
                passes the one used last).
        """
        super().__init__()
        self.initial_format = format if format in FORMATS else "md"
        self.initial_scope = scope if scope in SCOPES else "bookmarked"
        self.directory = directory if directory is not None else Path.home()
        self.today = today
        self._format = self.initial_format
        self.initial_paper = paper if paper in PAPERS else "a4"
        self._restore: tuple[str, str, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog") as dialog:
            dialog.border_title = "Export bookmarks and notes"
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)
            with VerticalScroll(id="export-choices"):
                yield from self._choices()
        yield KeysFooter()

    def _choices(self) -> ComposeResult:
        yield Label("↑↓ choose · tab next field · enter export", id="export-title")
        yield Label("Format", classes="export-label")
        yield ChoiceSet(
            {key: f"{label} (.{ext})" for key, (ext, label) in FORMATS.items()},
            self.initial_format,
            id="export-format",
        )
        yield Label("Paper size (PDF)", classes="export-label -pdf-only")
        yield ChoiceSet(PAPERS, self.initial_paper, id="export-paper").add_class("-pdf-only")
        yield Checkbox(
            "For Microsoft Excel (adds a byte-order mark so accents show right)",
            id="export-excel",
            classes="-csv-only",
            compact=True,
        )
        yield Label("What to export", classes="export-label")
        yield ChoiceSet(SCOPES, self.initial_scope, id="export-scope")
        yield Label("Save to", classes="export-label")
        yield Input(
            str(self.directory / default_filename(self.initial_format, self.today)),
            id="export-path",
            select_on_focus=False,
        )
        yield Static("", id="export-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-format", ChoiceSet).focus()
        self._show_options(self.initial_format)
        if self._restore is not None:
            format, scope, path = self._restore
            self.query_one("#export-format", ChoiceSet).choose(format)
            self.query_one("#export-scope", ChoiceSet).choose(scope)
            self._format = format
            self._show_options(format)
            field = self.query_one("#export-path", Input)
            field.value = path
            field.cursor_position = len(path)
            field.focus()

    def _show_options(self, fmt: str) -> None:
        """Show the paper size only for PDF and the Excel choice only for CSV."""
        self.set_class(fmt == "pdf", "-pdf")
        self.set_class(fmt == "csv", "-csv")

    @classmethod
    def again(cls, request: ExportRequest, directory: Path | None = None) -> ExportDialog:
        """The dialog reopened with ``request``'s choices (after "Keep it" in
        the replace prompt), the path field focused to type another name."""
        dialog = cls(format=request.format, scope=request.scope, directory=directory, paper=request.paper)
        dialog._restore = (request.format, request.scope, str(request.path))
        return dialog

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        """Follow the new format in the file name's extension, when it is ours."""
        new = self.query_one("#export-format", ChoiceSet).value
        old, self._format = self._format, new
        self._show_options(new)
        if new == old:
            return
        field = self.query_one("#export-path", Input)
        text = field.value.strip()
        old_ext, new_ext = f".{FORMATS[old][0]}", f".{FORMATS[new][0]}"  # "csl.json" has two dots
        if text.endswith(old_ext):
            field.value = text[: -len(old_ext)] + new_ext
            field.cursor_position = len(field.value)

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-ok")
    def _ok(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def request(self) -> ExportRequest | None:
        """The request the dialog holds now, or None (and a message) when the
        destination is empty."""
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._error("Type where to save the export.")
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.directory / path
        return ExportRequest(
            format=self.query_one("#export-format", ChoiceSet).value,
            scope=self.query_one("#export-scope", ChoiceSet).value,
            path=path,
            force=False,
            paper=self.query_one("#export-paper", ChoiceSet).value,
            excel=self.query_one("#export-excel", Checkbox).value,
        )

    def _error(self, message: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(message)
        error.add_class("-shown")

    def action_export(self) -> None:
        """Dismiss with the request (stay open when it is not complete)."""
        request = self.request()
        if request is not None:
            self.dismiss(request)

    def action_cancel(self) -> None:
        """Dismiss with None."""
        self.dismiss(None)
