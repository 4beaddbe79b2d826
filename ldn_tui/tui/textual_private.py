"""Every private Textual member ldn-tui relies on, in one table (issue 14).

Textual's private names (a leading ``_``, a ``_module``, or an undocumented
driver method) can change in any release without notice. Each row says what
is used, why, and where, so an upgrade can be checked against one list:
``tests/unit/test_textual_private.py`` asserts every row still exists in the
installed Textual, and that the code uses no private member missing here.
Prefer the public API; add a row (with the reason) when there is none.

This module is plain data: it imports nothing, so the domain stays free of
Textual. Kinds:

- ``import``: imported from a private module (or a private name).
- ``override``: a subclass replaces a private method (its signature and
  when Textual calls it are part of the contract).
- ``uses``: read, called or set.
- ``copied``: part of its body is copied by hand (to avoid work at start-up);
  only the member's existence is checked, so re-read it on upgrade.
- ``tests``: used only by the tests or benchmarks (to look at what is drawn).
"""

from __future__ import annotations

from typing import NamedTuple


class Private(NamedTuple):
    """One private Textual member: ``getattr(import(module), owner)`` then
    ``member`` (dotted for an attribute of an attribute; empty when the
    owner itself is the private name)."""

    module: str
    owner: str
    member: str
    kind: str
    why: str
    where: str


