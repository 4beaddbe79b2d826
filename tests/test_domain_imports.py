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

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"

DOMAIN = [
    "ldn_tui.content",
    "ldn_tui.document",
    "ldn_tui.check",
    "ldn_tui.models",
    "ldn_tui.history",
    "ldn_tui.paths",
    "ldn_tui.textsafe",
    "ldn_tui.store",
    "ldn_tui.store_session",
    "ldn_tui.store_records",
    "ldn_tui.storage",
    "ldn_tui.store_format",
    "ldn_tui.export",
    "ldn_tui.export_formats",
    "ldn_tui.export_outline",
    "ldn_tui.export_files",
    "ldn_tui.export_pdf",
    "ldn_tui.export_csl",
    "ldn_tui.importer",
    "ldn_tui.search",
    "ldn_tui.search_index",
    "ldn_tui.search_text",
    "ldn_tui.doc_cache",
    "ldn_tui.startup",
    "ldn_tui.drafts",
    "ldn_tui.plain_text",
    "ldn_tui.note_size",
]


def run_python(code: str, cwd: Path) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120, cwd=cwd,
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
        import ldn_tui.app
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
        from ldn_tui.__main__ import main
        from ldn_tui.content import load_library
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
        from ldn_tui.__main__ import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            show = main(["show", "alpha", "--content", {str(FIXTURE_CONTENT)!r}])
            search = main(["search", "alpha", "--content", {str(FIXTURE_CONTENT)!r}])
        print(json.dumps({{"codes": [show, search], "textual": "textual" in sys.modules,
                           "rich": "rich" in sys.modules}}))
        """,
        tmp_path,
    )
    assert found == {"codes": [0, 0], "textual": False, "rich": False}
