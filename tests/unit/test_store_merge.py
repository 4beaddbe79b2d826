"""``Store.merge_many``: the batched import gives exactly the outcomes (and the
file) of ``merge_note`` / ``merge_bookmark`` called once per record, checks
every record before changing anything, and writes the file once."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import edit_note
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_tui.notes import DB_NAME, Store, StoreError, StoreReadOnly, UnsavableText
from ldn_tui.notes import storage as storage_mod
from ldn_tui.notes.models import Bookmark, Note
from ldn_tui.notes.records import MergeResult


def t(day: int, micro: int = 0) -> str:
    return f"2024-01-{day:02d}T00:00:00.{micro:06d}+00:00"


def note(letter: str, text: str = "v1", updated: int = 2, created: int = 1, slug: str = "s") -> Note:
    return Note(letter * 32, "p", slug, "H", text, t(created), t(updated))


def mark(slug: str, heading: str = "H", created: int = 1) -> Bookmark:
    return Bookmark("p", slug, heading, t(created))


SEED_NOTES = [note("a"), note("b", updated=5), note("c")]
SEED_MARKS = [mark("one"), mark("two")]

BATCH_NOTES = [
    note("d"),                              # new
    note("a", "v2", updated=3),             # newer: updated
    note("b", "old", updated=4),            # older: skipped
    note("c"),                              # identical: skipped
    note("b", "same time", updated=5),      # same time, other text: skipped
    note("e", "first"),                     # new ...
    note("e", "second", updated=3),         # ... then newer within the batch: updated
    note("e", "stale", updated=2),          # ... then older within the batch: skipped
    note("a", "v3", updated=4),             # a again, newer than the batch's own update
    note("f"), note("f"),                   # new, then its identical twin
]  # fmt: skip
BATCH_MARKS = [mark("three"), mark("one", "Renamed"), mark("three"), mark("four", created=0)]


def seeded(data_dir: Path, notes=SEED_NOTES, marks=SEED_MARKS) -> Store:
    store = Store.open(data_dir)
    for n in notes:
        store.merge_note(n)
    for b in marks:
        store.merge_bookmark(b)
    return store


def one_by_one(store: Store, notes, marks) -> MergeResult:
    return MergeResult([store.merge_note(n) for n in notes], [store.merge_bookmark(b) for b in marks])


def file_bytes(store: Store) -> bytes:
    return store.path.read_bytes()


@pytest.fixture
def pair(tmp_path: Path):
    """Two stores holding the same data: one merges one by one, one in a batch."""
    slow, fast = seeded(tmp_path / "slow"), seeded(tmp_path / "fast")
    assert file_bytes(slow) == file_bytes(fast)
    yield slow, fast
    slow.close()
    fast.close()


def count_replaces(monkeypatch) -> list:
    calls: list = []
    real = storage_mod.os.replace

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage_mod.os, "replace", counting)
    return calls


def test_mixed_batch_matches_one_by_one(pair) -> None:
    slow, fast = pair
    expected = one_by_one(slow, BATCH_NOTES, BATCH_MARKS)
    got = fast.merge_many(BATCH_NOTES, BATCH_MARKS)
    assert got == expected
    assert got.notes == [
        "added", "updated", "skipped", "skipped", "skipped",
        "added", "updated", "skipped", "updated", "added", "skipped",
    ]  # fmt: skip
    assert got.bookmarks == ["added", "skipped", "skipped", "added"]
    notes, bookmarks = got  # unpacks like a tuple
    assert (notes, bookmarks) == (got.notes, got.bookmarks)
    assert fast.snapshot() == slow.snapshot()
    assert file_bytes(fast) == file_bytes(slow)  # the very same file, byte for byte
    assert fast.get_note("a" * 32).text == "v3" and fast.get_note("e" * 32).text == "second"
    with Store.open(fast.data_dir) as fresh:
        assert fresh.snapshot() == fast.snapshot()


def test_one_write_for_the_whole_batch(pair, monkeypatch) -> None:
    _, fast = pair
    calls = count_replaces(monkeypatch)
    many = [note(f"{i:x}"[-1], slug=f"s{i}") for i in range(16)]
    many += [Note(f"n{i:031d}", "p", "s", "H", f"n{i}", t(1), t(1)) for i in range(500)]
    fast.merge_many(many, [mark(f"m{i}") for i in range(100)])
    assert len(calls) == 1
    assert len(fast.notes()) == 3 + 16 - 3 + 500  # "a", "b", "c" were known
    assert len(fast.bookmarks()) == 102


def test_nothing_is_written_when_everything_is_skipped(pair, monkeypatch) -> None:
    _, fast = pair
    before = file_bytes(fast)
    calls = count_replaces(monkeypatch)
    assert fast.merge_many(SEED_NOTES, SEED_MARKS) == (["skipped"] * 3, ["skipped"] * 2)
    assert fast.merge_many([], []) == ([], [])
    assert calls == [] and file_bytes(fast) == before


def test_iterables_are_read_once(pair) -> None:
    slow, fast = pair
    expected = one_by_one(slow, BATCH_NOTES, BATCH_MARKS)
    assert fast.merge_many(iter(BATCH_NOTES), (b for b in BATCH_MARKS)) == expected


BAD_NOTES = [
    (replace(note("x"), id=""), ValueError),
    (Note("x" * 32, "p", "s", "H", "t", "yesterday", t(1)), ValueError),
    (replace(note("x"), updated="2024-13-45T99:00:00"), ValueError),
    (replace(note("x"), text="bad \ud800 text"), UnsavableText),
    (replace(note("x"), heading=None), TypeError),
]
BAD_MARKS = [
    (replace(mark("x"), created=5), TypeError),
    (replace(mark("x"), heading="\udfff"), UnsavableText),
    (replace(mark("x"), slug=None), TypeError),
]


@pytest.mark.parametrize(("bad", "error"), BAD_NOTES + BAD_MARKS)
def test_one_bad_record_changes_nothing(pair, monkeypatch, bad, error) -> None:
    slow, fast = pair
    merge_one = slow.merge_note if isinstance(bad, Note) else slow.merge_bookmark
    with pytest.raises(error) as one:
        merge_one(bad)
    before, snapshot = file_bytes(fast), fast.snapshot()
    calls = count_replaces(monkeypatch)
    notes, marks = list(BATCH_NOTES), list(BATCH_MARKS)
    (notes if isinstance(bad, Note) else marks).append(bad)  # last: everything before it is fine
    with pytest.raises(error) as many:
        fast.merge_many(notes, marks)
    assert str(many.value) == str(one.value)  # the same message as the one-by-one path
    assert calls == [] and file_bytes(fast) == before and fast.snapshot() == snapshot


def test_read_only_store_refuses_the_batch(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    seeded(data_dir).close()
    raw = json.loads((data_dir / DB_NAME).read_text())
    raw["meta"]["1"]["schema"] = 99  # from a newer ldn-tui: read-only
    (data_dir / DB_NAME).write_text(json.dumps(raw))
    before = (data_dir / DB_NAME).read_bytes()
    with Store.open(data_dir) as store:
        assert store.read_only
        with pytest.raises(StoreReadOnly):
            store.merge_many(BATCH_NOTES, BATCH_MARKS)
    assert (data_dir / DB_NAME).read_bytes() == before


def test_a_failed_write_leaves_file_and_cache_as_they_were(pair, monkeypatch) -> None:
    _, fast = pair
    before, snapshot = file_bytes(fast), fast.snapshot()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_mod.os, "replace", fail)
    with pytest.raises(StoreError, match="No space left"):
        fast.merge_many(BATCH_NOTES, BATCH_MARKS)
    monkeypatch.undo()
    assert file_bytes(fast) == before and fast.snapshot() == snapshot
    assert [p.name for p in fast.data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_later_edits_after_a_batch_reach_the_file(pair) -> None:
    """The batch hands the storage new document objects; the serialiser's
    per-document cache must still see every later in-place edit."""
    _, fast = pair
    fast.merge_many(BATCH_NOTES, BATCH_MARKS)
    edit_note(fast, "a" * 32, "edited after the batch")
    fast.merge_note(note("e", "merged after", updated=9))
    later = replace(note("a", "batch again"), updated="2999-01-01T00:00:00.000000+00:00")
    assert fast.merge_many([later], []) == (["updated"], [])  # newer than the edit's "now"
    edit_note(fast, "d" * 32, "and once more")
    with Store.open(fast.data_dir) as fresh:
        assert fresh.snapshot() == fast.snapshot()
        assert fresh.get_note("a" * 32).text == "batch again"
        assert fresh.get_note("d" * 32).text == "and once more"


def test_an_id_held_twice_in_the_file_is_handled_like_merge_note(tmp_path: Path) -> None:
    """A hand-edited file may hold one id twice: the open gives the later copy
    (in file order) an id of its own (F32: an edit of one used to overwrite
    both); merge_note and the batch then update the first copy only."""
    raw = {
        "meta": {"1": {"schema": 1}},
        "notes": {"5": note("a", "v1", updated=2).__dict__, "2": note("a", "v9", updated=9).__dict__},
    }
    stores = []
    for name in ("slow", "fast"):
        (tmp_path / name).mkdir(mode=0o700)
        (tmp_path / name / DB_NAME).write_text(json.dumps(raw), encoding="utf-8")
        stores.append(Store.open(tmp_path / name))
    slow, fast = stores
    batch = [note("a", "v5", updated=5)]
    assert fast.merge_many(batch, []) == one_by_one(slow, batch, []) == (["updated"], [])
    for store in stores:
        assert sorted((n.id == "a" * 32, n.text) for n in store.notes()) == [(False, "v9"), (True, "v5")]
        assert "1 of 2 notes shared an id" in store.warning
    assert file_bytes(fast) == file_bytes(slow)
    slow.close()
    fast.close()


# --------------------------------------------------------------------------
# Any start, any batch: the same outcomes and the same file
# --------------------------------------------------------------------------

_letters = st.sampled_from("abcd")
_notes = st.builds(
    lambda letter, text, created, updated: Note(letter * 32, "p", "s", "H", text, t(created), t(max(created, updated))),
    _letters,
    st.sampled_from(["x", "y", ""]),
    st.integers(1, 3),
    st.integers(1, 4),
)
_marks = st.builds(
    lambda slug, heading, created: mark(slug, heading, created),
    st.sampled_from("uvw"),
    st.sampled_from(["H", "I"]),
    st.integers(1, 3),
)
#: document keys as a hand-edited file may have them (gaps, a leading zero)
_keys = st.lists(st.sampled_from(["1", "2", "3", "5", "9", "10", "07"]), unique=True, max_size=5)


def _table(keys: list[str], docs: list[dict]) -> dict:
    return dict(zip(keys, docs))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start_notes=st.lists(_notes, max_size=5), note_keys=_keys,
    start_marks=st.lists(_marks, max_size=5), mark_keys=_keys,
    batch_notes=st.lists(_notes, max_size=8), batch_marks=st.lists(_marks, max_size=5),
)  # fmt: skip
def test_any_batch_matches_one_by_one(
    tmp_path: Path, start_notes, note_keys, start_marks, mark_keys, batch_notes, batch_marks
) -> None:
    """Starting from any file -- even one holding an id twice (which the open
    repairs, F32), or odd keys -- the batch says and writes exactly what the
    one-by-one path does."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    raw = {
        "meta": {"1": {"schema": 1}},
        "notes": _table(note_keys, [n.__dict__.copy() for n in start_notes]),
        "bookmarks": _table(mark_keys, [b.__dict__.copy() for b in start_marks]),
    }
    stores = []
    for name in ("slow", "fast"):
        (root / name).mkdir(mode=0o700)
        (root / name / DB_NAME).write_text(json.dumps(raw), encoding="utf-8")
        stores.append(Store.open(root / name))
    slow, fast = stores
    try:
        held = [n.id for n in start_notes[: len(note_keys)]]
        for store in stores:
            if len(set(held)) < len(held):
                assert "shared an id with another note" in store.warning
            else:
                assert store.warning is None
        assert fast.merge_many(batch_notes, batch_marks) == one_by_one(slow, batch_notes, batch_marks)
        assert file_bytes(fast) == file_bytes(slow)
        assert fast.snapshot() == slow.snapshot()
    finally:
        slow.close()
        fast.close()
