"""Shared fixtures: fixture content, a loaded library and an app factory.

Helpers that tests import (``ready``, ``seen_data_dir``, ``SIZE``) live in
``tests/helpers.py``; tests never import from this file.

Every test runs with ``LDN_TUI_DATA_DIR`` pointing into its own
``tmp_path`` and without ``LDN_TUI_CONTENT``, so nothing reads or writes the
developer's real notes or picks up content from the environment.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import FIXTURE_CONTENT, seen_data_dir

from ldn_tui.content.library import Library, load_library
from ldn_tui.paths import CONTENT_ENV, DATA_ENV


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data directory into the test's ``tmp_path``; forget any
    content directory from the environment."""
    data = tmp_path / "env-data"
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.delenv(CONTENT_ENV, raising=False)
    return data


@pytest.fixture
def fixture_content(tmp_path: Path) -> Path:
    """A private copy of the fixture content that a test may modify."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def library(fixture_content: Path) -> Library:
    """The fixture content, loaded."""
    return load_library(fixture_content)


@pytest.fixture
def app(fixture_content: Path, tmp_path: Path) -> Callable[..., object]:
    """A factory for the app on the fixture content.

    ``app()`` uses a fresh data directory in which the first-start notice has
    already been seen; ``app(content=DIR)`` uses other content,
    ``app(data_dir=DIR)`` an existing data directory as it is, and
    ``app(notice_seen=False)`` a brand-new data directory.
    """
    from ldn_tui.tui.app import create_app

    counter = iter(range(1_000_000))

    def make(content: Path | None = None, data_dir: Path | None = None, notice_seen: bool = True):
        if data_dir is None:
            data_dir = tmp_path / f"data-{next(counter)}"
            if notice_seen:
                seen_data_dir(data_dir)
        return create_app(load_library(content or fixture_content), data_dir)

    return make


# -- why a test needed its rerun ----------------------------------------------------------

_RERUN_TAIL_LINES = 30
_reruns: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep the failure of every test that is rerun (pytest-rerunfailures
    reports it as "rerun", and ``-rR`` names it without saying why)."""
    if report.outcome == "rerun":
        _reruns.append((report.nodeid, str(report.longrepr)))


def pytest_terminal_summary(terminalreporter) -> None:
    """After the run: the end of each rerun test's first failure, so a flaky
    test in CI says what went wrong."""
    if not _reruns:
        return
    terminalreporter.section("why tests were rerun")
    for nodeid, text in _reruns:
        terminalreporter.write_line(f"{nodeid}:")
        for line in text.splitlines()[-_RERUN_TAIL_LINES:]:
            terminalreporter.write_line(f"    {line}")
