"""Pilot flows across features: find in the pane, search everything,
export from the app, and the parsed-document cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from helpers import SIZE, ready

from ldn_tui.content import cache as doc_cache
from ldn_tui.content.library import load_library
from ldn_tui.notes.store import Store
from ldn_tui.tui.screens.export_dialog import ExportDialog
from ldn_tui.tui.screens.search import SearchScreen
from ldn_tui.tui.widgets.find_bar import FindBar


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def counter(app) -> str:
    return str(app.reader.query_one("#find-count").render())


# -- find in the pane ----------------------------------------------------------


async def test_find_highlights_counts_and_steps(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "pane")
        await settle(pilot)
        view = ldn.reader.view
        total = len(view.matches)
        assert total >= 2, "the fixture's first pane says 'pane' more than once"
        assert counter(ldn) == f"1/{total}"
        # every match is really the word, whatever its case (smart case)
        for match in view.matches:
            text = view.rendered.lines[match.y].text
            assert text[match.start : match.end].lower() == "pane"
        await pilot.press("enter")  # next match, from the input
        await settle(pilot)
        assert counter(ldn) == f"2/{total}"
        await pilot.press("tab")  # back to the pane, highlights kept
        await settle(pilot)
        assert ldn.focused is view
        await pilot.press("n")
        await settle(pilot)
        assert counter(ldn) == f"{3 if total >= 3 else 1}/{total}"
        await pilot.press("N")
        await settle(pilot)
        assert counter(ldn) == f"2/{total}"
        await pilot.press("escape")
        await settle(pilot)
        assert view.matches == [] and view.find_query == ""
        assert not ldn.reader.query_one(FindBar).is_open


async def test_find_upper_case_query_is_case_sensitive_and_regex_is_text(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "Alpha")
        await settle(pilot)
        view = ldn.reader.view
        exact = len(view.matches)
        assert exact >= 1
        for match in view.matches:
            assert view.rendered.lines[match.y].text[match.start : match.end] == "Alpha"
        for _ in "Alpha":
            await pilot.press("backspace")
        await type_text(pilot, "(*")
        await settle(pilot)
        assert view.matches == []
        assert counter(ldn) == "no matches"


async def test_find_highlights_survive_resize(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "pane")
        await settle(pilot)
        before = len(ldn.reader.view.matches)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        view = ldn.reader.view
        assert view.find_query == "pane"
        assert len(view.matches) >= before  # rewrapped lines, same words
        for match in view.matches:
            assert view.rendered.lines[match.y].text[match.start : match.end].lower() == "pane"


# -- search everything -----------------------------------------------------------


async def test_search_enter_lands_on_the_heading_and_highlights(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(ldn.screen, SearchScreen)
        await type_text(pilot, "dreams")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(ldn.screen, SearchScreen)
        view = ldn.reader.view
        assert ldn.reader.pane_id == "beta"
        assert view.current_heading()[0] == "details"
        assert view.find_query and len(view.matches) >= 1


async def test_search_finds_a_note_after_it_is_written(app, tmp_path):
    data = tmp_path / "notes-data"
    store = Store.open(data)
    store.set_state(notice_seen=True)
    store.add_note("beta", "more", "More", "ask about zolpidemish interactions")
    store.close()
    ldn = app(data_dir=data)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await type_text(pilot, "zolpidemish")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.reader.pane_id == "beta"
        assert ldn.reader.view.current_heading()[0] == "more"


# -- export from the app ------------------------------------------------------------


async def test_bookmark_note_export_writes_the_file(app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await settle(pilot)
        pane, slug, heading = ldn.reader.place()
        ldn.store.add_note(pane, slug, heading, "Ask Dr. [bold]Lee[/] about # dose")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(ldn.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        await ldn.workers.wait_for_complete()
        await settle(pilot)
    written = sorted(tmp_path.glob("ldn-notes-*.md"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8")
    assert "Ask Dr. [bold]Lee[/] about # dose" in text
    assert stat.S_IMODE(os.stat(written[0]).st_mode) == 0o600


async def test_export_asks_before_replacing(app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("b")
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("e")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await ldn.workers.wait_for_complete()
            await settle(pilot)
            if answer == "n":
                # first export wrote it; the second asks
                first = sorted(tmp_path.glob("ldn-notes-*.md"))
                assert len(first) == 1
                first[0].write_text("old", encoding="utf-8")
                await pilot.press("e")
                await settle(pilot)
                await pilot.press("enter")
                await settle(pilot)
                await ldn.workers.wait_for_complete()
                await settle(pilot)
                await pilot.press("n")  # keep the old file
                await settle(pilot)
                assert first[0].read_text(encoding="utf-8") == "old"
                # "Keep it" returns to the export dialog (W8): close it
                assert type(ldn.screen).__name__ == "ExportDialog"
                await pilot.press("escape")
                await settle(pilot)
            else:
                await pilot.press("y")  # replace
                await settle(pilot)
                await ldn.workers.wait_for_complete()
                await settle(pilot)
        assert sorted(tmp_path.glob("ldn-notes-*.md"))[0].read_text(encoding="utf-8") != "old"


# -- the parsed-document cache -----------------------------------------------------------


def test_document_cache_round_trip(fixture_content, tmp_path, monkeypatch):
    library = load_library(fixture_content)
    assert doc_cache.load(library, tmp_path) is False
    doc_cache.save(library, tmp_path)
    fresh = load_library(fixture_content)
    assert doc_cache.load(fresh, tmp_path) is True

    def parse_pane(*args):
        raise AssertionError("a pane was parsed, not taken from the cache")

    with monkeypatch.context() as patch:  # every pane comes from the cache
        patch.setattr("ldn_tui.content.document.parse_pane", parse_pane)
        cached = {pane.id: fresh.document(pane.id) for pane in fresh.panes}
    for pane in library.panes:
        assert cached[pane.id] == library.document(pane.id)


def test_document_cache_misses_after_a_content_change(fixture_content, tmp_path):
    doc_cache.save(load_library(fixture_content), tmp_path)
    page = fixture_content / "beta.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    changed = load_library(fixture_content)
    assert doc_cache.load(changed, tmp_path) is False
    assert "A new line." in changed.document("beta").blocks[-1].text


def test_damaged_or_foreign_cache_is_ignored(fixture_content, tmp_path):
    library = load_library(fixture_content)
    path = doc_cache.cache_path(library, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x04garbage")
    assert doc_cache.load(library, tmp_path) is False
    import pickle

    # A pickle naming anything outside the models is refused, not executed.
    path.write_bytes(pickle.dumps({"alpha": Path("/etc/passwd")}))
    assert doc_cache.load(load_library(fixture_content), tmp_path) is False
    doc_cache.save(library, tmp_path)  # a good cache replaces the bad one
    assert doc_cache.load(load_library(fixture_content), tmp_path) is True


def test_cached_panes_are_unpickled_only_when_needed(fixture_content, tmp_path, monkeypatch):
    doc_cache.save(load_library(fixture_content), tmp_path)
    opened = []
    real = doc_cache._document
    monkeypatch.setattr(doc_cache, "_document", lambda blob: opened.append(blob) or real(blob))
    fresh = load_library(fixture_content, references=False)
    assert doc_cache.load(fresh, tmp_path) is True
    assert opened == []
    first = fresh.panes[0].id
    fresh.document(first)
    fresh.document(first)
    assert len(opened) == 1


def test_a_damaged_pane_in_the_cache_is_parsed_instead(fixture_content, tmp_path):
    import pickle

    library = load_library(fixture_content)
    path = doc_cache.cache_path(library, tmp_path)
    path.parent.mkdir(parents=True)
    entries = {pane.id: pickle.dumps(library.document(pane.id)) for pane in library.panes}
    entries["alpha"] = b"\x80\x04garbage"
    entries["beta"] = pickle.dumps(Path("/etc/passwd"))  # refused, not built
    path.write_bytes(pickle.dumps(entries))
    fresh = load_library(fixture_content, references=False)
    assert doc_cache.load(fresh, tmp_path) is True
    assert fresh.document("alpha") == library.document("alpha")
    assert fresh.document("beta") == library.document("beta")


def test_unwritable_cache_dir_is_not_an_error(fixture_content, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    doc_cache.save(load_library(fixture_content), blocker)  # must not raise
    assert not Path(blocker, "cache").exists()


# -- reading position and front matter -------------------------------------------


async def test_position_within_a_section_survives_a_restart(app, fixture_content, tmp_path):
    page = fixture_content / "alpha.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n\n## Long section\n\n"
        + "\n\n".join(f"Paragraph {n} of a long section." for n in range(60)),
        encoding="utf-8",
    )
    data = tmp_path / "position-data"
    first = app(data_dir=seen(data))
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")  # the end: deep inside one section
        await settle(pilot)
        end = int(first.reader.view.scroll_y)
        assert end > 10
        await pilot.press("k", "k", "k")  # scroll within the section only
        await settle(pilot)
        where = int(first.reader.view.scroll_y)
        assert where == end - 3
        await pilot.press("q")
    second = app(data_dir=data)
    async with second.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert second.reader.pane_id == "alpha"
        assert int(second.reader.view.scroll_y) == where


def seen(path: Path) -> Path:
    store = Store.open(path)
    store.set_state(notice_seen=True)
    store.close()
    return path


def test_unclosed_front_matter_is_one_problem(fixture_content, capsys):
    from ldn_tui.cli import main

    page = fixture_content / "beta.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("---\n\n## Key points", "\n## Key points", 1), encoding="utf-8"
    )
    assert main(["check", "--content", str(fixture_content)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if "beta.md" in line]
    assert lines == [f"{page}:1: front matter is not closed: add a '---' line after it"]
