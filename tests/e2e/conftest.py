"""Fixtures for the end-to-end tier: the built wheel, installed in its own
venv, and a private terminal per test.

Nothing in this tier runs the checkout's code in the app: the app is the
console script of a venv made from the wheel built here. (The Pilot-based
random-key run is the exception the issue allows; it lives in
``test_e2e_random_keys.py`` and says so.)
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from e2e.tmux_driver import Terminal

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under ``tests/e2e`` carries the ``e2e`` marker (``-m e2e``)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def _run(args: list[str], cwd: Path, timeout: float = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Installed:
    """The app as a user gets it: a venv holding the built wheel."""

    venv: Path
    exe: Path  #: the venv's ``ldn-tui`` console script
    python: Path
    themes: tuple[str, ...]  #: the installed Textual's built-in theme names
    commands: tuple[str, ...]  #: the palette's command titles on the reader
    panes: tuple[tuple[str, str], ...]  #: (id, title) of the shipped panes

    def cli(self, *args: str, data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run the installed ``ldn-tui`` without a terminal (export, import)."""
        env = {
            "PATH": "/usr/bin:/bin",
            "LDN_TUI_DATA_DIR": str(data_dir),
            "HOME": str(data_dir.parent),
            "LANG": "C.UTF-8",
        }
        return subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=data_dir.parent,
            stdin=subprocess.DEVNULL,
        )

    def notes(self, data_dir: Path) -> list[dict]:
        """The notes stored in ``data_dir``, read back through the app's own
        JSON backup (``export --format json --scope all -o -``)."""
        result = self.cli("export", "--format", "json", "--scope", "all", "-o", "-", data_dir=data_dir)
        if result.returncode != 0 and "nothing to export" in (result.stdout + result.stderr):
            return []
        assert result.returncode == 0, f"export failed: {result.stdout}{result.stderr}"
        return json.loads(result.stdout).get("notes", [])


_FACTS = """
    import asyncio, json, sys, tempfile
    from pathlib import Path
    from ldn_tui.tui.app import create_app
    from ldn_tui.content.library import load_library
    from ldn_tui.paths import bundled_content_dir

    async def main():
        library = load_library(bundled_content_dir())
        app = create_app(library, Path(tempfile.mkdtemp()))
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(300):
                await pilot.pause(0.01)
                if len(app.screen_stack) and app.reader.is_mounted:
                    break
            commands = [c.title for c in app.get_system_commands(app.reader)]
            return {
                "themes": sorted(app.available_themes),
                "commands": commands,
                "panes": [[p.id, p.title] for p in library.panes],
            }

    print(json.dumps(asyncio.run(main())))
"""


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from this checkout (offline, like tests/e2e/test_wheel.py),
    make a venv, install the wheel there (pip resolves its dependencies) and
    ask the installed app for its themes, palette commands and panes.

    Under xdist the workers share one build: the first to take the lock
    builds it in the run's common temporary directory, the others wait and
    read what it left (``installed.json``). Nothing writes to that venv."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # not under xdist (or without it: -p no:xdist)
        return _install(tmp_path_factory.mktemp("e2e-install"))
    shared = tmp_path_factory.getbasetemp().parent / "e2e-install"
    shared.mkdir(exist_ok=True)
    done = shared / "installed.json"
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            made = _install(shared)
            done.write_text(json.dumps(asdict(made), default=str))
    facts = json.loads(done.read_text())
    return Installed(
        Path(facts["venv"]),
        Path(facts["exe"]),
        Path(facts["python"]),
        tuple(facts["themes"]),
        tuple(facts["commands"]),
        tuple((p[0], p[1]) for p in facts["panes"]),
    )


def _install(root: Path) -> Installed:
    started = time.monotonic()
    wheelhouse = root / "wheelhouse"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(wheelhouse),
        ],
        cwd=root,
    )
    wheels = list(wheelhouse.glob("ldn_tui-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=root)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheels[0])], cwd=root)
    script = root / "facts.py"
    script.write_text(textwrap.dedent(_FACTS))
    facts = json.loads(_run([str(python), str(script)], cwd=root).strip().splitlines()[-1])
    exe = venv / "bin" / "ldn-tui"
    assert exe.is_file()
    # The app must come from the venv, not from the checkout.
    where = _run([str(python), "-c", "import ldn_tui; print(ldn_tui.__file__)"], cwd=root).strip()
    assert Path(where).is_relative_to(venv), where
    print(f"\ne2e: wheel built and installed in {time.monotonic() - started:.1f}s ({venv})")
    return Installed(
        venv,
        exe,
        python,
        tuple(facts["themes"]),
        tuple(facts["commands"]),
        tuple((p[0], p[1]) for p in facts["panes"]),
    )


def write_state(data_dir: Path, **state) -> Path:
    """Create a data directory whose notes file holds app ``state`` (e.g.
    ``theme="nord"``, ``notice_seen=True``), in the store's on-disk layout
    (TinyDB JSON: a ``meta`` table with the schema and one ``state`` record;
    see ``ldn_tui/notes/file_format.py``). Older schemas are migrated on load, so
    this stays valid when the schema grows."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "ldn-tui.json").write_text(json.dumps({"meta": {"1": {"schema": 1}}, "state": {"1": state}}))
    return data_dir


@pytest.fixture
def terminal(installed: Installed, tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """``terminal(size=(w, h), env={...}, data_dir=...)`` starts the installed
    ``ldn-tui`` in a private tmux server; every server is killed at teardown."""
    made: list[Terminal] = []
    counter = iter(range(1000))

    def start(
        size: tuple[int, int] = (100, 30),
        env: dict[str, str] | None = None,
        data_dir: Path | None = None,
        args: tuple[str, ...] = (),
    ) -> Terminal:
        data = data_dir or tmp_path / f"data-{next(counter)}"
        term = Terminal([str(installed.exe), *args], data, size, env, home=tmp_path / "home")
        made.append(term)
        return term.start()

    yield start
    for term in made:
        term.close()
