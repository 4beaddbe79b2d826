"""The built wheel, not only the editable install: it must carry the content
(``content/`` is force-included as ``ldn_tui/_content``) and work from a
directory that has nothing to do with the source checkout.

The wheel is built offline with the venv's pip and the installed hatchling
(``--no-build-isolation``), installed with ``pip install --target`` into a
temporary directory, and imported from there by a fresh interpreter that
has the checkout removed from ``sys.path``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from ldn_tui import __version__
from ldn_tui.content.library import load_library

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def pip(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert result.returncode == 0, f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    pip("wheel", str(REPO), "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), cwd=out)
    wheels = list(out.glob("ldn_tui-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("installed") / "site"
    pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel), cwd=target.parent)
    return target


def run_installed(site: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with only the installed wheel providing ``ldn_tui``."""
    prelude = f"""
        import sys
        from pathlib import Path
        repo = Path({str(REPO)!r})
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != repo]
        sys.path.insert(0, {str(site)!r})
    """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(prelude) + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LDN_TUI_DATA_DIR": str(cwd / "data")},
    )


def test_wheel_carries_the_package_and_the_content(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"ldn_tui/_content/{p.name}" for p in CONTENT.iterdir() if p.suffix in (".md", ".toml")}
    assert shipped and shipped <= names, shipped - names
    for name in (
        "ldn_tui/__main__.py",
        "ldn_tui/cli/run.py",
        "ldn_tui/tui/app.tcss",
        "ldn_tui/content/library.py",
        "ldn_tui/tui/screens/reader.py",
    ):
        assert name in names
    assert not any(n.startswith(("tests/", "benchmarks/", "content/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ldn-tui = ldn_tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_loads_the_same_content(site: Path, tmp_path: Path):
    result = run_installed(
        site,
        """
        import json
        import ldn_tui
        from ldn_tui.content.library import load_library
        from ldn_tui.paths import bundled_content_dir
        content = bundled_content_dir()
        library = load_library(content)
        print(json.dumps({
            "package": ldn_tui.__file__,
            "version": ldn_tui.__version__,
            "content": str(content),
            "panes": [[p.id, p.title] for p in library.panes],
            "references": sorted(library.references),
            "headings": {p.id: [h.slug for h in library.document(p.id).headings] for p in library.panes},
        }))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["package"]).is_relative_to(site)
    assert found["version"] == __version__
    assert Path(found["content"]) == site / "ldn_tui" / "_content"

    repo = load_library(CONTENT)
    assert found["panes"] == [[p.id, p.title] for p in repo.panes]
    assert found["references"] == sorted(repo.references)
    assert found["headings"] == {p.id: [h.slug for h in repo.document(p.id).headings] for p in repo.panes}


def test_installed_wheel_checks_its_content_clean(site: Path, tmp_path: Path):
    result = run_installed(
        site,
        """
        from ldn_tui.cli import main
        raise SystemExit(main(["check"]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{site / 'ldn_tui' / '_content'}: OK"


def test_installed_wheel_builds_the_app(site: Path, tmp_path: Path):
    """The app's stylesheet ships too: the app starts headless and shows pane 1."""
    result = run_installed(
        site,
        """
        import asyncio, json
        from ldn_tui.tui.app import create_app
        from ldn_tui.content.library import load_library
        from ldn_tui.paths import bundled_content_dir

        async def main():
            library = load_library(bundled_content_dir())
            app = create_app(library, Path("data"))
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(200):
                    if app.reader.view.rendered is not None:
                        break
                    await pilot.pause(0.01)
                return app.reader.view.pane_id, library.panes[0].id, [str(p) for p in app.css_path]

        print(json.dumps(asyncio.run(main())))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    shown, first, css = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == first
    assert css and all(Path(p).is_relative_to(site) and Path(p).is_file() for p in css)


def test_wheel_ships_the_pdf_font_with_its_licence(wheel: Path):
    """The PDF handout embeds DejaVu Sans: both faces and the Bitstream Vera
    licence they are distributed under are in the wheel (issue 12)."""
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for name in (
        "ldn_tui/export/fonts/DejaVuSans.ttf",
        "ldn_tui/export/fonts/DejaVuSans-Bold.ttf",
        "ldn_tui/export/fonts/LICENSE-DejaVu.txt",
        "ldn_tui/export/pdf.py",
        "ldn_tui/export/csl.py",
    ):
        assert name in names, name
    licence = archive.read("ldn_tui/export/fonts/LICENSE-DejaVu.txt").decode("utf-8")
    assert "Bitstream" in licence and "Permission is hereby granted" in licence
    assert (
        archive.read("ldn_tui/export/fonts/DejaVuSans.ttf")
        == (REPO / "ldn_tui" / "export" / "fonts" / "DejaVuSans.ttf").read_bytes()
    )


def test_installed_wheel_writes_a_pdf_handout(site: Path, tmp_path: Path):
    """The installed wheel (not the checkout) finds its font and prints a PDF."""
    result = run_installed(
        site,
        """
        from ldn_tui.content.library import load_library
        from ldn_tui.export.request import render_export, select
        from ldn_tui.notes.models import Bookmark
        from ldn_tui.paths import bundled_content_dir
        import ldn_tui.export.pdf as pdf
        library = load_library(bundled_content_dir())
        pane = library.panes[0]
        heading = library.document(pane.id).headings[0]
        data = render_export("pdf", select("all", [Bookmark(pane.id, heading.slug, heading.text, "2026-01-01")], []), library)
        assert Path(pdf.FONT_REGULAR).is_relative_to(Path(sys.path[0])), pdf.FONT_REGULAR
        print(data[:5].decode(), len(data))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("%PDF-")
