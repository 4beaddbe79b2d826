"""Interpreter settings for a quick first frame (no Textual imports).

``ldn-tui`` calls :func:`begin` before it imports Textual and the app calls
:func:`finish` shortly after its first frame is on screen.

* The cyclic garbage collector is paused. Start-up creates tens of
  thousands of long-lived objects (Textual's modules, the parsed panes, the
  widgets) and almost no garbage, so collecting would only rescan them
  (about 130 collections, ~50 ms). :func:`finish` makes one full collection,
  then freezes the survivors, which live as long as the app, out of later
  collections, so those stay short.
* Package faces name what the first frame does not need in a table that
  :func:`lazy_names` turns into a PEP 562 ``__getattr__``: each name is
  imported when first used.
* The interpreter's thread switch interval is shortened. Textual hands each
  frame to a writer thread; while the main thread goes on with the next
  event the writer waits for the GIL, by default up to 5 ms at a time, so
  the first frame reached the terminal ~10 ms after it was ready.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Mapping

#: Thread switch interval while starting (seconds; Python's default is 0.005).
SWITCH_INTERVAL = 0.0005

_saved_interval: float | None = None


def begin() -> None:
    """Pause the garbage collector and shorten the switch interval."""
    global _saved_interval
    if _saved_interval is None:
        _saved_interval = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(SWITCH_INTERVAL)


def active() -> bool:
    """Whether :func:`begin` is in effect."""
    return _saved_interval is not None


def finish(collect: bool = True) -> None:
    """Undo :func:`begin` (nothing happens if it is not in effect).

    ``collect`` makes one full collection and freezes what survives; the
    app does that once it is idle after start-up, while on the way out
    there is nothing to gain from it.
    """
    global _saved_interval
    if _saved_interval is None:
        return
    if collect:
        gc.collect()
        gc.freeze()
    gc.enable()
    sys.setswitchinterval(_saved_interval)
    _saved_interval = None


def lazy_names(package: str, names: Mapping[str, tuple[str, str]]) -> Callable[[str], object]:
    """A module ``__getattr__`` (PEP 562) for ``package``'s face: ``names``
    maps a public name to (module, attribute), imported on first use and
    then kept on the package, so the next use is a plain attribute."""

    def __getattr__(name: str) -> object:
        try:
            module, attribute = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        from importlib import import_module

        value = getattr(import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
