"""A cache of the parsed stylesheet, so a start does not parse it again.

Textual parses ``app.tcss`` and the ``DEFAULT_CSS`` of every widget class it
meets at each start: 20-25 ms before the first frame, about a third of what
ldn-tui adds to a bare Textual app's start-up (issue 14). What a parse gives
depends only on the CSS text, where it was read from, the theme's
variables and Textual's own code, so after a start the app pickles what was
parsed into ``<data dir>/cache/styles-<key>.pickle`` (the key: the
variables, the Python version and the size and time of Textual's CSS
modules, so an upgrade misses). The next start puts the rules back into the
stylesheet's parse cache before Textual reads its CSS, and Textual finds
each source already parsed. That cache is keyed by the exact CSS text, so an
edited stylesheet simply misses and is parsed as usual, with its errors
reported as usual.

Loading accepts only Textual's rule classes (a restricted unpickler), and any
problem (missing, damaged, foreign) just means "parse as usual". Writes are
atomic. The parse cache is Textual's private ``Stylesheet._parse_cache``
(listed in :mod:`ldn_tui.tui.textual_private`).
"""

from __future__ import annotations

import io
import pickle
import sys
import zlib
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from ldn_tui.fsutil import read_regular, write_atomic

__all__ = ["Entries", "cache_path", "load", "save", "snapshot", "unsaved"]

#: What a parse-cache entry holds: (its key, the parsed rule sets).
Entries = list[tuple[tuple, list]]

#: Textual's modules whose classes a parsed stylesheet holds; their sizes
#: and times are part of the cache key.
_MODULES = (
    "textual.color",
    "textual.css.model",
    "textual.css.scalar",
    "textual.css.styles",
    "textual.css.parse",
    "textual.geometry",
)

#: (module, name) the unpickler may return. A Styles also holds two bound
#: methods of its rules dict (pickled as ``getattr(rules, name)``) and a
#: selector its check (a ``partial``); both are narrowed below.
_ALLOWED = {
    ("textual.color", "Color"),
    ("textual.css.model", "RuleSet"),
    ("textual.css.model", "Selector"),
    ("textual.css.model", "SelectorSet"),
    ("textual.css.model", "SelectorType"),
    ("textual.css.model", "CombinatorType"),
    ("textual.css.model", "_check_universal"),
    ("textual.css.model", "_check_type"),
    ("textual.css.model", "_check_class"),
    ("textual.css.model", "_check_id"),
    ("textual.css.scalar", "Scalar"),
    ("textual.css.scalar", "ScalarOffset"),
    ("textual.css.scalar", "Unit"),
    ("textual.css.styles", "Styles"),
    ("textual.geometry", "Spacing"),
    ("textual.layouts.horizontal", "HorizontalLayout"),
    ("textual.layouts.vertical", "VerticalLayout"),
    ("textual.layouts.grid", "GridLayout"),
}


#: The bound methods of a Styles' rules dict (``get_rule``, ``has_rule``).
_DICT_METHODS = frozenset({"get", "__contains__"})


def _dict_method(owner: Any, name: str) -> Any:
    """``getattr`` for a dict's ``get`` and ``__contains__``, and nothing else."""
    if type(owner) is dict and name in _DICT_METHODS:
        return getattr(owner, name)
    raise pickle.UnpicklingError("not an allowed attribute in the style cache")


class _Check(partial):
    """``partial`` of one of Textual's selector checks, and nothing else."""

    def __new__(cls, func: Any, /, *args: Any, **keywords: Any) -> _Check:
        _allowed_function(func)
        return super().__new__(cls, func, *args, **keywords)

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, tuple) or not state:
            raise pickle.UnpicklingError("a damaged selector check in the style cache")
        _allowed_function(state[0])
        super().__setstate__(state)  # type: ignore[misc]  # partial's, in C

    def __reduce__(self) -> Any:
        # saved as a plain partial, so a cache written from loaded rules loads again
        return partial, (self.func,), (self.func, self.args, self.keywords or None, self.__dict__ or None)


