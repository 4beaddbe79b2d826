"""Footer, help and dialogs on the real app with the shipped content: no
dead end, buttons on screen from 40x12 up, keys that tell the truth.

Findings E1/E2 (notice and export buttons off screen, help without
descriptions), the "Confusing" list (footer lies under dialogs, q does
nothing at the notice, current pane hard to see, j/k/g/G in help and
contents), W5 (n's two meanings), W8 ("Keep it"), F25 (q then a key) and
the damaged-data warning hidden under the notice.
"""

from __future__ import annotations

import io
import re
from typing import NamedTuple

import pytest
from helpers import ready, seen_data_dir
from rich.console import Console
from textual import events
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Label, Static

from ldn_tui.content.library import load_library
from ldn_tui.notes.file_format import DB_NAME
from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.app import create_app
from ldn_tui.tui.screens.dialogs import ConfirmDialog, LinkDialog, MessageDialog, NoticeScreen
from ldn_tui.tui.screens.export_dialog import ChoiceSet, ExportDialog
from ldn_tui.tui.screens.help import HelpScreen
from ldn_tui.tui.screens.reader import ReaderScreen
from ldn_tui.tui.widgets.footer import FooterEntry, KeysFooter
from ldn_tui.tui.widgets.sidebars import PaneList, TableOfContents

SIZES = [(40, 12), (60, 20), (80, 24)]
#: actions of the reader's own keys: never in the footer under a dialog
READER_ACTIONS = {"pane(1)", "toggle_toc", "find", "search", "bookmark", "note", "notes_screen", "export"}


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


async def settle(pilot, seconds: float = 0.15) -> None:
    await pilot.pause(seconds)


async def wait_for(pilot, kind, tries: int = 200):
    for _ in range(tries):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never came up; the screen is {type(pilot.app.screen).__name__}")


def assert_on_screen(screen, selector: str) -> None:
    """The widget is inside the screen and really drawn there: the cell at
    its first character belongs to it (not clipped or covered)."""
    widget = screen.query_one(selector)
    region = widget.region
    assert region.width > 0 and region.height > 0, (selector, region)
    assert screen.region.contains_region(region), (selector, region, screen.region)
    at, _ = screen.get_widget_at(region.x + min(1, region.width - 1), region.y)
    assert at is widget or widget in at.ancestors_with_self, (selector, at)


class Drawn(NamedTuple):
    """A footer key as drawn: its entry, where it is, and its footer."""

    key: str
    description: str
    action: str
    region: Region
    footer: KeysFooter


async def drawn_keys(pilot, screen) -> list[Drawn]:
    """The footer keys drawn, once the footer has painted (it does so a
    moment after the screen, later on a loaded machine)."""
    for _ in range(100):
        keys = footer_keys_drawn(screen)
        if keys:
            return keys
        await pilot.pause(0.02)
    return []


def footer_keys_drawn(screen) -> list[Drawn]:
    """The footer keys actually drawn on the screen's bottom row: those of
    the footer widgets found there, inside the screen."""
    width, height = screen.size
    footers: list[KeysFooter] = []
    for x in range(width):
        try:
            widget, _ = screen.get_widget_at(x, height - 1)
        except Exception:  # noqa: BLE001 - no widget there
            continue
        if isinstance(widget, KeysFooter) and widget not in footers:
            footers.append(widget)
    keys = []
    for footer in footers:
        for entry, region in footer.drawn():
            assert isinstance(entry, FooterEntry)
            if screen.region.contains_region(region):
                keys.append(Drawn(entry.key, entry.description, entry.action, region, footer))
    return keys


# -- the first-start notice ------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_notice_button_is_on_screen_and_footer_is_the_notices(shipped, tmp_path, size):
    app = create_app(shipped, tmp_path / "data")
    async with app.run_test(size=size) as pilot:
        notice = await wait_for(pilot, NoticeScreen)
        await settle(pilot)
        assert_on_screen(notice, "#accept")
        drawn = await drawn_keys(pilot, notice)
        actions = {key.action for key in drawn}
        assert not actions & READER_ACTIONS, actions
        assert {"accept", "app.quit", "app.help"} <= actions, actions
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)


async def test_q_at_the_notice_quits_and_escape_accepts(shipped, tmp_path):
    app = create_app(shipped, tmp_path / "a")
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for(pilot, NoticeScreen)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    app = create_app(shipped, tmp_path / "b")
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for(pilot, NoticeScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)


# -- every dialog at 40x12, 60x20 and 80x24 --------------------------------------------


