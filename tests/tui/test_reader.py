"""Pilot flows through the reader on the fixture content, at 100x30.

The fixture panes are shorter than a 30-row terminal, so a heading near the
end of a pane could never scroll to the top of the view. Flows that check
*which heading* the reader lands on first append a long appendix to the
panes (in a private copy of the fixture) so every heading can reach the top.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SIZE, ready, record_notifications, seen_data_dir, settle
from rich.console import Console
from textual.widgets import Label, Static

from ldn_tui.cli import main
from ldn_tui.tui.screens.dialogs import LinkDialog, NoticeScreen
from ldn_tui.tui.screens.help import HelpScreen
from ldn_tui.tui.screens.reader import ReaderScreen
from ldn_tui.tui.widgets.sidebars import PaneList, TableOfContents

#: Enough text after the last heading for every heading to reach the top.
APPENDIX = "\n\n## Appendix\n\n" + "\n\n".join(
    f"Filler paragraph {word} keeps the pane long enough to scroll." for word in "abcdefghijklmnopqrstuvwxyz" * 2
)


def lengthen(content: Path, *pane_ids: str) -> Path:
    """Append a long appendix to the given panes of a content copy."""
    for pane_id in pane_ids or ("alpha", "beta", "glossary", "references"):
        path = content / f"{pane_id}.md"
        path.write_text(path.read_text(encoding="utf-8") + APPENDIX, encoding="utf-8")
    return content


async def tab_to(pilot, href: str, limit: int = 30) -> None:
    """Press tab until the focused link of the view points at ``href``."""
    view = pilot.app.reader.view
    for _ in range(limit):
        await pilot.press("tab")
        if view.focused_link is not None and view.links[view.focused_link][2] == href:
            return
    raise AssertionError(f"tab never reached a link to {href!r}; links: {view.links}")


def place(app) -> tuple[str, int, str]:
    """(pane id, scroll line, current heading slug) of the reader."""
    view = app.reader.view
    return view.pane_id, int(view.scroll_y), view.current_heading()[0]


# -- starting and switching panes --------------------------------------------


async def test_start_shows_the_first_pane(app, library):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert isinstance(ldn.screen, ReaderScreen)
        view = ldn.reader.view
        assert view.pane_id == library.panes[0].id == "alpha"
        assert view.rendered.lines[0].text.strip() == "Alpha"
        assert "The first fixture pane." in view.rendered.lines[1].text
        assert ldn.focused is view
        assert ldn.reader.query_one(PaneList).highlighted == 0


@pytest.mark.parametrize(
    ("key", "pane_id", "title"),
    [("2", "beta", "Beta"), ("3", "glossary", "Glossary"), ("4", "references", "References")],
)
async def test_number_key_switches_pane(app, key, pane_id, title):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(key)
        await settle(pilot)
        view = ldn.reader.view
        assert view.pane_id == pane_id
        assert view.rendered.lines[0].text.strip() == title
        assert ldn.reader.query_one(PaneList).highlighted == int(key) - 1
        assert ldn.reader.sub_title == title


async def test_number_key_without_a_pane_says_so(app):
    ldn = app()
    notes = record_notifications(ldn)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "alpha"
        assert any("no pane 9" in n["message"] for n in notes)


# -- links, back and forward ---------------------------------------------------


async def test_follow_internal_link_lands_on_pane_and_heading(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "beta.md#details")
        await pilot.press("enter")
        await settle(pilot)
        view = ldn.reader.view
        assert view.pane_id == "beta"
        assert view.current_heading() == ("details", "Details")
        assert ldn.reader.query_one(PaneList).highlighted == 1


async def test_follow_citation_lands_on_reference_entry(app, fixture_content):
    # More entries after the cited one, so its heading can reach the top.
    with (fixture_content / "references.toml").open("a", encoding="utf-8") as refs:
        for letter in "abcdefghijklmnop":
            refs.write(
                f'\n[extra{letter}]\nauthors = "Extra {letter.upper()}"\ntitle = "Filler {letter}"\n'
                f'evidence = "anecdote"\nurl = "https://example.org/{letter}"\n'
            )
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "references.md#smith2020")
        await pilot.press("enter")
        await settle(pilot)
        view = ldn.reader.view
        assert view.pane_id == "references"
        assert view.current_heading() == ("smith2020", "Smith 2020 (RCT)")


async def test_back_and_forward_restore_pane_and_position(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "j", "j", "j")
        await settle(pilot)
        assert place(ldn)[:2] == ("alpha", 5)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("full_stop", "full_stop")  # two headings down in beta
        await settle(pilot)
        in_beta = place(ldn)
        assert in_beta[0] == "beta" and in_beta[1] > 0 and in_beta[2] == "details"

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert place(ldn)[:2] == ("alpha", 5)

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert place(ldn) == in_beta


async def test_back_and_forward_across_a_jump_within_the_pane(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        before = place(ldn)
        assert before[:2] == ("alpha", 2)
        await tab_to(pilot, "#background")
        await pilot.press("enter")
        await settle(pilot)
        jumped = place(ldn)
        assert jumped[0] == "alpha" and jumped[2] == "background"
        assert jumped[1] > before[1]

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert place(ldn) == before

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert place(ldn) == jumped


async def test_back_after_a_resize_returns_to_the_same_heading(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("full_stop", "full_stop", "full_stop")
        await settle(pilot)
        assert place(ldn)[::2] == ("alpha", "details")
        await pilot.press("2")
        await settle(pilot)
        await pilot.resize_terminal(50, 30)
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert place(ldn)[::2] == ("alpha", "details")


def heading_at_top(app, slug: str) -> bool:
    """The heading is on one of the first three rows of the view."""
    view = app.reader.view
    line = next(first for first, s, _, _ in view.heading_rows if s == slug)
    top = int(view.scroll_y)
    return top <= line <= top + 2


async def test_back_from_a_short_pane_restores_the_position(app, fixture_content):
    ldn = app(content=lengthen(fixture_content, "alpha"))  # references stays short
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "j", "j", "j")
        await settle(pilot)
        assert place(ldn)[:2] == ("alpha", 5)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert place(ldn)[:2] == ("alpha", 5)


async def test_link_from_a_short_pane_shows_the_target_heading(app, fixture_content):
    content = lengthen(fixture_content, "alpha")  # beta stays short
    beta = content / "beta.md"
    beta.write_text(beta.read_text(encoding="utf-8").replace("(alpha.md)", "(alpha.md#deeper)"), encoding="utf-8")
    ldn = app(content=content)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await settle(pilot)
        await tab_to(pilot, "alpha.md#deeper")
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "alpha"
        assert heading_at_top(ldn, "deeper")


async def test_link_from_a_long_pane_shows_the_target_heading(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await settle(pilot)
        await tab_to(pilot, "alpha.md")
        await pilot.press("enter")
        await settle(pilot)
        await tab_to(pilot, "glossary.md#widget")
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "glossary"
        assert heading_at_top(ldn, "widget")
        assert ldn.reader.view.current_heading()[0] == "widget"


async def test_restart_returns_to_the_last_pane(app, fixture_content, tmp_path):
    data = seen_data_dir(tmp_path / "data")
    first = app(data_dir=data)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("3")
        await settle(pilot)
    again = app(data_dir=data)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.reader.view.pane_id == "glossary"


async def test_restart_returns_to_the_heading_being_read(app, fixture_content, tmp_path):
    content = lengthen(fixture_content)
    data = seen_data_dir(tmp_path / "data")
    first = app(content=content, data_dir=data)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2", "full_stop", "full_stop", "full_stop")
        await settle(pilot)
        assert place(first)[::2] == ("beta", "more")
        assert heading_at_top(first, "more")
    again = app(content=content, data_dir=data)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert again.reader.view.pane_id == "beta"
        assert heading_at_top(again, "more")


async def test_back_with_no_history_stays_put(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("left_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert place(ldn)[:2] == ("alpha", 0)
        assert ldn.reader.history.can_back is False


async def test_new_visit_after_back_drops_forward(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2", "3", "left_square_bracket")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "beta"
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "references"
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert ldn.reader.view.pane_id == "alpha"


# -- table of contents -------------------------------------------------------------


async def test_t_opens_contents_listing_the_headings(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not any(w.display and w.region.width for w in ldn.reader.query(TableOfContents))
        await pilot.press("t")
        await settle(pilot)
        toc = ldn.reader.query_one(TableOfContents)
        assert toc.display and toc.region.width > 0
        ids = [toc.get_option_at_index(i).id for i in range(toc.option_count)]
        assert ids == ["key-points", "background", "details", "deeper"]
        await pilot.press("t")
        await settle(pilot)
        assert toc.region.width == 0


async def test_choosing_a_heading_in_contents_jumps_to_it(app, fixture_content):
    """Choose with the mouse: click the heading's row in the contents."""
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)
        toc = ldn.reader.query_one(TableOfContents)
        index = toc.get_option_index("details")
        # One row per option, inside the list's content region.
        offset_y = toc.content_region.y - toc.region.y + index
        assert await pilot.click(TableOfContents, offset=(4, offset_y))
        await settle(pilot)
        assert ldn.reader.view.current_heading() == ("details", "Details")
        assert ldn.focused is ldn.reader.view
        assert toc.highlighted == index


