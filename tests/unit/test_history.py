"""Back/forward history: a browser-like list of places with a cursor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldn_tui.tui.navigation import History, Location

A, B, C, D = (Location(p) for p in ("a", "b", "c", "d"))


def visited(*locations: Location, limit: int = 200) -> History:
    history = History(limit=limit)
    for location in locations:
        history.visit(location)
    return history


def test_empty_history():
    history = History()
    assert history.current is None
    assert len(history) == 0
    assert not history.can_back and not history.can_forward
    assert history.back() is None
    assert history.forward() is None
    history.update_current(10, "x")  # nothing to update: no error, no entry
    assert history.current is None and len(history) == 0


def test_visit_moves_the_cursor():
    history = visited(A, B)
    assert history.current == B
    assert len(history) == 2
    assert history.can_back and not history.can_forward


def test_back_and_forward():
    history = visited(A, B, C)
    assert history.back() == B
    assert history.back() == A
    assert history.back() is None
    assert history.current == A
    assert history.forward() == B
    assert history.forward() == C
    assert history.forward() is None
    assert history.current == C


def test_visit_after_back_drops_forward_entries():
    history = visited(A, B, C)
    history.back()
    history.back()
    history.visit(D)
    assert history.current == D
    assert not history.can_forward
    assert len(history) == 2
    assert history.back() == A


def test_visiting_the_current_place_again_adds_nothing():
    history = visited(A, B, B)
    assert len(history) == 2
    history.back()
    history.visit(A)
    assert len(history) == 2 and history.can_forward  # forward to B is kept
    assert history.forward() == B


def test_same_pane_other_place_is_a_new_entry():
    history = visited(Location("a"), Location("a", 0, "details"), Location("a", 12))
    assert len(history) == 3
    assert history.back() == Location("a", 0, "details")


def test_update_current_remembers_the_position():
    history = visited(A, B)
    history.update_current(42, "details")
    assert history.current == Location("b", 42, "details")
    history.back()
    assert history.forward() == Location("b", 42, "details")
    history.back()
    history.update_current(7)
    assert history.current == Location("a", 7, "")
    assert len(history) == 2


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_limit_drops_the_oldest(limit: int):
    places = [Location(f"p{i}") for i in range(limit + 3)]
    history = visited(*places, limit=limit)
    assert len(history) == limit
    assert history.current == places[-1]
    seen = [history.current]
    while (previous := history.back()) is not None:
        seen.append(previous)
    assert seen == places[::-1][:limit]


def test_locations_are_values():
    assert Location("a", 3, "x") == Location("a", 3, "x")
    with pytest.raises(AttributeError):
        Location("a").y = 3  # type: ignore[misc]


# -- model-based: History behaves like a plain list with a cursor -----------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("visit"), st.sampled_from("abc"), st.integers(0, 2)),
        st.tuples(st.just("back")),
        st.tuples(st.just("forward")),
        st.tuples(st.just("update"), st.integers(0, 2)),
    ),
    max_size=40,
)


@given(operations, st.integers(1, 6))
def test_matches_a_simple_model(ops, limit):
    history = History(limit=limit)
    entries: list[Location] = []
    index = -1
    for op in ops:
        if op[0] == "visit":
            location = Location(op[1], op[2])
            history.visit(location)
            if not (index >= 0 and entries[index] == location):
                entries = entries[: index + 1] + [location]
                entries = entries[-limit:]
                index = len(entries) - 1
        elif op[0] == "back":
            expected = entries[index - 1] if index > 0 else None
            assert history.back() == expected
            index -= expected is not None
        elif op[0] == "forward":
            expected = entries[index + 1] if 0 <= index < len(entries) - 1 else None
            assert history.forward() == expected
            index += expected is not None
        else:
            history.update_current(op[1])
            if index >= 0:
                entries[index] = Location(entries[index].pane_id, op[1])
        assert len(history) == len(entries) <= limit
        assert history.current == (entries[index] if index >= 0 else None)
        assert history.can_back == (index > 0)
        assert history.can_forward == (0 <= index < len(entries) - 1)
