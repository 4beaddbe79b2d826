"""The footer: the keys that work on the current screen, Help and Quit first.

Textual's Footer lists the focused widget's keys first and the app's last,
so at 40-79 columns ``? Help`` and ``q Quit`` were cut off (finding E2).
:class:`KeysFooter` moves them to the front and uses the compact style, so
they stay visible at every width down to 40 columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

#: Actions pinned to the front of the footer, in this order.
PINNED = ("help", "app.help", "quit", "app.quit")


class KeysFooter(Footer):
    """A compact footer whose Help and Quit keys come first."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("show_command_palette", False)
        super().__init__(**kwargs)
        #: a recompose is queued (see :meth:`bindings_changed`)
        self._recompose_queued = False

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's footer rebuilds its keys once per change it hears of; a
        screen that opens hears of three or four at once (focus, the stack,
        app focus), so this one queues one rebuild, which reads the keys as
        they are when it runs."""
        self._bindings_ready = True
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            return
        if not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_queued = False
        await self.recompose()

    def compose(self):
        keys = list(super().compose())
        if self._bindings_ready and not any(getattr(key, "action", None) in ("quit", "app.quit") for key in keys):
            # q is taken by a text field here: ctrl+q still quits, say so
            quit_binding = next(
                (b for b in self.app._bindings.key_to_bindings.get("ctrl+q", []) if b.action == "quit"), None
            )
            if quit_binding is not None:
                keys.append(FooterKey("ctrl+q", self.app.get_key_display(quit_binding), "Quit", "quit"))

        def rank(widget) -> int:
            action = getattr(widget, "action", None) if isinstance(widget, FooterKey) else None
            return PINNED.index(action) // 2 if action in PINNED else len(PINNED)

        yield from sorted(keys, key=rank)
