"""The domain stays free of Textual (the way harlequin proves it): a fresh
interpreter imports the domain modules, or runs a command that needs no
interface, and Textual must not have been imported."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"

DOMAIN = [
    "ldn_tui.content.library",
    "ldn_tui.content.document",
    "ldn_tui.content.check",
    "ldn_tui.content.models",
    "ldn_tui.fsutil",
    "ldn_tui.content",
    "ldn_tui.notes",
    "ldn_tui.search",
    "ldn_tui.export",
    "ldn_tui.cli",
    "ldn_tui.paths",
    "ldn_tui.textsafe",
    "ldn_tui.notes.store",
    "ldn_tui.notes.session",
    "ldn_tui.notes.records",
    "ldn_tui.notes.storage",
    "ldn_tui.notes.file_format",
    "ldn_tui.export.request",
    "ldn_tui.export.formats",
    "ldn_tui.outline",
    "ldn_tui.export.files",
    "ldn_tui.export.pdf",
    "ldn_tui.export.csl",
    "ldn_tui.export.importer",
    "ldn_tui.search.query",
    "ldn_tui.search.index",
    "ldn_tui.search.text",
    "ldn_tui.content.cache",
    "ldn_tui.startup",
    "ldn_tui.notes.drafts",
    "ldn_tui.content.plain_text",
    "ldn_tui.notes.note_size",
]


def run_python(code: str, cwd: Path) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", DOMAIN)
def test_domain_module_exists(name: str):
    assert importlib.util.find_spec(name) is not None, f"{name} is missing"


def test_domain_imports_no_textual(tmp_path: Path):
    found = run_python(
        f"""
        import importlib, json, sys
        for name in {DOMAIN!r}:
            importlib.import_module(name)
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print(json.dumps({{"textual": loaded, "imported": [n for n in {DOMAIN!r} if n in sys.modules]}}))
        """,
        tmp_path,
    )
    assert found["imported"] == DOMAIN
    assert found["textual"] == []


def test_the_probe_would_see_textual(tmp_path: Path):
    """The check above can fail: importing the app does pull Textual in."""
    found = run_python(
        """
        import json, sys
        import ldn_tui.tui.app
        print(json.dumps({"textual": "textual" in sys.modules}))
        """,
        tmp_path,
    )
    assert found["textual"] is True


def test_loading_and_checking_content_imports_no_textual(tmp_path: Path):
    """Parsing every pane and running ``check`` through the CLI stays headless."""
    found = run_python(
        f"""
        import contextlib, io, json, sys
        from pathlib import Path
        from ldn_tui.cli import main
        from ldn_tui.content.library import load_library
        library = load_library(Path({str(FIXTURE_CONTENT)!r}))
        for pane in library.panes:
            library.document(pane.id)
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "--content", {str(FIXTURE_CONTENT)!r}])
        print(json.dumps({{"code": code, "textual": "textual" in sys.modules}}))
        """,
        tmp_path,
    )
    assert found == {"code": 0, "textual": False}


def test_show_and_search_import_no_textual(tmp_path: Path):
    """``ldn-tui show`` and ``ldn-tui search`` print plain text without the interface."""
    found = run_python(
        f"""
        import contextlib, io, json, sys
        from ldn_tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            show = main(["show", "alpha", "--content", {str(FIXTURE_CONTENT)!r}])
            search = main(["search", "alpha", "--content", {str(FIXTURE_CONTENT)!r}])
        print(json.dumps({{"codes": [show, search], "textual": "textual" in sys.modules,
                           "rich": "rich" in sys.modules}}))
        """,
        tmp_path,
    )
    assert found == {"codes": [0, 0], "textual": False, "rich": False}