async def open_dialog(pilot, name: str):
    app = pilot.app
    if name == "help":
        await pilot.press("question_mark")
        return await wait_for(pilot, HelpScreen), "#help-keys"
    if name == "export":
        await pilot.press("e")
        return await wait_for(pilot, ExportDialog), "#export-ok"
    if name == "link":
        app.push_screen(LinkDialog("https://example.org/" + "a" * 120))
        return await wait_for(pilot, LinkDialog), "#open"
    if name == "confirm":
        app.push_screen(
            ConfirmDialog(
                "/home/reader/ldn-notes-2026-12-02.md already exists. Replace it?", yes="Replace", no="Keep it"
            )
        )
        return await wait_for(pilot, ConfirmDialog), "#yes"
    if name == "message":
        app.push_screen(MessageDialog("About your notes", "Your notes file was damaged. " * 12))
        return await wait_for(pilot, MessageDialog), "#ok"
    if name == "search":
        await pilot.press("s")
        from ldn_tui.tui.screens.search import SearchScreen

        return await wait_for(pilot, SearchScreen), "#search-input"
    if name == "notes":
        await pilot.press("m")
        from ldn_tui.tui.screens.notes import NotesScreen

        return await wait_for(pilot, NotesScreen), "#notes-filter"
    raise AssertionError(name)


@pytest.mark.parametrize("size", SIZES)
async def test_every_dialogs_main_button_is_on_screen(shipped, tmp_path, size):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        for name in ("help", "export", "link", "confirm", "message", "search", "notes"):
            screen, selector = await open_dialog(pilot, name)
            await settle(pilot)
            assert_on_screen(screen, selector)
            # the reader's keys are not offered under a dialog: its footer is
            # hidden, and the keys drawn are the dialog's own
            assert not app.reader.query_one(KeysFooter).display
            drawn = await drawn_keys(pilot, screen)
            assert all(key.footer.screen is screen for key in drawn), name
            actions = {key.action for key in drawn}
            assert not actions & (READER_ACTIONS - {"export"}), (name, actions)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen), (name, app.screen)


def help_rows_at(screen: HelpScreen) -> set[tuple[str, str]]:
    """(keys, description) rows as drawn at the help's own width."""
    rows = set()
    for static in screen.query(Static):
        if isinstance(static, Label) or "help-rows" not in static.classes:
            continue
        console = Console(width=static.size.width, record=True, file=io.StringIO())
        console.print(static.content)
        for line in console.export_text().splitlines():
            parts = re.split(r"\s{2,}", line.strip())
            if len(parts) == 2:
                rows.add((parts[0], parts[1]))
    return rows


@pytest.mark.parametrize("size", SIZES)
async def test_help_shows_descriptions_at_every_size(shipped, tmp_path, size):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        help_screen = await wait_for(pilot, HelpScreen)
        await settle(pilot)
        rows = help_rows_at(help_screen)
        for row in [
            ("t", "Contents"),
            ("b", "Bookmark"),
            ("n", "Note"),
            ("n", "Next match"),
            ("q", "Quit"),
            ("e", "Edit note"),
        ]:
            assert row in rows, (row, sorted(rows)[:20])


# -- the footer ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [40, 50, 60, 80, 120])
async def test_reader_footer_always_shows_help_and_quit(shipped, tmp_path, width):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await settle(pilot)
        drawn = {key.action: key for key in await drawn_keys(pilot, app.screen)}
        assert "help" in drawn and "quit" in drawn, list(drawn)
        for action in ("help", "quit"):
            assert app.screen.region.contains_region(drawn[action].region)


async def test_n_shows_next_match_while_finding_and_note_otherwise(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)

        async def n_label(expected: list[str]) -> list[str]:
            """n's label in the footer (waiting up to 2 s for ``expected``:
            the footer recomposes a moment after the bindings change)."""
            for _ in range(100):
                found = [key.description for key in footer_keys_drawn(app.screen) if key.key == "n"]
                if found == expected:
                    break
                await pilot.pause(0.02)
            return found

        assert await n_label(["Note"]) == ["Note"]
        await pilot.press("slash")
        for char in "trial":
            await pilot.press(char)
        await pilot.press("tab")  # back to the pane, highlights kept
        await settle(pilot)
        assert await n_label(["Next match"]) == ["Next match"]
        drawn = {key.action for key in footer_keys_drawn(app.screen)}
        assert {"previous_match", "close_find"} <= drawn, drawn
        await pilot.press("escape")
        await settle(pilot)
        assert await n_label(["Note"]) == ["Note"]


