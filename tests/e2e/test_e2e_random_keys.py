"""A seeded random-key run: thousands of keys from every binding on every
screen, on the real ``LdnApp`` with the shipped content (Pilot, in process:
the issue allows it here, and it is the only test of this tier that runs the
checkout's code).

Invariants, checked as it goes:

* no exception ever reaches the app (a crash ends the run with its traceback);
* whenever the note editor says its text is saved (after ``ctrl+s``), the
  store holds exactly the text the editor shows;
* no screen is a dead end: every so often, ``escape`` (and, at the
  unsaved-changes prompt, its "save and close" answer, so nothing is lost)
  must bring the reader back within a few keys.

The seed is fixed and printed; set ``LDN_E2E_SEED`` to replay another one.
"""

from __future__ import annotations

import asyncio
import os
import random
import unicodedata
from pathlib import Path

from textual import events
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

from ldn_tui.content.library import load_library
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app

SEED = int(os.environ.get("LDN_E2E_SEED", "20261202"))
KEYS = 2000
#: After this many keys (on average) the run checks that escape leads home.
HOME_EVERY = 60

#: Every key bound somewhere (reader, document view, find bar, contents,
#: help, note editor and its prompts, notes screen, export dialog, link
#: dialog, confirm dialogs, palette), plus keys a reader types into inputs.
#: Left out: q / ctrl+q / ctrl+c, which end the app (quitting is tested
#: elsewhere); the run would stop at the first one.
BOUND = [
    *"123456789",
    "t",
    "left_square_bracket",
    "right_square_bracket",
    "alt+left",
    "alt+right",
    "slash",
    "s",
    "b",
    "n",
    "N",
    "m",
    "p",
    "e",
    "escape",
    "question_mark",
    "f1",
    "ctrl+p",
    "j",
    "k",
    "space",
    "shift+space",
    "g",
    "G",
    "full_stop",
    "comma",
    "tab",
    "shift+tab",
    "enter",
    "down",
    "up",
    "left",
    "right",
    "pagedown",
    "pageup",
    "home",
    "end",
    "shift+enter",
    "ctrl+s",
    "ctrl+d",
    "d",
    "delete",
    "y",
    "o",
    "c",
]
TYPED = [*"abcdefghijklmnopqrstuvwxyz", "space", "backspace", "enter", "full_stop", "comma"]


def send_key(app, key: str) -> None:
    """Queue one key event the way the terminal driver does.

    ``Pilot.press`` waits for the CPU to go idle and for every animation
    (``g``/``G`` scroll for a second) after each key: 2,000 keys took minutes.
    Queued like this, keys arrive as from a quick typist; the run waits for
    the app to settle only where an invariant is checked.
    """
    # As Textual's own App._press_keys builds it (private helpers: a test may
    # lean on them; if they move, this fails loudly, not quietly).
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def on_top(app) -> str:
    return type(app.screen).__name__


async def go_home(pilot, app, why: str) -> None:
    """Escape back to the reader; the unsaved prompt is answered "save"."""
    for _ in range(12):
        if len(app.screen_stack) == 1 and not getattr(app.reader, "find_open", False):
            return
        top = on_top(app)
        await pilot.press("s" if top == "UnsavedDialog" else "escape")
        await pilot.pause()
        assert app.is_running, f"the app ended while escaping home ({why})"
    assert len(app.screen_stack) == 1, (
        f"no way back: 12 escapes left the reader under {[type(s).__name__ for s in app.screen_stack]} ({why})"
    )


async def test_seeded_random_keys_keep_the_app_alive_and_the_notes_exact(tmp_path: Path, monkeypatch):
    print(f"random-key run: seed {SEED}, {KEYS} keys (LDN_E2E_SEED replays another seed)")
    rng = random.Random(SEED)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the export dialog writes here
    (tmp_path / "home").mkdir()
    library = load_library(bundled_content_dir())
    app = create_app(library, tmp_path / "data")
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)  # no browser in a test
    checked_saves = 0
    log: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if app.screen_stack and on_top(app) == "NoticeScreen":
                break
        for i in range(KEYS):
            top = on_top(app)
            typing = top in ("NoteEditor", "SearchScreen", "CommandPalette", "SafeCommandPalette", "NotesScreen")
            if top == "NoteEditor" and rng.random() < 0.08:
                key = "ctrl+s"  # saves are what matter most: check many of them
            else:
                key = rng.choice(TYPED if typing and rng.random() < 0.6 else BOUND)
            log.append(f"{top}:{key}")
            send_key(app, key)
            await asyncio.sleep(0)
            if i % 25 == 0:
                await pilot.pause()
            if not app.is_running and app._exception is None and app.return_code == 0:
                # the palette's "Quit" (typed and entered at random) ended the
                # app the way a reader's quit does: a clean end of the run
                break
            assert app.is_running and app._exception is None, (
                f"key {i} ({key!r} on {top}, seed {SEED}) ended the app: {app._exception!r}\nlast keys: {log[-30:]}"
            )
            if key == "ctrl+s" and on_top(app) == "NoteEditor":
                await pilot.pause()
                editor = app.screen
                if not getattr(editor, "dirty", True) and getattr(editor, "note", None) is not None:
                    stored = app.store.get_note(editor.note.id)
                    shown = editor.text_area.text
                    assert stored is not None and stored.text == shown, (
                        f"key {i} (seed {SEED}): the editor said saved, but the store holds "
                        f"{None if stored is None else stored.text!r}, the editor shows {shown!r}"
                    )
                    checked_saves += 1
            if rng.random() < 1 / HOME_EVERY:
                await go_home(pilot, app, f"after key {i}, seed {SEED}")
        if app.is_running:  # (the palette's "Quit" may have ended the run cleanly)
            await go_home(pilot, app, f"at the end, seed {SEED}")
        assert app._exception is None, app._exception
    print(f"random-key run: {KEYS} keys, {checked_saves} saves checked against the store, {len(opened)} links 'opened'")
