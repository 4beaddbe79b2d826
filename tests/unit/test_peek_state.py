"""peek_state: the saved place for the first frame, read from a big notes
file's two ends (ldn_tui.notes.peek). Whatever the ends say must be what
parsing the whole file says."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_tui.notes import DB_NAME, Store, peek_state
from ldn_tui.notes import peek as peek_mod

GOLDEN = Path(__file__).parent.parent / "golden" / "notes-file.json"
STATE = {"last_pane": "dosing", "last_slug": "protocols", "scroll_y": 7, "notice_seen": True, "theme": "nord"}


def whole_file(path: Path) -> dict | None:
    """What peek_state says when it parses the whole file (the reference)."""
    saved = peek_mod.HEAD, peek_mod.TAIL
    peek_mod.HEAD = peek_mod.TAIL = 1 << 40
    try:
        return peek_state(path)
    finally:
        peek_mod.HEAD, peek_mod.TAIL = saved


@pytest.fixture
def no_whole_parse(monkeypatch):
    """Fail if peek_state falls back to parsing the whole file."""

    def refuse(raw):
        raise AssertionError(f"parsed the whole file ({len(raw)} bytes)")

    monkeypatch.setattr(peek_mod, "_whole", refuse)


def add_notes(store: Store, count: int) -> None:
    for i in range(count):
        store.add_note("studies", "fibromyalgia", "Fibromyalgia", f"note {i} " * 9_000)


def big_store(data_dir: Path, *, state_first: bool) -> Path:
    """A real notes file over HEAD + TAIL bytes; its state table written before
    the first note (it follows ``meta``) or after (it is the last table)."""
    with Store.open(data_dir) as store:
        if state_first:
            store.set_state(**STATE)
        add_notes(store, 4)
        if not state_first:
            store.set_state(**STATE)
    path = data_dir / DB_NAME
    assert path.stat().st_size > peek_mod.HEAD + peek_mod.TAIL
    return path


@pytest.mark.parametrize("state_first", [True, False], ids=["state-after-meta", "state-last"])
def test_a_big_file_is_read_at_its_ends_only(tmp_path, no_whole_parse, state_first):
    path = big_store(tmp_path, state_first=state_first)
    state = peek_state(path)
    assert state is not None and {k: state[k] for k in STATE} == STATE


@pytest.mark.parametrize("state_first", [True, False], ids=["state-after-meta", "state-last"])
def test_the_ends_say_what_the_whole_file_says(tmp_path, state_first):
    path = big_store(tmp_path, state_first=state_first)
    assert peek_state(path) == whole_file(path)


def test_the_golden_file_read_at_its_ends(tmp_path, monkeypatch, no_whole_parse):
    monkeypatch.setattr(peek_mod, "HEAD", 64)
    monkeypatch.setattr(peek_mod, "TAIL", 256)
    path = tmp_path / DB_NAME
    path.write_bytes(GOLDEN.read_bytes())
    assert peek_state(path) == {
        "last_pane": "beta",
        "scroll_y": 12,
        "theme": None,
        "notice_seen": True,
        "last_slug": "details",
    }


def layout(tables: list[tuple[str, object]], separators: tuple[str, str] | None = None, indent=None) -> bytes:
    return json.dumps(dict(tables), separators=separators, indent=indent, ensure_ascii=False).encode("utf-8")


META = ("meta", {"1": {"schema": 1}})
STATE_TABLE = ("state", {"1": {"last_pane": "dosing", "scroll_y": 3}})
EVIL = ',"state":{"1":{"last_pane":"evil"}}}'


def notes_table(count: int, text: str = "x" * 200) -> tuple[str, object]:
    return ("notes", {str(i): {"id": f"{i:032x}", "text": text} for i in range(1, count + 1)})


@pytest.mark.parametrize(
    "name,tables",
    [
        ("state in no table but in a note's text", [META, notes_table(50, EVIL)]),
        (
            "state as a field of the last note",
            [META, ("notes", {**notes_table(50)[1], "99": {"id": "1", "state": {"1": {"last_pane": "evil"}}}})],
        ),
        ("state in the middle", [META, notes_table(50), STATE_TABLE, ("bookmarks", notes_table(50)[1])]),
        ("meta after a big table", [notes_table(50), META, STATE_TABLE]),
        ("no meta", [notes_table(50), STATE_TABLE]),
        ("an old schema", [("meta", {"1": {"schema": 0}}), notes_table(50), STATE_TABLE]),
        ("state last", [META, notes_table(50), STATE_TABLE]),
        ("state first", [STATE_TABLE, META, notes_table(50)]),
        ("a key that ends in state", [META, notes_table(50), ('x"state', STATE_TABLE[1])]),
    ],
)
@pytest.mark.parametrize("spacing", ["compact", "tinydb", "indented"])
def test_odd_layouts_read_at_the_ends_as_whole(tmp_path, monkeypatch, name, tables, spacing):
    raw = {
        "compact": layout(tables, (",", ":")),
        "tinydb": layout(tables),
        "indented": layout(tables, indent=2),
    }[spacing]
    path = tmp_path / DB_NAME
    path.write_bytes(raw)
    expected = whole_file(path)
    monkeypatch.setattr(peek_mod, "HEAD", 128)
    monkeypatch.setattr(peek_mod, "TAIL", 256)
    assert peek_state(path) == expected, name
    if "evil" in raw.decode():
        assert expected is None or expected.get("last_pane") != "evil"


def test_a_byte_order_mark_and_characters_cut_by_the_head(tmp_path, monkeypatch):
    state = {"last_pane": "dosing", "last_slug": "é" * 100}
    raw = b"\xef\xbb\xbf" + layout([META, ("state", {"1": state}), notes_table(50, "ü" * 99)], (",", ":"))
    path = tmp_path / DB_NAME
    path.write_bytes(raw)
    monkeypatch.setattr(peek_mod, "TAIL", 256)
    state_ends = raw.index(b',"notes"')
    for head in range(40, state_ends + 40):  # cuts inside é (two bytes) and ü
        monkeypatch.setattr(peek_mod, "HEAD", head)
        assert peek_state(path) == state, head
    monkeypatch.setattr(peek_mod, "_whole", None)  # the head alone answers
    assert peek_state(path) == state


def test_a_truncated_big_file_is_none(tmp_path):
    path = big_store(tmp_path, state_first=False)
    raw = path.read_bytes()
    path.write_bytes(raw[:-1])
    assert peek_state(path) is None


def test_no_file_a_directory_or_a_pipe_is_none_at_once(tmp_path):
    assert peek_state(tmp_path / "missing.json") is None
    assert peek_state(tmp_path) is None
    fifo = tmp_path / DB_NAME
    os.mkfifo(fifo)
    assert peek_state(fifo) is None  # no writer: a blocking open would hang


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    [EVIL, '"state":{', "}}}", '\\",\\"state\\":{', "é" * 30]
)
_doc = st.dictionaries(
    st.sampled_from(["id", "text", "state", "heading", "x"]),
    _text | st.integers() | st.fixed_dictionaries({"1": st.fixed_dictionaries({"last_pane": _text})}),
    max_size=4,
)
_table = st.dictionaries(st.integers(1, 99).map(str), _doc, max_size=8)
_state = st.dictionaries(
    st.just("1"),
    st.fixed_dictionaries({"last_pane": _text}, optional={"scroll_y": st.integers(-5, 10**6), "theme": _text}),
    min_size=1,
    max_size=1,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.permutations(["meta", "state", "notes", "bookmarks", "other"]),
    drop=st.sets(st.sampled_from(["meta", "state", "other"])),
    notes=_table,
    bookmarks=_table,
    state=_state,
    spacing=st.sampled_from([(",", ":"), (", ", ": "), None]),
    head=st.integers(8, 160),
    tail=st.integers(8, 160),
)
def test_any_layout_read_at_its_ends_says_what_the_whole_file_says(
    tmp_path_factory, names, drop, notes, bookmarks, state, spacing, head, tail
):
    values = {"meta": META[1], "state": state, "notes": notes, "bookmarks": bookmarks, "other": {"1": {"a": EVIL}}}
    tables = [(name, values[name]) for name in names if name not in drop]
    path = tmp_path_factory.mktemp("peek") / DB_NAME
    path.write_bytes(layout(tables, spacing if spacing else None, indent=None if spacing else 1))
    expected = whole_file(path)
    saved = peek_mod.HEAD, peek_mod.TAIL
    peek_mod.HEAD, peek_mod.TAIL = head, tail
    try:
        assert peek_state(path) == expected
    finally:
        peek_mod.HEAD, peek_mod.TAIL = saved
