"""The screens' view of the notebook (``NotebookLike``): the real Notebook and
the test fake both offer all of it with the same signatures, so the screen
tests on the fake (tests/tui/test_screens_fake_notebook.py) test what the
app runs; and the outline the notes screen asks for on every key is built
once per change."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from fakes import FakeNotebook
from helpers import FIXTURE_CONTENT

from ldn_tui.content import load_library
from ldn_tui.notebook import Notebook, NotebookLike


def members() -> dict[str, object]:
    """Every member the Protocol declares: data attributes, properties, methods."""
    declared: dict[str, object] = dict.fromkeys(NotebookLike.__annotations__)
    for name, value in vars(NotebookLike).items():
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property)):
            declared[name] = value
    return declared


@pytest.fixture
def library():
    return load_library(FIXTURE_CONTENT)


@pytest.fixture
def real(library, tmp_path: Path):
    book = Notebook(library, tmp_path / "data")
    yield book
    book.close()


def test_the_protocol_names_what_the_screens_use():
    assert {"markers", "notes_for", "note_at", "get_note", "outline", "toggle_bookmark", "save_edit",
            "delete_note", "restore_note", "version", "changed", "failed", "read_only", "warning"} <= set(members())  # fmt: skip


@pytest.mark.parametrize("kind", ["real", "fake"])
def test_both_notebooks_offer_all_of_it_alike(kind, real, library, tmp_path):
    book = real if kind == "real" else FakeNotebook(library, tmp_path / "fake")
    assert isinstance(book, NotebookLike)
    for name, declared in members().items():
        assert hasattr(book, name), f"{type(book).__name__} has no {name}"
        if inspect.isfunction(declared):
            wanted = list(inspect.signature(declared).parameters)[1:]
            assert list(inspect.signature(getattr(book, name)).parameters) == wanted, name


def test_the_outline_is_built_again_only_after_a_change(real):
    first = real.outline()
    assert real.outline() is first  # nothing changed: the same outline
    saved = real.save_edit("alpha", "background", "Background", None, "a note", None)
    assert saved is not None
    second = real.outline()
    assert second is not first and [n.text for s in second.sections for n in s.notes] == ["a note"]
    assert real.outline() is second
    real.toggle_bookmark("alpha", "deeper", "Deeper")
    assert [s.slug for s in real.outline().sections] == ["background", "deeper"]