async def test_a_binding_change_repaints_the_footer_and_lays_nothing_out(shipped, tmp_path, monkeypatch):
    """Textual's footer is a widget per key, all rebuilt (unmounted, mounted,
    styled, laid out) for every binding change it hears of: 9 rebuilds to
    open and close the notes screen, 20% of the start-up. Ours is one widget
    that paints a line: a change repaints it (the three or four changes a
    screen opening brings are one paint), and asks for no layout. The keys
    drawn are those of the screen it is on."""
    heard: list[int] = []
    painted: list[int] = []
    changed, render = KeysFooter.bindings_changed, KeysFooter.render
    layouts: list[str] = []
    refresh_layout = Screen._refresh_layout

    def counted_changed(self, screen):
        if self.is_attached and screen is self.screen:
            heard.append(id(self))
        return changed(self, screen)

    def counted_render(self):
        painted.append(id(self))
        return render(self)

    def counted_layout(self, *args, **kwargs):
        layouts.append(type(self).__name__)
        return refresh_layout(self, *args, **kwargs)

    monkeypatch.setattr(KeysFooter, "bindings_changed", counted_changed)
    monkeypatch.setattr(KeysFooter, "render", counted_render)
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await settle(pilot, 0.5)
        assert not app.reader.query_one(KeysFooter).children
        heard.clear()
        painted.clear()
        await pilot.press("m")
        await settle(pilot, 0.5)
        drawn = {key.action for key in footer_keys_drawn(app.screen)}
        assert "close" in drawn and "note" not in drawn, drawn  # the notes screen's keys
        await pilot.press("escape")
        await settle(pilot, 0.5)
        assert isinstance(app.screen, ReaderScreen)
        drawn = {key.action for key in footer_keys_drawn(app.screen)}
        assert {"note", "help", "quit"} <= drawn, drawn
        assert len(painted) < len(heard), f"{len(painted)} paints for {len(heard)} changes heard"
        # a find changes the reader's keys (n: Next match): a paint, no layout
        await pilot.press("slash")
        await settle(pilot, 0.3)
        await pilot.press("escape")
        await settle(pilot, 0.3)
        monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
        heard.clear()
        painted.clear()
        app.reader.refresh_bindings()
        await settle(pilot, 0.3)
        assert heard and painted, (heard, painted)
        assert not layouts, layouts


async def test_a_click_on_a_footer_key_presses_it_and_hover_shows_which(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)
        drawn = {key.action: key for key in await drawn_keys(pilot, app.screen)}
        footer = drawn["help"].footer
        contents = drawn["toggle_toc"].region
        await pilot.hover(footer, offset=(contents.x - footer.region.x, 0))
        await settle(pilot)
        strip = app.screen._compositor.render_strips()[-1]
        hovered = strip.crop(contents.x, contents.right)
        hover_bg = footer.get_component_rich_style("footer-key--hover").bgcolor
        assert {segment.style.bgcolor for segment in hovered} == {hover_bg}, list(hovered)
        assert not app.reader.show_toc
        await pilot.click(footer, offset=(contents.x - footer.region.x, 0))
        await settle(pilot)
        assert app.reader.show_toc
        help_key = drawn["help"].region
        await pilot.click(footer, offset=(help_key.x - footer.region.x, 0))
        assert isinstance(await wait_for(pilot, HelpScreen), HelpScreen)


async def test_the_footer_keeps_its_keys_while_the_app_is_in_the_background(shipped, tmp_path):
    """Served in a browser (``ldn-tui serve``), the app loses focus with the
    page; like Textual's footer, ours does not change its keys meanwhile, and
    shows the keys of the moment when focus comes back."""
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(160, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)
        footer = app.reader.query_one(KeysFooter)
        before = footer.render().plain
        assert "Close contents" not in before
        app.post_message(events.AppBlur())
        await pilot.pause(0.1)
        assert not app.app_focus
        app.reader.show_toc = True  # the contents take the focus: their keys apply
        await settle(pilot)
        assert footer.render().plain == before
        app.post_message(events.AppFocus())
        await settle(pilot)
        assert "Close contents" in footer.render().plain


# -- F25: q followed at once by another key ---------------------------------------------