PRIVATE: tuple[Private, ...] = (
    # -- input: bracketed paste and a vanished terminal --------------------------
    Private(
        "textual._xterm_parser",
        "XTermParser",
        "",
        "import",
        "subclassed to take bracketed pastes apart before Textual's parser sees them",
        "terminal_input.PasteSafeParser; tests/tui/test_note_safety.py",
    ),
    Private(
        "textual.widgets._text_area",
        "TextArea",
        "_replace_via_keyboard",
        "override",
        "SafeTextArea stops typing at the note size limit (every typed key comes through it)",
        "tui.screens.note_editor.SafeTextArea",
    ),
    Private(
        "textual._xterm_parser",
        "XTermParser",
        "feed",
        "override",
        "PasteSafeParser.feed holds a paste and passes the rest on",
        "terminal_input.PasteSafeParser",
    ),
    Private(
        "textual._xterm_parser",
        "XTermParser",
        "tick",
        "override",
        "PasteSafeParser.tick lets a held escape key go after the hold time",
        "terminal_input.PasteSafeParser",
    ),
    Private(
        "textual._parser",
        "ParseError",
        "",
        "import",
        "caught when the parser is flushed at the end of input",
        "terminal_input.PasteSafeLinuxDriver",
    ),
    Private(
        "textual.drivers.linux_driver",
        "LinuxDriver",
        "run_input_thread",
        "override",
        "an undocumented driver method: replaced to read through PasteSafeParser and to treat "
        "end of input (EIO) as a hang-up instead of spinning at full CPU",
        "terminal_input.PasteSafeLinuxDriver; tests/tui/test_terminal_gone.py",
    ),
    Private(
        "textual.drivers.linux_driver",
        "LinuxDriver",
        "_debug",
        "uses",
        "passed to the parser as Textual's own loop does",
        "terminal_input.PasteSafeLinuxDriver",
    ),
    # -- widgets -------------------------------------------------------------------
    Private(
        "textual.widgets._text_area",
        "TextArea",
        "_on_key",
        "override",
        "the editor runs its own bindings in its own queue, so a burst of keys keeps its order",
        "screens/note_editor.SafeTextArea",
    ),
    Private(
        "textual.widgets._text_area",
        "TextArea",
        "_on_paste",
        "override",
        "a paste is cleaned (control characters made visible) instead of inserted raw",
        "screens/note_editor.SafeTextArea",
    ),
    Private(
        "textual.widgets._input",
        "Input",
        "_on_paste",
        "override",
        "the notes filter drops pasted control characters and keeps the first line",
        "screens/notes.FilterInput",
    ),
    Private(
        "textual.dom",
        "DOMNode",
        "_bindings",
        "uses",
        "the bindings resolved for a key (.key_to_bindings): the editor's own, and the app's ctrl+q",
        "screens/note_editor.SafeTextArea; widgets/footer.KeysFooter",
    ),
    Private(
        "textual.widget",
        "Widget",
        "_size_updated",
        "override",
        "the document view renders its pane for a new width while it is laid out, before the frame "
        "is painted (render_line only paints; a Resize comes after the paint, or not at all: W6)",
        "widgets/document_view.DocumentView",
    ),
    Private(
        "textual.widgets._option_list",
        "OptionList",
        "_lines",
        "uses",
        "which entry (and which of its lines) a painted line is, to mark the pane being read "
        "without replacing its prompt (which renders every entry again)",
        "widgets/sidebars.PaneList.render_line",
    ),
    Private(
        "textual.widget",
        "Widget",
        "_scroll_update",
        "uses",
        "a new pane's virtual size reaches the scrollbars without a layout of the whole screen "
        "(set quietly with set_reactive; as OptionList._update_lines does)",
        "widgets/document_view.DocumentView._set_virtual_size",
    ),
    # -- the command palette ---------------------------------------------------------
    Private(
        "textual.command",
        "CommandPalette",
        "_gather_commands",
        "override",
        "a palette closed while its worker starts made the worker fail and end the app",
        "screens/modal.SafeCommandPalette",
    ),
    Private(
        "textual.command",
        "CommandPalette",
        "_gather_commands.__wrapped__",
        "uses",
        "the undecorated body (functools.wraps of @work) is run inside our own worker",
        "screens/modal.SafeCommandPalette",
    ),
    Private(
        "textual.command",
        "CommandPalette",
        "_GATHER_COMMANDS_GROUP",
        "uses",
        "our worker joins Textual's group so a new search cancels the old one",
        "screens/modal.SafeCommandPalette",
    ),
    Private(
        "textual.command",
        "CommandPalette",
        "_action_command_list",
        "override",
        "page up/down while the hit list is laid out raised KeyError in OptionList",
        "screens/modal.SafeCommandPalette",
    ),
    # -- the stylesheet ------------------------------------------------------------
    Private(
        "textual.css.stylesheet",
        "Stylesheet",
        "_parse_cache",
        "uses",
        "the parsed stylesheet of an earlier start is put back into it before Textual parses its CSS "
        "(keyed by the exact CSS text; the key's layout is checked by tests/tui/test_style_cache.py)",
        "tui.style_cache",
    ),
    # -- the app ---------------------------------------------------------------------
    Private(
        "textual.app",
        "App",
        "_refresh_truecolor_filter",
        "uses",
        "the saved theme is set without its watcher before the first frame",
        "app.LdnApp._use_theme",
    ),
    Private(
        "textual.app",
        "App",
        "_watch_theme",
        "copied",
        "LdnApp._use_theme does what this watcher does, once, before the first frame",
        "app.LdnApp._use_theme",
    ),
    Private(
        "textual.app",
        "App",
        "_exit",
        "uses",
        "no action runs once the app is on its way out (keys typed after q)",
        "app.LdnApp.run_action",
    ),
    Private(
        "textual.app",
        "App",
        "_keymap",
        "uses",
        "the help screen and the palette show the reader's own keys (set with the public set_keymap)",
        "app.LdnApp.current_keymap",
    ),
    Private(
        "textual.screen",
        "Screen",
        "_on_resize",
        "copied",
        "the width class (-narrow/-normal) is set at construction, as the first Resize would",
        "screens/reader.ReaderScreen._set_breakpoint_class",
    ),
    Private(
        "textual.screen",
        "Screen",
        "_get_breakpoint_classes",
        "copied",
        "the same: which breakpoint class a width gets",
        "screens/reader.ReaderScreen._set_breakpoint_class",
    ),
    # -- tests and benchmarks only ---------------------------------------------------
    Private(
        "textual.app",
        "App",
        "_context",
        "tests",
        "a screen built outside a handler needs the active app",
        "tests/tui/test_startup.py",
    ),
    Private(
        "textual.screen",
        "Screen",
        "_compositor",
        "tests",
        "what is drawn, row by row (.render_strips())",
        "tests/tui/test_comfort.py, test_mutations.py, test_render_page.py, test_render_theme.py, test_safe_surfaces.py",
    ),
    Private("textual._compositor", "Compositor", "render_strips", "tests", "the same", "the same tests"),
    Private(
        "textual.app",
        "App",
        "_notifications",
        "tests",
        "the toasts shown",
        "tests/tui/test_comfort.py, test_footer_dialogs.py",
    ),
    Private(
        "textual.app",
        "App",
        "_exception",
        "tests",
        "the app ended without an exception",
        "tests/tui/test_dismiss_once.py, test_footer_dialogs.py, e2e",
    ),
    Private(
        "textual.screen",
        "Screen",
        "_refresh_layout",
        "tests",
        "counts layout passes: a footer repaint must lay nothing out",
        "tests/tui/test_footer_dialogs.py",
    ),
    Private(
        "textual.app",
        "App",
        "_driver",
        "tests",
        "raw key events are sent as a terminal would",
        "tests/e2e/test_e2e_random_keys.py",
    ),
    Private(
        "textual.command",
        "CommandPalette",
        "_providers",
        "tests",
        "the theme commands listed by the palette",
        "tests/tui/test_comfort.py, tests/tui/test_commands.py",
    ),
    Private(
        "textual.widgets._toast",
        "Toast",
        "",
        "import",
        "the toasts on screen, to check what they draw",
        "tests/tui/test_surface_properties.py",
    ),
    Private(
        "textual.keys",
        "_get_unicode_name_from_key",
        "",
        "import",
        "the key a random key name stands for, as a terminal sends it",
        "tests/e2e/test_e2e_random_keys.py",
    ),
    Private(
        "textual.driver",
        "Driver",
        "_debug",
        "tests",
        "a driver built without starting the app",
        "tests/tui/test_terminal_gone.py",
    ),
    Private(
        "textual.screen",
        "Screen",
        "_refresh_layout",
        "tests",
        "what the screen's update timer does, timed",
        "benchmarks/bench_panes.py",
    ),
    Private("textual.screen", "Screen", "_compositor_refresh", "tests", "the same", "benchmarks/bench_panes.py"),
)
