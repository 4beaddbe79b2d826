"""Unit tests for the reader's data store (ldn_tui.notes.store and the modules under it:
store_session, store_records, store_format, storage)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import edit_note
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ldn_tui.notes import DB_NAME, Store, StoreBusy, StoreError, StoreReadOnly, UnsavableText
from ldn_tui.notes import file_format as format_mod
from ldn_tui.notes import session as session_mod
from ldn_tui.notes import storage as storage_mod
from ldn_tui.notes.models import AppState, Bookmark, Note
from ldn_tui.notes.session import LOCK_NAME

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
IS_ROOT = os.geteuid() == 0


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path):
    with Store.open(data_dir) as s:
        yield s


def raw(data_dir: Path) -> dict:
    return json.loads((data_dir / DB_NAME).read_bytes().decode("utf-8"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backups(data_dir: Path, kind: str = "damaged") -> list[Path]:
    return sorted(data_dir.glob(f"{DB_NAME}.{kind}-*"))


# --------------------------------------------------------------------------
# Opening, files, permissions
# --------------------------------------------------------------------------


def test_open_creates_private_files_with_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "a" / "data"
    old = os.umask(0)  # modes must not depend on the umask
    try:
        s = Store.open(data_dir)
        s.add_note("p", "s", "H", "x")
    finally:
        os.umask(old)
    assert not s.read_only and s.warning is None
    assert s.path == data_dir / DB_NAME
    assert raw(data_dir)["meta"] == {"1": {"schema": 1}}
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DB_NAME) == 0o600
    assert mode(data_dir / LOCK_NAME) == 0o600
    s.close()


def test_existing_loose_modes_are_tightened(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    Store.open(data_dir).close()
    (data_dir / DB_NAME).chmod(0o644)
    with Store.open(data_dir) as s:
        s.add_note("p", "s", "H", "x")
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DB_NAME) == 0o600


def test_foreign_directory_mode_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "someone-elses.txt").write_text("hi")
    os.chmod(tmp_path, 0o755)
    Store.open(tmp_path).close()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / DB_NAME) == 0o600


def test_reopen_keeps_everything(data_dir: Path) -> None:
    with Store.open(data_dir) as s:
        note = s.add_note("dosing", "start", "Starting dose", "1.5 mg")
        s.toggle_bookmark("dosing", "start", "Starting dose")
        s.set_state(last_pane="dosing", theme="nord")
    with Store.open(data_dir) as s:
        assert s.warning is None
        assert s.notes() == [note]
        assert [b.slug for b in s.bookmarks()] == ["start"]
        assert s.state().last_pane == "dosing" and s.state().theme == "nord"


def test_closed_store_raises_plain_error(data_dir: Path) -> None:
    s = Store.open(data_dir)
    s.close()
    s.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        s.notes()


def test_store_module_does_not_import_textual() -> None:
    code = "import sys, ldn_tui.notes.store, ldn_tui.notes.storage; print('textual' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# Bookmarks
# --------------------------------------------------------------------------


def test_toggle_and_query_bookmarks(store: Store) -> None:
    assert store.bookmarks() == []
    assert store.toggle_bookmark("p1", "a", "Heading A") is True
    assert store.toggle_bookmark("p2", "b", "Heading B") is True
    assert store.toggle_bookmark("p1", "c", "Heading C") is True
    assert store.is_bookmarked("p1", "a") and not store.is_bookmarked("p2", "a")
    marks = store.bookmarks()
    assert [(b.pane_id, b.slug, b.heading) for b in marks] == [
        ("p1", "a", "Heading A"),
        ("p2", "b", "Heading B"),
        ("p1", "c", "Heading C"),
    ]
    assert all(isinstance(b, Bookmark) and ISO_UTC.match(b.created) for b in marks)
    assert store.toggle_bookmark("p1", "a", "Heading A") is False
    assert not store.is_bookmarked("p1", "a")
    assert [b.slug for b in store.bookmarks()] == ["b", "c"]


def test_bookmarks_are_in_creation_order_even_when_merged(store: Store) -> None:
    store.toggle_bookmark("p", "new", "New")
    old = Bookmark("p", "old", "Old", "2020-01-01T00:00:00.000000+00:00")
    assert store.merge_bookmark(old) == "added"
    assert [b.slug for b in store.bookmarks()] == ["old", "new"]


def test_merge_bookmark(store: Store) -> None:
    b = Bookmark("p", "a", "A", "2024-05-01T10:00:00.000000+00:00")
    assert store.merge_bookmark(b) == "added"
    assert store.merge_bookmark(b) == "skipped"
    assert store.merge_bookmark(replace(b, heading="Renamed")) == "skipped"
    assert store.bookmarks() == [b]


# --------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------


def test_add_get_and_list_notes(store: Store) -> None:
    a = store.add_note("p1", "s1", "First", "one")
    b = store.add_note("p2", "s2", "Second", "two")
    c = store.add_note("p1", "s3", "Third", "three")
    assert isinstance(a, Note)
    assert re.fullmatch(r"[0-9a-f]{32}", a.id) and len({a.id, b.id, c.id}) == 3
    assert ISO_UTC.match(a.created) and a.updated == a.created
    assert store.notes() == [a, b, c]
    assert store.notes("p1") == [a, c]
    assert store.notes("nope") == []
    assert store.get_note(b.id) == b
    assert store.get_note("0" * 32) is None


def test_save_edit_updates_a_note(store: Store) -> None:
    note = store.add_note("p", "s", "H", "before")
    updated = edit_note(store, note.id, "after")
    assert updated.text == "after" and updated.id == note.id
    assert updated.created == note.created and updated.updated > note.updated
    assert ISO_UTC.match(updated.updated)
    assert store.get_note(note.id) == updated
    assert edit_note(store, note.id, "after") == updated  # no change, no new time


def test_an_edit_is_monotonic_even_if_the_clock_steps_back(store: Store) -> None:
    future = Note("f" * 32, "p", "s", "H", "t", "2999-01-01T00:00:00.000000+00:00", "2999-01-01T00:00:00.000000+00:00")
    store.merge_note(future)
    assert edit_note(store, future.id, "new").updated == "2999-01-01T00:00:00.000001+00:00"


def test_delete_note(store: Store) -> None:
    a = store.add_note("p", "s", "H", "a")
    b = store.add_note("p", "s", "H", "b")
    assert store.delete_note(a.id) is True
    assert store.delete_note(a.id) is False
    assert store.notes() == [b]


def test_merge_note(store: Store) -> None:
    base = Note("a" * 32, "p", "s", "H", "v1", "2024-01-01T00:00:00.000000+00:00", "2024-01-02T00:00:00.000000+00:00")
    assert store.merge_note(base) == "added"
    assert store.merge_note(base) == "skipped"
    newer = replace(base, text="v2", updated="2024-01-03T00:00:00.000000+00:00")
    assert store.merge_note(newer) == "updated"
    assert store.get_note(base.id) == newer
    older = replace(base, text="v0", updated="2023-12-31T00:00:00.000000+00:00")
    assert store.merge_note(older) == "skipped"
    same_time = replace(newer, text="conflict")
    assert store.merge_note(same_time) == "skipped"
    assert store.get_note(base.id) == newer
    assert store.notes() == [newer]


def test_merge_note_rejects_bad_input(store: Store) -> None:
    with pytest.raises(ValueError):
        store.merge_note(Note("", "p", "s", "H", "t", "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"))
    with pytest.raises(ValueError):
        store.merge_note(Note("b" * 32, "p", "s", "H", "t", "yesterday", "today"))
    assert store.notes() == []


@pytest.mark.parametrize("bad", ["\ud800", "ok \udc80 then", "\udfff"])
def test_lone_surrogates_are_refused_and_nothing_is_saved(store: Store, bad: str) -> None:
    before = (store.path).read_bytes()
    with pytest.raises(UnsavableText, match=r"U\+D[89A-F][0-9A-F]{2}.*cannot be saved|cannot be saved.*U\+D"):
        store.add_note("p", "s", "H", bad)
    note = store.add_note("p", "s", "H", "fine")
    with pytest.raises(UnsavableText):
        edit_note(store, note.id, bad)
    with pytest.raises(UnsavableText):
        store.toggle_bookmark("p", "s", bad)
    assert store.get_note(note.id).text == "fine"
    assert store.bookmarks() == []
    assert before != store.path.read_bytes()  # the good note was written
    raw_bytes = store.path.read_bytes()
    raw_bytes.decode("utf-8")  # still strict UTF-8


def test_lone_surrogate_already_in_the_file_is_kept(data_dir: Path) -> None:
    data_dir.mkdir()
    note = dict(GOOD_NOTE, text="half \ud83d of an emoji")
    (data_dir / DB_NAME).write_text(json.dumps({"meta": {"1": {"schema": 1}}, "notes": {"1": note}}))
    with Store.open(data_dir) as s:
        assert s.warning is None
        assert s.notes()[0].text == "half \ud83d of an emoji"
        s.add_note("p", "s", "H", "new 🙂")  # writing must not fail
    with Store.open(data_dir) as s:
        assert [n.text for n in s.notes()] == ["half \ud83d of an emoji", "new 🙂"]
    (data_dir / DB_NAME).read_bytes().decode("utf-8")


def test_wrong_types_are_refused(store: Store) -> None:
    with pytest.raises(TypeError):
        store.add_note("p", "s", "H", 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.toggle_bookmark("p", None, "H")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# App state
# --------------------------------------------------------------------------


def test_state_defaults_and_changes(store: Store) -> None:
    assert store.state() == AppState()
    st1 = store.set_state(last_pane="dosing", last_slug="start", scroll_y=12.7, theme="nord", notice_seen=True)
    assert st1 == AppState("dosing", "start", 12, "nord", True)
    assert store.state() == st1
    st2 = store.set_state(theme=None, pane_width=30)
    assert st2.theme is None and st2.last_pane == "dosing" and st2.extra == {"pane_width": 30}
    assert store.state().extra == {"pane_width": 30}
    store.set_state(extra={"history": ["a", "b"]})
    assert store.state().extra == {"pane_width": 30, "history": ["a", "b"]}


def test_state_extra_is_a_copy_both_ways(store: Store, data_dir: Path) -> None:
    mine = ["a"]
    store.set_state(history=mine)
    mine.append("changed by the caller later")
    store.state().extra["history"].append("mutated")
    assert store.state().extra == {"history": ["a"]}
    store.set_state(theme="x")  # a later write must not pick up either change
    assert raw(data_dir)["state"]["1"]["history"] == ["a"]


@pytest.mark.parametrize(
    "changes",
    [{"scroll_y": "3"}, {"scroll_y": True}, {"scroll_y": float("nan")}, {"notice_seen": 1},
     {"last_slug": None}, {"theme": 3}, {"whatever": object()}, {"whatever": float("inf")},
     {"whatever": float("nan")}, {"whatever": {1: 2}.keys()}, {"theme": "\ud800"}],
)  # fmt: skip
def test_state_type_errors(store: Store, changes: dict) -> None:
    with pytest.raises((TypeError, UnsavableText)):
        store.set_state(**changes)
    assert store.state() == AppState()


# --------------------------------------------------------------------------
# Snapshot
# --------------------------------------------------------------------------


def test_snapshot(store: Store) -> None:
    n = store.add_note("p", "s", "H", "t")
    store.toggle_bookmark("p", "s", "H")
    store.set_state(last_pane="p")
    marks, notes, state = store.snapshot()
    assert [b.slug for b in marks] == ["s"] and notes == [n] and state.last_pane == "p"


# --------------------------------------------------------------------------
# Damaged files
# --------------------------------------------------------------------------

GOOD_NOTE = {"id": "c" * 32, "pane_id": "p", "slug": "s", "heading": "H", "text": "keep me",
             "created": "2024-01-01T00:00:00.000000+00:00", "updated": "2024-01-01T00:00:00.000000+00:00"}  # fmt: skip
GOOD = json.dumps({"meta": {"1": {"schema": 1}}, "notes": {"1": GOOD_NOTE}}).encode()

DAMAGED = {
    "empty": b"",
    "whitespace": b"  \n",
    "truncated": GOOD[: len(GOOD) // 2],
    "not-json": b"this is not json {",
    "not-utf8": b'{"meta": "\xff\xfe"}',
    "a-list": b"[1, 2, 3]",
    "a-string": b'"hello"',
    "null": b"null",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "notes-is-a-list": b'{"meta": {"1": {"schema": 1}}, "notes": [1, 2]}',
    "meta-is-a-string": b'{"meta": "one", "notes": {}}',
    "schema-is-a-string": b'{"meta": {"1": {"schema": "1"}}}',
    "bookmark-of-wrong-type": b'{"meta": {"1": {"schema": 1}}, "bookmarks": {"1": 5}}',
    "note-key-not-a-number": b'{"meta": {"1": {"schema": 1}}, "notes": {"x": {}}}',
    "state-wrong-types": b'{"meta": {"1": {"schema": 1}}, "state": {"1": {"scroll_y": "far"}}}',
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_file_is_kept_aside_and_a_fresh_store_starts(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(content)
    with Store.open(data_dir) as s:
        assert not s.read_only
        (backup,) = backups(data_dir)
        assert backup.read_bytes() == content
        assert mode(backup) == 0o600
        assert s.warning is not None
        assert str(backup) in s.warning and "damaged" in s.warning
        assert raw(data_dir)["meta"] == {"1": {"schema": 1}}
        note = s.add_note("p", "s", "H", "after")
    with Store.open(data_dir) as s:
        assert s.warning is None
        assert note in s.notes()


def test_damaged_records_are_dropped_but_good_ones_carried_over(data_dir: Path) -> None:
    data_dir.mkdir()
    bad = dict(GOOD_NOTE, id="d" * 32, text=None)
    content = json.dumps({
        "meta": {"1": {"schema": 1}},
        "notes": {"1": GOOD_NOTE, "2": bad, "3": "junk"},
        "bookmarks": {"1": {"pane_id": "p", "slug": "s", "heading": "H", "created": "2024-01-01T00:00:00+00:00"}},
        "state": {"1": {"theme": "nord", "scroll_y": "x"}},
    }).encode()  # fmt: skip
    (data_dir / DB_NAME).write_bytes(content)
    with Store.open(data_dir) as s:
        (backup,) = backups(data_dir)
        assert backup.read_bytes() == content
        assert str(backup) in s.warning and "1 note and 1 bookmark that could still be read" in s.warning
        assert [n.id for n in s.notes()] == [GOOD_NOTE["id"]]
        assert len(s.bookmarks()) == 1
        assert s.state().theme == "nord" and s.state().scroll_y == 0


def test_byte_order_mark_from_an_editor_is_not_damage(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(b"\xef\xbb\xbf" + GOOD)
    with Store.open(data_dir) as s:
        assert s.warning is None and [n.text for n in s.notes()] == ["keep me"]


_field_values = st.one_of(st.text(max_size=3), st.none(), st.integers(), st.booleans(), st.lists(st.text(), max_size=1))
_records = st.dictionaries(
    st.one_of(st.from_regex(r"\A[0-9]{1,3}\Z"), st.text(max_size=3)),
    st.one_of(
        st.fixed_dictionaries({f: st.text(max_size=3) for f in format_mod.BOOKMARK_FIELDS}),
        st.dictionaries(st.sampled_from(format_mod.BOOKMARK_FIELDS), _field_values),
        _field_values,
    ),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(table=_records)
def test_fast_record_check_agrees_with_the_plain_one(table: dict) -> None:
    fields = format_mod.BOOKMARK_FIELDS
    expected = {
        k: d for k, d in table.items()
        if k.isdigit() and k.isascii() and type(d) is dict and all(type(d.get(f)) is str for f in fields)
    }  # fmt: skip
    problems: list[str] = []
    assert format_mod._check_records("bookmarks", table, fields, problems) == expected
    assert bool(problems) == (len(expected) != len(table))


def test_backup_names_are_unique(data_dir: Path) -> None:
    data_dir.mkdir()
    for _ in range(3):
        (data_dir / DB_NAME).write_bytes(b"garbage")
        Store.open(data_dir).close()
    assert len(backups(data_dir)) == 3


def test_damage_during_a_session_is_repaired_from_what_was_read(store: Store, data_dir: Path) -> None:
    note = store.add_note("p", "s", "H", "precious")
    store.path.write_bytes(b'{"meta": {"1": {"sch')  # someone else truncates it
    marks = store.bookmarks()  # next operation notices
    assert marks == []
    assert store.get_note(note.id) == note
    (backup,) = backups(data_dir)
    assert backup.read_bytes() == b'{"meta": {"1": {"sch'
    assert str(backup) in store.warning
    assert raw(data_dir)["notes"]["1"]["text"] == "precious"


def test_unbackupable_damage_goes_read_only_and_touches_nothing(data_dir: Path, monkeypatch) -> None:
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(b"garbage")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_mod, "write_atomic", no_space)
    with Store.open(data_dir) as s:
        assert s.read_only and "could not be backed up" in s.warning
        assert s.notes() == []
        with pytest.raises(StoreReadOnly):
            s.add_note("p", "s", "H", "x")
    assert (data_dir / DB_NAME).read_bytes() == b"garbage"


# --------------------------------------------------------------------------
# Schema versions
# --------------------------------------------------------------------------


def test_newer_schema_opens_read_only_and_untouched(data_dir: Path) -> None:
    data_dir.mkdir()
    content = json.dumps({"meta": {"1": {"schema": 99}}, "notes": {"1": GOOD_NOTE}, "future": {"1": {"x": 1}}}).encode()
    path = data_dir / DB_NAME
    path.write_bytes(content)
    os.chmod(path, 0o644)
    before = path.stat()
    with Store.open(data_dir) as s:
        assert s.read_only
        assert "newer version" in s.warning and "99" in s.warning
        assert [n.text for n in s.notes()] == ["keep me"]  # still readable
        for write in (
            lambda: s.add_note("p", "s", "H", "x"),
            lambda: s.toggle_bookmark("p", "s", "H"),
            lambda: s.set_state(theme="x"),
            lambda: s.delete_note(GOOD_NOTE["id"]),
        ):
            with pytest.raises(StoreReadOnly, match="not saved"):
                write()
    after = path.stat()
    assert path.read_bytes() == content
    assert (after.st_ino, after.st_mtime_ns, stat.S_IMODE(after.st_mode)) == (before.st_ino, before.st_mtime_ns, 0o644)
    assert backups(data_dir) == [] and backups(data_dir, "schema*") == []


def test_newer_schema_written_during_a_session_stops_writes(store: Store) -> None:
    store.add_note("p", "s", "H", "x")
    store.path.write_text(json.dumps({"meta": {"1": {"schema": 2}}}))
    with pytest.raises(StoreReadOnly):
        store.add_note("p", "s", "H", "y")
    assert store.read_only and "newer version" in store.warning
    assert json.loads(store.path.read_text()) == {"meta": {"1": {"schema": 2}}}


def test_version_0_file_is_migrated(data_dir: Path) -> None:
    data_dir.mkdir()
    v0_note = {k: v for k, v in GOOD_NOTE.items() if k != "updated"}
    content = json.dumps({"notes": {"1": v0_note}, "bookmarks": {}}).encode()
    (data_dir / DB_NAME).write_bytes(content)
    with Store.open(data_dir) as s:
        assert s.warning is None and not s.read_only
        (note,) = s.notes()
        assert note.updated == note.created == GOOD_NOTE["created"]
    on_disk = raw(data_dir)
    assert on_disk["meta"] == {"1": {"schema": 1}}
    assert on_disk["notes"]["1"]["updated"] == GOOD_NOTE["created"]
    (backup,) = backups(data_dir, "schema0")
    assert backup.read_bytes() == content and mode(backup) == 0o600


def test_migrations_chain_step_by_step(data_dir: Path, monkeypatch) -> None:
    seen = []

    def v1_to_v2(raw_dict: dict) -> dict:
        seen.append(raw_dict["meta"]["1"]["schema"])
        for doc in raw_dict.get("notes", {}).values():
            doc["text"] = doc["text"].upper()
        return raw_dict

    monkeypatch.setattr(format_mod, "STORE_SCHEMA_VERSION", 2)
    monkeypatch.setitem(format_mod.MIGRATIONS, 1, v1_to_v2)
    data_dir.mkdir()
    v0_note = {k: v for k, v in GOOD_NOTE.items() if k != "updated"}
    (data_dir / DB_NAME).write_text(json.dumps({"notes": {"1": v0_note}}))
    with Store.open(data_dir) as s:
        assert s.notes()[0].text == "KEEP ME"
    assert seen == [1]
    assert raw(data_dir)["meta"] == {"1": {"schema": 2}}


# --------------------------------------------------------------------------
# Read-only sessions
# --------------------------------------------------------------------------


def _assert_read_only_session(s: Store, words: str) -> None:
    assert s.read_only
    assert s.warning and words in s.warning
    assert s.notes() == [] and s.bookmarks() == [] and s.state() == AppState()
    with pytest.raises(StoreReadOnly, match="not saved"):
        s.add_note("p", "s", "H", "x")
    with pytest.raises(StoreReadOnly):
        s.set_state(theme="x")


def test_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a directory")
    data_dir = tmp_path / "afile" / "data"
    with Store.open(data_dir) as s:
        _assert_read_only_session(s, str(data_dir))
        assert "could not be created" in s.warning


def test_unwritable_data_dir(tmp_path: Path) -> None:
    if IS_ROOT:
        # chmod does not stop root: simulate with a folder that cannot exist
        (tmp_path / "afile").write_text("")
        data_dir = tmp_path / "afile" / "data"
    else:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        os.chmod(data_dir, 0o500)
    try:
        with Store.open(data_dir) as s:
            _assert_read_only_session(s, str(data_dir))
    finally:
        if not IS_ROOT:
            os.chmod(data_dir, 0o700)


def test_unwritable_data_dir_with_existing_notes_is_readable(data_dir: Path, monkeypatch) -> None:
    with Store.open(data_dir) as s:
        note = s.add_note("p", "s", "H", "still readable")
    before = (data_dir / DB_NAME).read_bytes()

    def denied(self):
        raise PermissionError(13, "Permission denied")

    if IS_ROOT:
        monkeypatch.setattr(Store, "_probe_writable", denied)
    else:
        os.chmod(data_dir, 0o500)
    try:
        with Store.open(data_dir) as s:
            assert s.read_only and "cannot be written to" in s.warning and "Permission denied" in s.warning
            assert s.notes() == [note]
            with pytest.raises(StoreReadOnly):
                s.delete_note(note.id)
    finally:
        os.chmod(data_dir, 0o700)
    assert (data_dir / DB_NAME).read_bytes() == before


def test_read_only_notes_file(data_dir: Path, monkeypatch) -> None:
    with Store.open(data_dir) as s:
        note = s.add_note("p", "s", "H", "x")
    path = data_dir / DB_NAME
    os.chmod(path, 0o400)
    if IS_ROOT:  # root may write anything; pretend the permission bits count
        real_access = os.access
        monkeypatch.setattr(session_mod.os, "access", lambda p, m: False if Path(p) == path else real_access(p, m))
    with Store.open(data_dir) as s:
        assert s.read_only and "read-only" in s.warning
        assert s.notes() == [note]
        with pytest.raises(StoreReadOnly):
            s.add_note("p", "s", "H", "y")
    assert mode(path) == 0o400


def test_unreadable_notes_file_opens_read_only_and_untouched(data_dir: Path, monkeypatch) -> None:
    with Store.open(data_dir) as s:
        s.add_note("p", "s", "H", "x")
    before = (data_dir / DB_NAME).read_bytes()

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self.path))

    monkeypatch.setattr(storage_mod.AtomicJSONStorage, "read", denied)
    with Store.open(data_dir) as s:
        assert s.read_only and "could not be read (Permission denied)" in s.warning
        with pytest.raises(StoreReadOnly):
            s.add_note("p", "s", "H", "y")
    assert (data_dir / DB_NAME).read_bytes() == before
    assert backups(data_dir) == []


def test_lock_held_through_open_defers_the_open_until_it_is_released(data_dir: Path, monkeypatch) -> None:
    """F27: it used to pin an empty read-only session for the whole run."""
    import fcntl

    with Store.open(data_dir) as s:
        note = s.add_note("p", "s", "H", "kept")
    monkeypatch.setattr(session_mod, "LOCK_TIMEOUT", 0.05)
    monkeypatch.setattr(session_mod, "OPEN_LOCK_TIMEOUT", 0.05)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        s = Store.open(data_dir)
        assert not s.read_only and "busy: another ldn-tui kept it locked" in s.warning
        assert s.notes() == [] and s.state() == AppState()  # nothing yet, without waiting
        with pytest.raises(StoreBusy):
            s.add_note("p", "s", "H", "new")
        with pytest.raises(StoreBusy):
            s.snapshot()  # an export is never silently empty
    finally:
        os.close(fd)  # released
    with s:
        assert s.notes() == [note]
        assert s.warning is None
        s.add_note("p", "s", "H", "new")
        assert [n.text for n in s.notes()] == ["kept", "new"]


def test_open_never_raises_even_on_unexpected_errors(data_dir: Path, monkeypatch) -> None:
    def boom(self):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(Store, "_make_dir", boom)
    with Store.open(data_dir) as s:
        assert s.read_only and "unexpected" in s.warning
        assert s.notes() == []


# --------------------------------------------------------------------------
# Atomic writes, caching, locking
# --------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["fsync", "replace", "write"])
def test_failed_write_leaves_old_file_and_no_temp(store: Store, data_dir: Path, monkeypatch, step: str) -> None:
    kept = store.add_note("p", "s", "H", "kept")
    before = store.path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_mod.os, step, fail)
    with pytest.raises(StoreError, match="No space left on device") as info:
        store.add_note("p", "s", "H", "lost")
    assert not isinstance(info.value, StoreReadOnly)
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert store.notes() == [kept]  # the cache was not left holding the failed note
    store.add_note("p", "s", "H", "works again")
    assert len(store.notes()) == 2


def test_failed_update_does_not_poison_the_cache(store: Store, monkeypatch) -> None:
    note = store.add_note("p", "s", "H", "original")
    monkeypatch.setattr(storage_mod.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(StoreError):
        edit_note(store, note.id, "changed")
    monkeypatch.undo()
    assert store.get_note(note.id).text == "original"


def test_stale_temp_files_are_removed_on_open(data_dir: Path) -> None:
    Store.open(data_dir).close()
    stale = data_dir / ".ldn-tui.json.abc123.tmp"
    stale.write_text("half a write")
    other = data_dir / "notes-export.tmp"
    other.write_text("not ours")
    Store.open(data_dir).close()
    assert not stale.exists() and other.exists()


def test_two_instances_see_each_others_writes(data_dir: Path) -> None:
    a, b = Store.open(data_dir), Store.open(data_dir)
    na = a.add_note("p", "s", "H", "from a")
    nb = b.add_note("p", "s", "H", "from b")
    assert a.notes() == [na, nb] == b.notes()
    a.toggle_bookmark("p", "s", "H")
    assert b.toggle_bookmark("p", "s", "H") is False  # b sees a's bookmark
    a.set_state(theme="x")
    b.set_state(scroll_y=5)
    assert a.state().theme == "x" and a.state().scroll_y == 5
    b.delete_note(na.id)
    assert a.notes() == [nb]
    # same-size rewrite, within the same clock tick, must still be noticed
    a.set_state(theme="y")
    assert b.state().theme == "y"
    a.close()
    b.close()


def test_busy_lock_gives_plain_error(store: Store, data_dir: Path, monkeypatch) -> None:
    import fcntl

    monkeypatch.setattr(session_mod, "LOCK_TIMEOUT", 0.05)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(StoreBusy, match="busy"):
            store.add_note("p", "s", "H", "x")
    finally:
        os.close(fd)
    store.add_note("p", "s", "H", "x")


def test_threads_share_a_store(store: Store) -> None:
    import threading

    def work(i: int) -> None:
        for j in range(20):
            store.add_note("p", "s", "H", f"{i}-{j}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({n.text for n in store.notes()}) == 80


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
_docs = st.dictionaries(st.text(max_size=4), _json_values, max_size=4)
_edits = st.lists(
    st.tuples(st.sampled_from(["insert", "remove", "edit", "replace", "reread", "new-table"]),
              st.integers(0, 50), _docs),
    max_size=12,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(start=st.dictionaries(st.from_regex(r"\A[1-9][0-9]{0,2}\Z"), _docs, max_size=6), edits=_edits)
def test_serialiser_matches_json_dumps_through_tinydb_like_edits(start: dict, edits: list) -> None:
    """Every write must equal a plain json.dumps, whatever happened before."""
    s = storage_mod.AtomicJSONStorage(Path("/nonexistent"), format_mod.load_tables, format_mod.empty_tables)
    data = {"meta": {"1": {"schema": 1}}, "notes": start}

    def check() -> None:
        assert s.serialise(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    check()
    for op, n, doc in edits:
        notes = dict(data["notes"])  # TinyDB rebuilds the table dict on every write
        keys = list(notes)
        key = keys[n % len(keys)] if keys else None
        if op == "insert":
            notes[str(max(map(int, keys), default=0) + 1)] = doc
        elif op == "remove" and key:
            del notes[key]
        elif op == "edit" and key:  # Table.update: in place, announced
            s.edited("notes", [int(key)])
            notes[key].update(doc)
        elif op == "replace" and key:
            notes[key] = doc
        elif op == "reread":  # another process wrote: all new objects
            notes = json.loads(json.dumps(notes))
        elif op == "new-table":
            data["x" + str(n)] = {"1": doc}
        data["notes"] = notes
        check()


_ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "delete", "toggle", "state", "merge"]),
        st.integers(0, 20),
        st.text(max_size=8),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_what_the_store_says_is_what_is_on_disk(tmp_path: Path, ops: list) -> None:
    """After any sequence of operations a fresh Store reads back the same data.

    Guards the incremental serialiser: an edit it missed would show up as a
    difference between the live store and the file.
    """
    data_dir = Path(tempfile.mkdtemp(dir=tmp_path))
    model_notes: dict[str, str] = {}
    model_marks: set[tuple[str, str]] = set()
    with Store.open(data_dir) as s:
        for op, n, text in ops:
            ids = list(model_notes)
            if op == "add":
                model_notes[s.add_note("p", f"s{n}", "H", text).id] = text
            elif op == "update" and ids:
                note_id = ids[n % len(ids)]
                model_notes[note_id] = edit_note(s, note_id, text).text
            elif op == "delete" and ids:
                note_id = ids[n % len(ids)]
                s.delete_note(note_id)
                del model_notes[note_id]
            elif op == "toggle":
                key = ("p", f"s{n % 3}")
                assert s.toggle_bookmark(*key, text) is (key not in model_marks)
                model_marks ^= {key}
            elif op == "state":
                s.set_state(last_slug=text, scroll_y=n)
            elif op == "merge" and ids:
                current = s.get_note(ids[n % len(ids)])
                later = datetime.fromisoformat(current.updated) + timedelta(seconds=1)
                newer = replace(current, text=text + "!", updated=later.isoformat(timespec="microseconds"))
                assert s.merge_note(newer) == "updated"
                model_notes[current.id] = text + "!"
            live = s.snapshot()
            with Store.open(data_dir) as fresh:
                assert fresh.snapshot() == live
        assert {n.id: n.text for n in live[1]} == model_notes
        assert {(b.pane_id, b.slug) for b in live[0]} == model_marks


# --------------------------------------------------------------------------
# Text is data
# --------------------------------------------------------------------------

TRICKY = ["[bold]x[/]", "[/]", "[@click=app.quit]x[/]", "\x1b[31mred", "\x00\x07\r\n", "שלום", "🙂",
          "", "\u2028\u2029", "\x7f\x85\x9b", "\ufeffBOM", "a\r\nb\rc", '"\\', "\U0010ffff"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text())
@example(text=TRICKY[0])
@example(text=TRICKY[1])
@example(text=TRICKY[2])
@example(text=TRICKY[3])
@example(text=TRICKY[4])
@example(text=TRICKY[5])
@example(text=TRICKY[6])
@example(text="".join(TRICKY))
def test_note_text_round_trips_exactly(tmp_path: Path, text: str) -> None:
    data_dir = Path(tempfile.mkdtemp(dir=tmp_path))
    with Store.open(data_dir) as s:
        note = s.add_note("p", "s", text, text)
    with Store.open(data_dir) as s:
        assert s.warning is None
        (again,) = s.notes()
        assert again.text == text and again.heading == text
        assert again.text.encode("utf-8") == text.encode("utf-8")
        assert again == note
    (data_dir / DB_NAME).read_bytes().decode("utf-8")  # the file is strict UTF-8
