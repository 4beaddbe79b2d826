"""Each package's public face is its ``__init__.py`` and ``__all__``: code in
one package uses another only through that face (no reaching into its
modules, no private names), and every name a face lists exists."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ldn_tui"
FACES = ("content", "notes", "search", "export", "cli", "tui")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def test_packages_are_used_only_through_their_faces():
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        mine = _package_of(path)
        for line, module, names in _imports(path):
            parts = module.split(".")
            if parts[0] != "ldn_tui" or len(parts) < 2:
                continue
            other = parts[1]
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            # ldn_tui.cli starts the app lazily: the one deliberate reach into tui
            deliberate = mine == "cli" and module == "ldn_tui.tui.app"
            if other in FACES and other != mine and len(parts) > 2 and not deliberate:
                crossings.append(f"{where}: imports {module}; use ldn_tui.{other}")
            if any(name.startswith("_") and not name.startswith("__") for name in names) and other != mine:
                crossings.append(f"{where}: imports a private name from {module}")
    assert crossings == []


@pytest.mark.parametrize("name", [f for f in FACES if f != "tui"])
def test_every_listed_name_exists(name: str):
    face = importlib.import_module(f"ldn_tui.{name}")
    assert face.__all__, f"ldn_tui.{name} lists no public names"
    for public in face.__all__:
        assert hasattr(face, public), f"ldn_tui.{name}.__all__ lists {public}, which it lacks"


def test_no_module_but_a_face_re_exports_names():
    """A name is imported from the module that defines it or from a face;
    no other module hands on names it imported (``ldn_tui.notes.store`` and
    ``ldn_tui.export.request`` once did: two ways to import one thing)."""
    shims = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE))
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        imported = {name for _, _, names in _imports(path) for name in names}
        listed = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                listed = set(ast.literal_eval(node.value))
        shims += [f"{where}: __all__ lists {name}, which it imports" for name in sorted(listed & imported)]
        shims += [
            f"{where}:{n}: {line.strip()}"
            for n, line in enumerate(source.splitlines(), 1)
            if "re-export" in line and "noqa" in line
        ]
    assert shims == []