async def test_choosing_a_heading_in_contents_with_the_keyboard(app, fixture_content):
    ldn = app(content=lengthen(fixture_content))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)
        toc = ldn.reader.query_one(TableOfContents)
        for _ in range(toc.option_count + 1):
            option = toc.highlighted_option
            if option is not None and option.id == "details":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.reader.view.current_heading() == ("details", "Details")


@pytest.mark.parametrize("key", ["escape", "t"])
async def test_contents_take_focus_and_give_it_back(app, key):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot)
        toc = ldn.reader.query_one(TableOfContents)
        assert ldn.focused is toc
        await pilot.press(key)
        await settle(pilot)
        assert ldn.focused is ldn.reader.view
        assert toc.region.width == 0
        assert ldn.reader.view.pane_id == "alpha"


# -- refused and external links ----------------------------------------------------


async def test_javascript_link_is_refused(app, fixture_content, monkeypatch):
    alpha = fixture_content / "alpha.md"
    alpha.write_text(
        alpha.read_text(encoding="utf-8").replace(
            "- Alpha is the first pane.", "- Alpha is the first pane, [bad](javascript:alert(1))."
        ),
        encoding="utf-8",
    )
    ldn = app(content=fixture_content)
    opened: list[tuple] = []
    monkeypatch.setattr(ldn, "open_url", lambda *args, **kwargs: opened.append(args))
    copied: list[str] = []
    monkeypatch.setattr(ldn, "copy_to_clipboard", lambda text: copied.append(text))
    notes = record_notifications(ldn)
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "javascript:alert(1)")
        before = place(ldn)
        history = len(ldn.reader.history)
        await pilot.press("enter")
        await settle(pilot)
        assert [n for n in notes if n.get("title") == "Link refused"] == notes
        assert len(notes) == 1 and "javascript" in notes[0]["message"]
        assert notes[0].get("severity") == "warning"
        assert len(ldn.screen_stack) == 1 and isinstance(ldn.screen, ReaderScreen)
        assert place(ldn) == before
        assert len(ldn.reader.history) == history
        assert opened == [] and copied == []


