"""Threads never touch widgets (issue 14): the background workers get plain
data and hand results back to the app's thread.

Textual is not thread-safe: a widget changed from a worker thread (a
refresh, a mount, a class, a reactive, a toast) races the compositor and
fails rarely and unreproducibly, the worst kind of crash for a reader. The
real app runs here through start-up (the pane preparation worker and the
index worker), a search and an export, with a guard on the points where a
widget or the screen changes; any of them reached from a thread other
than the app's is recorded, and none may be.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import SIZE, ready, seen_data_dir, settle
from textual.app import App
from textual.dom import DOMNode
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import NoActiveWorker, get_current_worker

from ldn_tui.notes import Store
from ldn_tui.paths import bundled_content_dir

#: Where a widget, a screen or the toasts change. Every name must exist
#: (checked), so a Textual rename fails here instead of guarding nothing.
MUTATIONS: dict[type, tuple[str, ...]] = {
    Widget: (
        "refresh", "mount", "mount_all", "remove", "remove_children", "focus",
        "scroll_to", "scroll_to_widget", "scroll_to_region", "scroll_to_center", "scroll_home", "scroll_end",
    ),
    DOMNode: ("set_class", "add_class", "remove_class", "toggle_class", "set_classes", "refresh_bindings"),
    Static: ("update",),
    Reactive: ("__set__",),  # every reactive and var, set on any widget
    App: ("notify", "push_screen", "pop_screen", "switch_screen", "set_focus"),
}  # fmt: skip


def worker_group() -> str:
    """The group of the worker running this code ("" outside a worker)."""
    try:
        return get_current_worker().group
    except NoActiveWorker:
        return ""


class ThreadGuard:
    """Wraps :data:`MUTATIONS` (and ``App.call_from_thread``) for one test.

    ``touched`` lists every mutation made off the app's thread, as
    ``"DocumentView.refresh from worker 'prepare'"``; ``posted`` counts the results
    each worker group handed back with ``call_from_thread`` (proof that the
    workers ran, in threads, during the test).
    """

    def __init__(self, monkeypatch) -> None:
        #: the app runs on the test's own event loop under Pilot: this thread
        self.app_thread = threading.get_ident()
        self.touched: list[str] = []
        self.posted: Counter[str] = Counter()
        for owner, names in MUTATIONS.items():
            for name in names:
                assert name in vars(owner), f"{owner.__name__}.{name} is gone: update MUTATIONS"
                monkeypatch.setattr(owner, name, self._guarded(owner, name, vars(owner)[name]))
        original = App.call_from_thread

        @functools.wraps(original)
        def call_from_thread(app: App, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            self.posted[worker_group()] += 1
            return original(app, callback, *args, **kwargs)

        monkeypatch.setattr(App, "call_from_thread", call_from_thread)

    def _guarded(self, owner: type, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != self.app_thread:
                if owner is Reactive:  # (descriptor, widget, value)
                    what = f"{type(args[1]).__name__}.{args[0].name} (a reactive) set"
                else:
                    what = f"{type(args[0]).__name__}.{name}"
                self.touched.append(f"{what} from worker {worker_group()!r}")
            return original(*args, **kwargs)

        return guarded


async def test_no_thread_touches_a_widget(app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # the export lands here
    data = seen_data_dir(tmp_path / "data")
    with Store.open(data) as store:
        store.add_note("overview", "", "Overview", "Ask about sleep and dose")
        store.toggle_bookmark("overview", "", "Overview")
    ldn = app(content=bundled_content_dir(), data_dir=data)
    guard = ThreadGuard(monkeypatch)
    async with ldn.run_test(size=SIZE) as pilot:
        # start-up: the first pane, then every other pane prepared and the
        # search index built in the background
        await ready(pilot)
        for _ in range(300):
            await ldn.workers.wait_for_complete()
            await pilot.pause()
            if ldn.search_index is not None:
                break
        assert ldn.search_index is not None, "the index worker never finished"
        assert guard.posted["prepare"] >= 1 and guard.posted["index"] == 1, guard.posted

        # a search, opened from the reader, its result shown in the reader
        from ldn_tui.tui.screens.search import SearchScreen

        await pilot.press("s")
        await settle(pilot)
        assert isinstance(ldn.screen, SearchScreen)
        await pilot.press(*"sleep")
        await settle(pilot)
        assert ldn.screen.results, "the search found nothing"
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.screen is ldn.reader

        # an export, written by its worker
        from ldn_tui.tui.screens.export_dialog import ExportDialog

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(ldn.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        await ldn.workers.wait_for_complete()
        await settle(pilot)
        assert guard.posted["export"] == 1, guard.posted
    assert len(list(tmp_path.glob("ldn-notes-*"))) == 1
    assert guard.touched == []
