"""The private Textual members ldn-tui relies on are listed in one place,
``ldn_tui/tui/textual_private.py``, and still exist in the installed Textual
(issue 14). The list is also checked for completeness: a private import, an
override of a private method or a use of a private attribute that is not
listed fails here, so the list cannot drift from the code.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest
import textual
from textual.app import App

import ldn_tui
from ldn_tui.tui.textual_private import PRIVATE, Private

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"import", "override", "uses", "copied", "tests"}


@functools.cache
def _init_assigns(klass: type) -> frozenset[str]:
    """The names ``klass.__init__`` itself sets as ``self.<name>``."""
    init = klass.__dict__.get("__init__")
    try:
        source = inspect.getsource(init) if init is not None else ""
    except (OSError, TypeError):
        source = ""
    return frozenset(re.findall(r"\bself\.(\w+)\s*(?::[^=\n]*)?=(?!=)", source))


def _assigned_in_init(cls: type, name: str) -> bool:
    """Whether some class in ``cls``'s MRO sets ``self.<name>`` in ``__init__``
    (an instance attribute, invisible to ``hasattr`` on the class)."""
    return any(name in _init_assigns(klass) for klass in cls.__mro__)


def _has(cls: type, name: str) -> bool:
    return hasattr(cls, name) or _assigned_in_init(cls, name)


def _exists(row: Private) -> bool:
    module = importlib.import_module(row.module)
    if not hasattr(module, row.owner):
        return False
    if not row.member:
        return True
    owner = getattr(module, row.owner)
    first, *rest = row.member.split(".")
    if not _has(owner, first):
        return False
    value = getattr(owner, first, None)
    for part in rest:
        if not hasattr(value, part):
            return False
        value = getattr(value, part)
    return True


@pytest.mark.parametrize("row", PRIVATE, ids=lambda r: f"{r.module}.{r.owner}.{r.member}".rstrip("."))
def test_each_listed_private_member_exists_in_the_installed_textual(row: Private):
    assert row.kind in KINDS and row.why and row.where
    assert _exists(row), (
        f"Textual {textual.__version__} no longer has {row.module}.{row.owner}"
        f"{'.' + row.member if row.member else ''}, which ldn-tui uses ({row.why}; {row.where})"
    )


def test_the_check_itself_notices_a_missing_member():
    assert not _exists(Private("textual.app", "App", "_no_such_member", "uses", "x", "x"))
    assert not _exists(Private("textual.app", "NoSuchClass", "", "import", "x", "x"))
    assert _exists(Private("textual.app", "App", "_exit", "uses", "x", "x"))  # an instance attribute


def _listed_imports() -> set[tuple[str, str]]:
    return {(row.module, row.owner) for row in PRIVATE if row.kind == "import"}


def _private_imports(path: Path) -> set[tuple[str, str]]:
    """``(module, name)`` for each name imported from Textual where the module
    path or the name itself is private."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "textual":
            private_module = any(part.startswith("_") for part in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "textual" and any(p.startswith("_") for p in alias.name.split(".")):
                    found.add((alias.name, ""))
    return found


def test_every_private_textual_import_is_listed():
    unlisted = set()
    for folder in ("ldn_tui", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for module, name in _private_imports(path):
                if (module, name) not in _listed_imports():
                    unlisted.add(f"{path.relative_to(ROOT)}: from {module} import {name}")
    assert not unlisted, "add these to ldn_tui/tui/textual_private.py:\n" + "\n".join(sorted(unlisted))


def _ldn_classes() -> list[type]:
    """Every class defined in the ldn_tui package that derives from Textual."""
    classes = []
    for info in pkgutil.walk_packages(ldn_tui.__path__, "ldn_tui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and value.__module__ == module.__name__
                and any(base.__module__.startswith("textual") for base in value.__mro__)
            ):
                classes.append(value)
    return classes


def _private_textual_names(cls: type) -> dict[str, set[str]]:
    """Private names that ``cls``'s own code defines or touches and that a
    Textual class it builds on (or ``App``, reached as ``self.app``) has:
    ``name -> {Textual class names having it}``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    bases = [base for base in cls.__mro__ if base.__module__.startswith("textual")] + [App]
    found: dict[str, set[str]] = {}
    for name in names:
        if not name.startswith("_") or name.startswith("__"):
            continue
        owners = {base.__name__ for base in bases if name in vars(base) or _assigned_in_init(base, name)}
        if owners:
            found[name] = owners
    return found


def test_every_private_textual_member_the_code_touches_is_listed():
    """An override of a private Textual method, or a private attribute read
    or set, in any class of ldn_tui built on Textual: each must be listed.
    (This also catches a name that clobbers Textual's by accident.)"""
    listed = {(row.owner, row.member.split(".")[0]) for row in PRIVATE if row.member}
    unlisted = []
    classes = _ldn_classes()
    assert len(classes) > 10, classes  # the scan reached the screens and widgets
    for cls in classes:
        for name, owners in sorted(_private_textual_names(cls).items()):
            if not any((owner, name) in listed for owner in owners):
                unlisted.append(f"{cls.__module__}.{cls.__qualname__}: {name} (on {', '.join(sorted(owners))})")
    assert not unlisted, "add these to ldn_tui/tui/textual_private.py:\n" + "\n".join(unlisted)


def test_the_list_is_plain_data():
    """The table imports nothing, so any layer may read it (the domain stays
    free of Textual)."""
    tree = ast.parse((ROOT / "ldn_tui" / "tui" / "textual_private.py").read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert all(isinstance(n, ast.ImportFrom) and n.module in ("__future__", "typing") for n in imports)
