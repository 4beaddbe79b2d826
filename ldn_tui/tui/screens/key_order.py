"""Run something only after every key already sent has been applied.

Why this exists: Textual runs a *priority* binding (the editor's ``ctrl+s``,
``escape``, ``ctrl+d``, the app's ``ctrl+q``) inside the App's message loop
the moment the App reads the key, but an ordinary key is only *forwarded*
there: ``App.on_event`` posts it to the focused widget's message queue
(``Widget._forward_event``), the widget handles it (a TextArea inserts the
character), and a key the widget does not consume bubbles on, queue by
queue, up to the App, whose ``_on_key`` runs non-priority bindings such as
TextArea's ``backspace`` (``textual/app.py``, ``on_event`` and ``_on_key``).
So after a burst of typing, ``ctrl+s`` ran while most of the burst was still
queued: the note saved was a prefix of what the editor showed a moment
later (ux-defects D1).

:func:`after_keys` sends a callback along the same route a key takes: into
the focused widget's queue, then each parent's, then the App's. Every queue
is first-in first-out, so when the callback runs, every key sent before it
has been handled wherever it was going to be handled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.dom import DOMNode


def after_keys(app: App, callback: Callable[..., Any], *args: Any) -> None:
    """Call ``callback(*args)`` in the App's loop once every key sent so far
    has been handled (see the module doc). If a queue on the way is closed
    (the widget is going away), the hop is skipped."""
    start: DOMNode = app.focused or app.screen
    path = list(start.ancestors_with_self)
    if not path or path[-1] is not app:
        path.append(app)

    def hop(index: int) -> None:
        while index < len(path):
            if path[index].call_later(hop, index + 1):
                return
            index += 1
        callback(*args)

    hop(0)
