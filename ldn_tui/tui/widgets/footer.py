"""The footer: the keys that work on the current screen, Help and Quit first.

Textual's Footer lists the focused widget's keys first and the app's last,
so at 40-79 columns ``? Help`` and ``q Quit`` were cut off (finding E2).
:class:`KeysFooter` puts them in front, in the compact style, so they stay
visible at every width down to 40 columns.

It is one widget that paints one line. Textual's Footer is a container of
one widget per key, rebuilt (unmounted, mounted, styled and laid out) on
every binding change: 20% of the app's start-up and again each time a
screen opens or a find starts. Here a binding change only repaints the line.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from ldn_tui.tui import commands

#: Actions pinned to the front of the footer, in this order.
PINNED = ("help", "app.help", "quit", "app.quit")
QUIT = ("quit", "app.quit")


class FooterEntry(NamedTuple):
    """One key the footer shows."""

    key: str
    key_display: str
    description: str
    action: str
    enabled: bool = True


class KeysFooter(Widget, can_focus=False):
    """A compact one-line footer whose Help and Quit keys come first.

    A click on an entry presses its key, as with Textual's footer.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        #: the keys to show, worked out at the first paint after a change
        self._entries: list[FooterEntry] | None = None
        #: (start column, end column, entry) as last painted
        self._spans: list[tuple[int, int, FooterEntry]] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """The keys changed (focus, a find, a screen opening): repaint. A
        screen that opens reports three or four changes at once; the repaints
        they ask for are one. While the terminal is in the background the
        keys shown stay as they were (as in Textual's footer)."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._entries = None
            self.refresh()

    # -- what is shown ---------------------------------------------------------------

    def entries(self) -> list[FooterEntry]:
        """The keys to show now, Help and Quit first (one entry per action,
        with its first key)."""
        if not self.is_attached:
            return []
        active = list(self.screen.active_bindings.values())
        # "1-9 Panes" says what the pane keys are until a keymap moves one
        panes_moved = commands.pane_keys_moved(binding for _, binding, _, _ in active)
        by_action: dict[str, FooterEntry] = {}
        for _node, binding, enabled, _tooltip in active:
            if binding.show and binding.action not in by_action:
                shown, description = binding, binding.description
                if panes_moved and binding.id == "pane1":
                    shown, description = Binding(binding.key, binding.action), "Pane 1"
                by_action[binding.action] = FooterEntry(
                    binding.key, self.app.get_key_display(shown), description, binding.action, enabled
                )
        entries = list(by_action.values())
        if not any(entry.action in QUIT for entry in entries):
            # q is taken by a text field here: ctrl+q still quits, say so
            quit_binding = next(
                (b for b in self.app._bindings.key_to_bindings.get("ctrl+q", []) if b.action == "quit"), None
            )
            if quit_binding is not None:
                entries.append(FooterEntry("ctrl+q", self.app.get_key_display(quit_binding), "Quit", "quit"))

        def rank(entry: FooterEntry) -> int:
            return PINNED.index(entry.action) // 2 if entry.action in PINNED else len(PINNED)

        return sorted(entries, key=rank)

    def drawn(self) -> list[tuple[FooterEntry, Region]]:
        """The entries painted last, each with its region on the screen
        (cut to the footer's width)."""
        x, y, width, _ = self.region
        return [
            (entry, Region(x + start, y, min(end, width) - start, 1))
            for start, end, entry in self._spans
            if start < width
        ]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hover_style = self.get_component_rich_style("footer-key--hover")
        if self._entries is None:
            self._entries = self.entries()
        line = Text(no_wrap=True, overflow="crop", end="")
        spans = []
        for index, entry in enumerate(self._entries):
            start = line.cell_len
            dim = Style(dim=True) if not entry.enabled else Style()
            over = hover_style if index == self._hover else Style()
            line.append(entry.key_display, key_style + dim + over)
            if entry.description:
                line.append(" " + entry.description, description_style + dim + over)
            spans.append((start, line.cell_len, entry))
            line.append(" ")
        self._spans = spans
        return line

    # -- the mouse --------------------------------------------------------------------

    def _entry_at(self, x: int) -> int | None:
        return next((i for i, (start, end, _) in enumerate(self._spans) if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._entry_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, _: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._entry_at(event.x)
        if index is None:
            return
        entry = self._spans[index][2]
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