async def test_https_link_asks_first_and_escape_cancels(app, monkeypatch):
    ldn = app()
    opened: list[tuple] = []
    monkeypatch.setattr(ldn, "open_url", lambda *args, **kwargs: opened.append(args))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "https://example.org")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(ldn.screen, LinkDialog)
        assert ldn.screen.url == "https://example.org"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(ldn.screen, ReaderScreen)
        assert opened == []
        assert place(ldn)[0] == "alpha"


async def test_https_link_opens_after_choosing_open(app, monkeypatch):
    ldn = app()
    opened: list[tuple] = []
    monkeypatch.setattr(ldn, "open_url", lambda *args, **kwargs: opened.append(args))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "https://example.org")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(ldn.screen, ReaderScreen)
        assert opened == [("https://example.org",)]


# -- help ------------------------------------------------------------------------------


def help_rows(screen: HelpScreen) -> set[tuple[str, str]]:
    """(keys, description) rows the help screen shows."""
    console = Console(width=120, record=True, file=io.StringIO())
    for table in screen.query(Static):
        if not isinstance(table, Label):
            console.print(table.content)
    rows = set()
    for line in console.export_text().splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) == 2:
            rows.add((parts[0], parts[1]))
    return rows


async def test_question_mark_opens_help_listing_the_keys(app):
    ldn = app()
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(ldn.screen, HelpScreen)
        rows = help_rows(ldn.screen)
        expected = {
            ("1-9", "Panes"),
            ("t", "Contents"),
            ("[ alt+←", "Back"),
            ("] alt+→", "Forward"),
            ("/", "Find"),
            ("tab", "Next link"),
            ("shift+tab", "Previous link"),
            ("⏎", "Follow link"),
            (".", "Next heading"),
            (",", "Previous heading"),
            ("j", "Down"),
            ("k", "Up"),
            ("space", "Page down"),
            ("g", "Top"),
            ("G", "Bottom"),
            ("q", "Quit"),
            ("? f1", "Help"),
        }
        assert expected <= rows, expected - rows
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(ldn.screen, ReaderScreen)


