"""The package as a newcomer meets it (issue 14): one version, a licence,
honest metadata, and an sdist that carries what the README links.

The version is written once, in ``ldn_tui/__init__.py``; hatchling reads it at
build time. Before, ``pyproject.toml`` held a second copy: bumping one gave
``pip show`` 0.2.0 and ``ldn-tui --version`` 0.1.0.

The sdist and the wheel are built the way a release would be, with
``python -m build`` (offline: ``--no-isolation``, the venv's hatchling), so
the wheel here is built *from the sdist*: a file the sdist forgets fails it.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import ldn_tui

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("ldn-tui")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _source_version(init: Path) -> str:
    """``__version__`` as written in ``ldn_tui/__init__.py`` (not imported)."""
    match = re.search(r'^__version__ = "([^"]+)"$', init.read_text(encoding="utf-8"), re.M)
    assert match, f"{init} has no __version__ line"
    return match.group(1)


def test_the_version_is_written_once():
    assert "version" not in PYPROJECT["project"], "the version belongs in ldn_tui/__init__.py only"
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "ldn_tui/__init__.py"


def test_ldn_tui_version_is_the_installed_distributions():
    result = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result
    assert result.stdout == f"ldn-tui {importlib.metadata.version('ldn-tui')}\n"
    assert (
        importlib.metadata.version("ldn-tui")
        == ldn_tui.__version__
        == _source_version(ROOT / "ldn_tui" / "__init__.py")
    )


def test_a_version_bump_in_one_place_reaches_the_metadata(tmp_path: Path):
    """Bump ``__version__`` in a copy of the project: the built metadata follows."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "ldn_tui", copy / "ldn_tui", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "content", copy / "content")
    init = copy / "ldn_tui" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(f'"{ldn_tui.__version__}"', '"9.8.7"'), encoding="utf-8")
    code = f"from hatchling.build import prepare_metadata_for_build_wheel as p; print(p({str(tmp_path)!r}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=copy)
    assert result.returncode == 0, result.stderr
    metadata = Parser().parsestr((tmp_path / result.stdout.strip() / "METADATA").read_text(encoding="utf-8"))
    assert metadata["Version"] == "9.8.7"


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=out,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    sdists, wheels = list(out.glob("ldn_tui-*.tar.gz")), list(out.glob("ldn_tui-*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, list(out.iterdir())
    return {"sdist": sdists[0], "wheel": wheels[0]}


def _sdist_names(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as archive:
        top = f"ldn_tui-{ldn_tui.__version__}/"
        names = archive.getnames()
    assert all(n.startswith(top) or n == top.rstrip("/") for n in names), names[:5]
    return {n[len(top) :] for n in names if n.startswith(top)}


def test_the_sdist_carries_the_docs_licence_content_and_tests(dists: dict[str, Path]):
    names = _sdist_names(dists["sdist"])
    listed = subprocess.run(["git", "ls-files", "docs", "content", "tests"], capture_output=True, text=True, cwd=ROOT)
    tracked = listed.stdout.split() if listed.returncode == 0 else []
    if not tracked:  # not a git checkout (e.g. an unpacked sdist): what is on disk
        tracked = [
            str(p.relative_to(ROOT))
            for d in ("docs", "content", "tests")
            for p in (ROOT / d).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
    for required in (
        "LICENSE",
        "README.md",
        "CONTRIBUTING.md",
        "pyproject.toml",
        "dev",
        "ldn_tui/export/fonts/LICENSE-DejaVu.txt",
        "docs/content-format.md",
    ):
        assert required in names, required
    missing = sorted(set(tracked) - names)
    assert missing == [], f"in the repository but not in the sdist: {missing[:10]}"
    # every local document the README links travels with it
    for link in re.findall(r"\]\(((?!https?:)[^)#]+)", (ROOT / "README.md").read_text(encoding="utf-8")):
        assert link in names, f"README links {link}, which the sdist lacks"
    assert not any(part in n.split("/") for n in names for part in (".venv", "__pycache__", ".git"))


def test_the_wheel_metadata_is_complete(dists: dict[str, Path]):
    archive = zipfile.ZipFile(dists["wheel"])
    info = f"ldn_tui-{ldn_tui.__version__}.dist-info"
    metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
    assert metadata["Version"] == ldn_tui.__version__
    assert metadata["License-Expression"] == "MIT AND Bitstream-Vera"
    assert sorted(metadata.get_all("License-File")) == ["LICENSE", "ldn_tui/export/fonts/LICENSE-DejaVu.txt"]
    assert archive.read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    classifiers = set(metadata.get_all("Classifier"))
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert {
        "Environment :: Console",
        "Operating System :: POSIX :: Linux",
        "Intended Audience :: Healthcare Industry",
        "Intended Audience :: End Users/Desktop",
    } <= classifiers
    assert not any(c.startswith("Operating System :: Microsoft") for c in classifiers)  # POSIX only
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Keywords"]


def test_the_licence_is_mit_and_names_what_it_does_not_cover():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "ldn_tui/export/fonts/LICENSE-DejaVu.txt" in text