@pytest.mark.parametrize("keys", [("q", "e"), ("q", "n"), ("q", "m"), ("q", "s"), ("q", "question_mark", "t", "e")])
async def test_q_then_another_key_exits_cleanly(shipped, tmp_path, keys):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # all at once, as a terminal delivers typed-ahead keys in one read
        for key in keys:
            char = "?" if key == "question_mark" else key
            app.post_message(events.Key(key, char))
        await settle(pilot)
    assert app.return_code == 0
    assert app._exception is None


async def test_a_key_that_arrives_after_the_last_screen_closed_is_dropped(shipped, tmp_path):
    """The seeded random-key run met it after the palette's Quit: a key still
    queued once the last screen had closed raised ScreenStackError."""
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
    assert app.screen_stack == []
    for event in (events.Key("x", "x"), events.Key("escape", None), events.Paste("text")):
        event.set_sender(app)
        await app.on_event(event)


# -- W8: "Keep it" -------------------------------------------------------------------------


async def test_keep_it_returns_to_the_export_dialog_with_its_choices(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("b")
        target = tmp_path / "handout.html"
        target.write_text("old", encoding="utf-8")
        await pilot.press("e")
        dialog = await wait_for(pilot, ExportDialog)
        await settle(pilot)
        dialog.query_one("#export-format", ChoiceSet).choose("html")
        dialog.query_one("#export-scope", ChoiceSet).choose("all")
        await settle(pilot)
        field = dialog.query_one("#export-path")
        field.value = str(target)
        await pilot.click("#export-ok")
        await wait_for(pilot, ConfirmDialog)
        await pilot.press("n")  # Keep it
        again = await wait_for(pilot, ExportDialog)
        await settle(pilot)
        assert again.query_one("#export-format", ChoiceSet).value == "html"
        assert again.query_one("#export-scope", ChoiceSet).value == "all"
        assert again.query_one("#export-path").value == str(target)
        assert target.read_text(encoding="utf-8") == "old"


async def test_nothing_to_export_toast_gives_no_cli_advice(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, ExportDialog)
        await settle(pilot)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(pilot, 0.3)
        messages = [str(n.message) for n in app._notifications]
        assert messages and not any("--" in m for m in messages), messages
        assert any("What to export" in m for m in messages), messages


# -- the damaged-data warning ------------------------------------------------------------


async def test_damaged_notes_file_is_a_dialog_after_the_notice_naming_the_backup(shipped, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_NAME).write_text('{"notes": {"1": {"text": "half a no', encoding="utf-8")
    app = create_app(shipped, data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, NoticeScreen)
        await pilot.press("enter")
        message = await wait_for(pilot, MessageDialog)
        await settle(pilot)
        backups = sorted(p.name for p in data.iterdir() if ".damaged-" in p.name)
        assert backups, list(data.iterdir())
        assert backups[0] in message.message
        assert_on_screen(message, "#ok")
        await settle(pilot, 0.5)
        assert isinstance(app.screen, MessageDialog)  # it waits for the reader
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)


# -- j/k/g/G in help and contents; the current pane -----------------------------------------


async def test_help_scrolls_with_j_k_g_G_without_animation(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        help_screen = await wait_for(pilot, HelpScreen)
        await settle(pilot)
        scroller = help_screen.query_one("#help-keys")
        assert scroller.max_scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert scroller.scroll_y == scroller.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert scroller.scroll_y == 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroller.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert scroller.scroll_y == 1


async def test_contents_moves_with_j_k_g_G(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)
        toc = app.screen.query_one(TableOfContents)
        assert toc.has_focus and toc.option_count > 3
        await pilot.press("G")
        assert toc.highlighted == toc.option_count - 1
        await pilot.press("g")
        assert toc.highlighted == 0
        await pilot.press("j", "j", "k")
        assert toc.highlighted == 1


async def test_the_current_pane_is_marked(shipped, tmp_path):
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        panes = app.screen.query_one(PaneList)

        def drawn() -> list[Strip]:
            region = panes.content_region
            return [
                s.crop(region.x, region.right) for s in app.screen._compositor.render_strips()[region.y : region.bottom]
            ]

        def marked() -> list[str]:
            # what the reader sees: the entry drawn with ▶ in front
            return [
                pane.id
                for pane in shipped.panes
                for s in drawn()
                if s.text.startswith(f"▶ {shipped.panes.index(pane) + 1} {pane.title}")
            ]

        assert marked() == [shipped.panes[0].id]
        await pilot.press("3")
        await settle(pilot)
        assert marked() == [shipped.panes[2].id]
        line = next(s for s in drawn() if s.text.startswith("▶"))
        assert all(s.style and s.style.bold and not s.style.dim for s in line if s.text.strip())