# -- resizing ---------------------------------------------------------------------------


async def test_resize_small_to_huge_and_back(app, fixture_content):
    ldn = app(content=lengthen(fixture_content, "alpha"))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        view = ldn.reader.view
        for width, height in [(40, 12), (300, 100), (40, 12), SIZE]:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert ldn.size == (width, height)
            assert view.pane_id == "alpha"
            assert view.rendered is not None and view.rendered.width <= width
            assert view.rendered.lines[0].text.strip() == "Alpha"
        assert ldn.screen.has_class("-normal")
        await pilot.resize_terminal(40, 12)
        await settle(pilot)
        assert ldn.screen.has_class("-narrow")
        assert ldn.reader.query_one(PaneList).region.width == 0


async def test_resize_keeps_the_heading_being_read(app, fixture_content):
    ldn = app(content=lengthen(fixture_content, "alpha"))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tab_to(pilot, "#background")
        await pilot.press("enter")
        await settle(pilot)
        assert ldn.reader.view.current_heading()[0] == "background"
        for size in [(40, 12), (300, 100), SIZE]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            view = ldn.reader.view
            assert view.current_heading()[0] == "background", (
                size,
                place(ldn),
                view.heading_rows[:3],
                view.max_scroll_y,
            )


# -- first-start notice ---------------------------------------------------------------------


async def test_notice_shows_on_first_start_only(app, tmp_path):
    data = tmp_path / "fresh-data"
    first = app(data_dir=data)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert isinstance(first.screen, NoticeScreen)
        await pilot.press("2")  # keys do not reach the reader behind the notice
        await settle(pilot)
        assert first.reader.view.pane_id == "alpha"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(first.screen, ReaderScreen)

    again = app(data_dir=data)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert isinstance(again.screen, ReaderScreen)
        assert not any(isinstance(s, NoticeScreen) for s in again.screen_stack)


async def test_notice_shows_again_if_quit_without_dismissing(app, tmp_path):
    data = tmp_path / "fresh-data"
    first = app(data_dir=data)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert isinstance(first.screen, NoticeScreen)
    again = app(data_dir=data)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert isinstance(again.screen, NoticeScreen)


# -- broken content and the environment -----------------------------------------------------


def test_broken_content_is_one_line_and_exit_1(fixture_content, tmp_path, capsys):
    beta = fixture_content / "beta.md"
    beta.write_text(beta.read_text(encoding="utf-8").replace("order: 2", "order: second"), encoding="utf-8")
    code = main(["--content", str(fixture_content), "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert f"{beta}:4:" in lines[0]
    assert "Traceback" not in err


def test_broken_content_exit_status_from_the_command(fixture_content, tmp_path):
    """The real process: exit status 1, one line on stderr, no traceback."""
    (fixture_content / "gamma.md").write_bytes(b"\xff")
    env = {**os.environ, "LDN_TUI_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui", "--content", str(fixture_content)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{fixture_content / 'gamma.md'}:1:" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_content_directory_is_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    code = main(["--content", str(missing)])
    out, err = capsys.readouterr()
    assert code == 1
    assert len(err.splitlines()) == 1 and str(missing) in err
    assert "Traceback" not in err


def test_no_color_env_turns_colour_off(app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert app().no_color is True


def test_colour_is_on_without_no_color(app, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert app().no_color is False


# -- reading keys --------------------------------------------------------------------------------


async def test_heading_keys_and_top_bottom(app, fixture_content):
    ldn = app(content=lengthen(fixture_content, "alpha"))
    async with ldn.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = ldn.reader.view
        await pilot.press("full_stop")
        await settle(pilot)
        assert view.current_heading()[0] == "key-points"
        await pilot.press("full_stop", "full_stop")
        await settle(pilot)
        assert view.current_heading()[0] == "details"
        await pilot.press("comma")
        await settle(pilot)
        assert view.current_heading()[0] == "background"
        await pilot.press("G")
        await settle(pilot)
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("g")
        await settle(pilot)
        assert view.scroll_y == 0
        await pilot.press("space")
        await settle(pilot)
        assert view.scroll_y > 1