def _allowed_function(func: Any) -> None:
    if (getattr(func, "__module__", None), getattr(func, "__name__", None)) not in _ALLOWED or isinstance(func, type):
        raise pickle.UnpicklingError("not an allowed function in the style cache")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:  # noqa: D102 - see module doc
        if (module, name) == ("builtins", "getattr"):
            return _dict_method
        if (module, name) == ("functools", "partial"):
            return _Check
        if (module, name) in _ALLOWED:
            return getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name)
        raise pickle.UnpicklingError(f"not allowed in the style cache: {module}.{name}")


def _key(variables: Mapping[str, str]) -> str:
    """A checksum of what a parse depends on besides the CSS text."""
    parts = [sys.version, repr(sorted(variables.items()))]
    for name in _MODULES:
        module = sys.modules.get(name)
        try:
            stat = Path(module.__file__).stat()  # type: ignore[union-attr, arg-type]
        except (AttributeError, TypeError, OSError):
            parts.append(f"{name}:?")
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    data = "\0".join(parts).encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):06x}"


def cache_path(data_dir: Path, variables: Mapping[str, str]) -> Path:
    """Where the parsed stylesheet for these theme variables lives."""
    return data_dir / "cache" / f"styles-{_key(variables)}.pickle"


def load(stylesheet: Any, data_dir: Path, variables: Mapping[str, str]) -> frozenset[tuple]:
    """Put the cached rules back into ``stylesheet``'s parse cache (call it
    after the variables are set: setting them empties that cache). Returns
    the keys put back; empty when there was nothing usable."""
    try:
        data = read_regular(cache_path(data_dir, variables))
        if data is None:  # a pipe or device in its place: never waited on
            return frozenset()
        stored = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - a cache: anything wrong means "parse as usual"
        return frozenset()
    entries = _valid(stored, variables)
    if not entries:
        return frozenset()
    cache = stylesheet._parse_cache
    for key, rules in entries:
        cache[key] = rules
    return frozenset(key for key, _ in entries)


def _valid(stored: Any, variables: Mapping[str, str]) -> Entries:
    """The entries of a loaded cache file, or [] if it is not one for ``variables``."""
    from textual.css.model import RuleSet

    if not isinstance(stored, dict) or stored.get("variables") != dict(variables):
        return []
    entries = stored.get("entries")
    if not isinstance(entries, list):
        return []
    valid: Entries = []
    for entry in entries:
        if not (isinstance(entry, tuple) and len(entry) == 2):
            return []
        key, rules = entry
        if not (isinstance(key, tuple) and key and isinstance(key[0], str)):
            return []
        if not (isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules)):
            return []
        valid.append((key, rules))
    return valid


def snapshot(stylesheet: Any) -> Entries:
    """What ``stylesheet`` has parsed so far (cheap: call it on the UI thread)."""
    cache = stylesheet._parse_cache
    return [(key, rules) for key in list(cache.keys()) if (rules := cache.get(key)) is not None]


def unsaved(stylesheet: Any, loaded: frozenset[tuple]) -> bool:
    """Whether ``stylesheet`` parsed anything the cache did not hold."""
    return any(key not in loaded for key in list(stylesheet._parse_cache.keys()))


def save(entries: Entries, data_dir: Path, variables: Mapping[str, str]) -> None:
    """Write the parsed rules for ``variables`` (atomically, in any thread:
    it touches no widget); errors are ignored: it is a cache. Nothing is
    written unless it loads back, so a rule holding a class the unpickler
    does not know leaves the cache off rather than failing every start."""
    if not entries:
        return
    path = cache_path(data_dir, variables)
    try:
        data = pickle.dumps({"variables": dict(variables), "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)
        _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - see above
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in path.parent.glob("styles-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        write_atomic(path, data, temp_prefix=".styles-")
    except OSError:
        return
