"""The reader's keymap: ``[keymap]`` in the config file remaps keys.

::

    # ~/.config/ldn-tui/config.toml (see `ldn-tui --where`)
    [keymap]
    bookmark = "x"          # x bookmarks the heading (b no longer does)
    search = "ctrl+f,s"     # several keys: comma-separated

Keys are binding ids (listed in the README) mapped to Textual key names.
The app applies the result with Textual's ``App.set_keymap``. A file that
cannot be read or parsed, an unknown id or a value that is not a string is
reported in one line naming the file and the key, and that entry (or the
whole file) is left out: the default keys stay, nothing crashes.

No Textual here: the app passes in the ids its bindings have.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path


def load_keymap(path: Path, known_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """``(keymap, problems)`` from the config file at ``path``.

    A missing file is no problem (an empty keymap). Each problem is one
    line for the reader, naming the file and the key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, [f"{path}: could not read it ({one_line(error)}); using the default keys."]
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        return {}, [f"{path}: 'keymap' must be a table ([keymap]); using the default keys."]
    known = set(known_ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known:
            problems.append(f"{path}: [keymap] {binding_id}: no such key binding; it is ignored (ids: see the README).")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f'{path}: [keymap] {binding_id}: must be keys in quotes, e.g. "x"; the default key stays.')
        else:
            keymap[binding_id] = ",".join(key.strip() for key in keys.split(",") if key.strip())
    return keymap, problems


def one_line(error: Exception) -> str:
    """An error message on one line."""
    return " ".join(str(error).split())
