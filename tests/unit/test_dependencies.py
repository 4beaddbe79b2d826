"""Every third-party package the code imports is declared, with a floor
that works (ecosystem.md defect 4).

``textual>=8`` let installs pick 8.0-8.2.3, where the app fails at start
(``DOMNode.update_classes`` is from 8.2.4); ``rich`` and ``platformdirs``
were imported but not declared. The floors were checked in a fresh venv
holding exactly textual 8.2.4, rich 14.2.0, platformdirs 3.6.0,
markdown-it-py 3.0.0 and tinydb 4.8.0, with the package installed.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ldn_tui"
#: import name -> distribution name, where they differ
DISTRIBUTION = {
    "markdown_it": "markdown-it-py",
    "fpdf": "fpdf2",
    "fontTools": "fonttools",
    "textual_serve": "textual-serve",
}
#: extras a reader may install (``ldn-tui[web]``); the test extra is not one
READER_EXTRAS = ("web",)


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = {}
    extras = project.get("optional-dependencies", {})
    for spec in [*project["dependencies"], *(s for name in READER_EXTRAS for s in extras.get(name, []))]:
        name = re.match(r"[A-Za-z0-9_.-]+", spec).group().lower()
        out[name] = spec
    return out


def _imported() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "ldn_tui"}


def test_every_imported_package_is_declared():
    declared = _declared()
    missing = sorted(
        DISTRIBUTION.get(name, name) for name in _imported() if DISTRIBUTION.get(name, name) not in declared
    )
    assert missing == [], f"imported but not in pyproject dependencies: {missing}"


def _floor(spec: str) -> tuple[int, ...]:
    match = re.search(r">=\s*([0-9.]+)", spec)
    assert match, f"{spec} has no floor"
    return tuple(int(part) for part in match.group(1).split("."))


def test_floors_admit_no_version_the_app_fails_on():
    declared = _declared()
    # 8.2.4 added update_classes (used at start); 8.2.5 is the first on which
    # every theme's muted text reaches 4.5:1 (tests/tui/test_render_theme.py)
    assert _floor(declared["textual"]) >= (8, 2, 5)
    # Textual 8.2.4's own floors: lower ones cannot be installed with it.
    assert _floor(declared["rich"]) >= (14, 2, 0)
    assert _floor(declared["platformdirs"]) >= (3, 6, 0)


def test_the_installed_textual_has_what_the_app_uses():
    from textual.dom import DOMNode

    assert hasattr(DOMNode, "update_classes")
