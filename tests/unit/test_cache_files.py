"""The cache files a start reads (``<data dir>/cache/``): a pipe, device or
directory in a cache file's place is refused at once, never waited on, and
the start goes on as if there were no cache (``fsutil.read_regular``)."""

from __future__ import annotations

import os

import pytest
from helpers import finishes

from ldn_tui.content import load_document_cache, load_library, save_document_cache
from ldn_tui.content.cache import cache_path
from ldn_tui.fsutil import read_regular


def test_read_regular_reads_a_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 3_000_000)
    assert read_regular(path) == b"x" * 3_000_000


def test_read_regular_refuses_a_fifo_and_a_directory_without_waiting(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert finishes(lambda: read_regular(fifo), fifo) is None
    assert read_regular(tmp_path) is None


def test_read_regular_raises_for_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "missing")


def test_a_fifo_in_place_of_the_document_cache_is_not_waited_on(fixture_content, tmp_path):
    library = load_library(fixture_content)
    path = cache_path(library, tmp_path)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    assert finishes(lambda: load_document_cache(load_library(fixture_content), tmp_path), path) is False
    save_document_cache(library, tmp_path)  # a later save replaces the pipe with a file
    assert path.is_file() and load_document_cache(load_library(fixture_content), tmp_path)
