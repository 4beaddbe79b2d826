"""Every surface that shows note or content text is terminal-safe: a
property test (reliability findings F1, F3, F21, F22, F34; issue 13).

Hypothesis writes note texts, note headings, pane ids, draft texts and
content titles/summaries full of C0/C1 controls, ESC, OSC 0/8/52
sequences, bidi controls, zero-width characters and Textual markup
(``[bold]``, ``[/]``, ``[@click=app.quit]``). The real app on the shipped
content then shows them in the notes panel, the notes screen's rows, the
delete dialog, the editor's title, the toasts and the draft dialog (the
search screen and the palette are covered by ``test_safe_surfaces.py``);
content titles and summaries go through the palette and the reader. No
segment the app draws may hold a control byte, a bidi control or an
invisible format character, the markup must show literally, and the app
must still be running. The CLI's error lines (``import`` of a hostile file
name, ``check`` of hostile content) are read from a real subprocess.

Each example is one app run that visits every surface, so a handful of
examples stays quick.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ready, seen_data_dir
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.command import CommandList, CommandPalette
from textual.widgets._toast import Toast

from ldn_tui.content.library import ContentError, load_library
from ldn_tui.notes.drafts import Draft
from ldn_tui.notes.drafts import new_path as new_draft_path
from ldn_tui.notes.drafts import write as write_draft
from ldn_tui.notes.store import Store
from ldn_tui.paths import bundled_content_dir
from ldn_tui.textsafe import FORMAT_NAMES
from ldn_tui.tui.app import create_app
from ldn_tui.tui.screens.dialogs import ConfirmDialog
from ldn_tui.tui.screens.draft_dialog import DraftDialog
from ldn_tui.tui.screens.note_editor import NoteEditor
from ldn_tui.tui.screens.notes import NotesScreen
from ldn_tui.tui.widgets.notes_panel import NotesPanel

PAYLOADS = [
    "\x1b]52;c;cHduZWQ=\x1b\\",  # OSC 52: write the clipboard
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b]0;TITLEPWN\x07",  # OSC 0: window title
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J",
    "\x1b[31m",
    "\x1bc",  # full reset
    "\x9b31m",  # C1 CSI
    "\x9d0;x\x9c",  # C1 OSC ... ST
    "\u202e", "\u202a", "\u2066", "\u2067", "\u2069", "\u200e", "\u200f", "\u061c",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "[@click=app.quit]CLICK[/]",
    "[/]",
    "[b]",
    "[bold]",
    "4.5 mg [/day]",
    "[link=https://evil.example/x]x[/]",
    "\r", "\x00", "\x08", "\x07", "\t", "\n", "\x7f", "\x85",
]  # fmt: skip

#: Always in every generated string, so every example attacks every surface.
ATTACK = "\x1b]52;c;cHduZWQ=\x07\u202e\x9b"

hostile = (
    st.lists(
        st.one_of(
            st.sampled_from(PAYLOADS),
            st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2100), max_size=6),
        ),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .map(lambda s: s[: len(s) // 2] + ATTACK + s[len(s) // 2 :])
)

#: What must never be in a drawn segment: C0 (newline included: a segment is
#: one line), DEL, C1, bidi controls and invisible format characters.
BAD = frozenset({*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *FORMAT_NAMES})

#: Always in a heading, so that the test can see it drawn literally.
MARKUP = "[@click=app.quit]CLICK[/]"

SLOW = settings(
    max_examples=3,
    deadline=None,
    # each example is a whole app run: shrinking a failure would take minutes,
    # and the failing example is printed as found
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def drawn(screen, where: str) -> str:
    """Everything ``screen`` draws, after asserting every segment is safe."""
    out = []
    for strip in screen._compositor.render_strips():
        for segment in strip:
            assert not segment.control, (where, segment)
            bad = [hex(ord(c)) for c in segment.text if ord(c) in BAD]
            assert not bad, (where, bad, segment.text)
            style = segment.style
            # the app's own links carry click actions; user text never does
            assert style is None or not style.link, (where, segment)
            assert style is None or "app.quit" not in str(style.meta), (where, segment)
            out.append(segment.text)
        out.append("\n")
    return "".join(out)


async def wait_for(pilot, kind: type):
    for _ in range(100):
        await pilot.pause(0.01)
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
    raise AssertionError(f"{kind.__name__} never opened; the screen is {pilot.app.screen!r}")


async def notes_screen_on(pilot, note_id: str) -> NotesScreen:
    """The notes screen open afresh with the note ``note_id`` highlighted."""
    while isinstance(pilot.app.screen, NotesScreen):
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press("m")
    screen = await wait_for(pilot, NotesScreen)
    await pilot.pause()
    key = next(key for key, entry in screen._entries.items() if entry.note is not None and entry.note.id == note_id)
    screen.entry_list.highlighted = screen.entry_list.get_option_index(key)
    screen.entry_list.focus()
    await pilot.pause()
    return screen


@pytest.fixture(scope="module")
def shipped():
    return load_library(bundled_content_dir())


@SLOW
@given(texts=st.lists(hostile, min_size=3, max_size=5), heading=hostile, draft=hostile)
async def test_hostile_notes_are_safe_on_every_note_surface(shipped, tmp_path_factory, texts, heading, draft):
    data = seen_data_dir(tmp_path_factory.mktemp("data"))
    pane = shipped.panes[0]
    slugs = [h.slug for h in shipped.document(pane.id).headings]
    store = Store.open(data)
    notes = [
        store.add_note(pane.id, slugs[n % len(slugs)], f"{MARKUP} {heading} {n}", f"{text} zz{n}")
        for n, text in enumerate(texts)
    ]
    orphan = store.add_note(pane.id, "no-such-heading", f"gone {MARKUP} {heading}", texts[0])
    lost = store.add_note(f"lost{heading}"[:40], "", heading, texts[-1])  # a pane id not in the content
    store.close()
    # a draft left behind by a window that closed while its editor was open
    write_draft(
        new_draft_path(data), Draft(pane.id, slugs[0], f"{MARKUP} {heading}", None, None, f"{draft} kept", pid=0)
    )

    app = create_app(shipped, data)
    # run_test hides toasts unless asked: they are a surface too
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await ready(pilot)
        # the draft dialog, offered at start
        dialog = await wait_for(pilot, DraftDialog)
        assert MARKUP in drawn(dialog, "draft dialog")
        await pilot.press("escape")  # later
        await pilot.pause()

        # the notes panel
        await pilot.press("p")
        await pilot.pause(0.1)
        assert app.screen.query_one(NotesPanel).option_count >= 1
        assert MARKUP in drawn(app.screen, "notes panel")

        # the notes screen's rows, then the delete dialog
        screen = await notes_screen_on(pilot, notes[0].id)
        assert MARKUP in drawn(screen, "notes screen")
        await pilot.press("d")
        confirm = await wait_for(pilot, ConfirmDialog)
        assert MARKUP in drawn(confirm, "delete dialog")
        await pilot.press("escape")  # keep it
        await wait_for(pilot, NotesScreen)

        # the editor's title (and its text)
        await pilot.press("e")
        editor = await wait_for(pilot, NoteEditor)
        await pilot.pause()
        assert MARKUP in drawn(editor, "editor")
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, NoteEditor)

        # toasts naming a heading that is gone, and a pane that is gone
        for note in (orphan, lost):
            await notes_screen_on(pilot, note.id)
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.01)
                if app.screen.query(Toast):
                    break
            await pilot.pause(0.1)
            toasts = [t._notification.message for t in app.screen.query(Toast)]
            assert any("no longer in" in message for message in toasts), toasts
            drawn(app.screen, "toast")  # (its words may wrap: only the segments are checked)
            if isinstance(app.screen, NotesScreen):
                await pilot.press("escape")
                await pilot.pause()
        assert app.is_running
        assert len(app.store.notes()) == len(texts) + 2  # nothing was deleted on the way


def _content_copy(root: Path, title: str, summary: str) -> tuple[Path, str]:
    """A copy of the shipped content whose first pane has ``title`` and ``summary``."""
    content = root / "content"
    content.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(bundled_content_dir(), content)
    first = min(content.glob("*.md"), key=lambda p: p.name)
    lines = first.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(lines[1:], 1):
        if line == "---":
            break
        if line.startswith("title:"):
            lines[n] = "title: " + title
        elif line.startswith("summary:"):
            lines[n] = "summary: " + summary
    first.write_text("\n".join(lines), encoding="utf-8")
    return content, first.name


def one_line_markup(text: str) -> str:
    # a front matter value is one line; a leading quote would be YAML-ish quoting
    return text.replace("\n", " ").replace("\r", " ").replace("\x85", " ").strip().lstrip("'\"#") or "x"


@SLOW
@given(title=hostile, summary=hostile)
async def test_hostile_content_titles_and_summaries_are_safe(tmp_path_factory, title, summary):
    root = tmp_path_factory.mktemp("content")
    title = one_line_markup(f"Alpha {MARKUP} {title} [/x]")
    summary = one_line_markup(f"dose [/day] {summary} [@click=app.quit]go[/]")

    # with control characters: `check` refuses the file in safe lines
    content, name = _content_copy(root / "raw", title, summary)
    checked = ldn("check", "--content", str(content), data=root / "data")
    _safe_output(checked)
    assert checked.returncode == 1, checked.stdout
    with pytest.raises(ContentError):
        load_library(content)

    # the same markup without them: the app shows it literally in the
    # palette's "go to" commands (title and summary) and in the reader
    title, summary = ("".join(c for c in text if ord(c) not in BAD) for text in (title, summary))
    content, name = _content_copy(root / "clean", title, summary)
    library = load_library(content)
    pane = next(p for p in library.panes if p.path.name == name)
    assert pane.title == title and pane.summary == summary
    app = create_app(library, seen_data_dir(root / "data"))
    async with app.run_test(size=(110, 34)) as pilot:
        await ready(pilot)
        assert "Alpha" in drawn(app.screen, "reader")
        await pilot.press("ctrl+p")
        palette = await wait_for(pilot, CommandPalette)
        for char in "Alpha":
            await pilot.press(char)
            await pilot.pause(0.02)
        await pilot.pause(0.5)
        assert palette.query_one(CommandList).option_count, "no palette hit for the pane title"
        shown = drawn(palette, "palette")
        assert "[@click=app.quit]" in shown, shown
        await pilot.press("escape")
        await pilot.pause()
        app.reader.show_pane(pane.id)
        await pilot.pause(0.2)
        drawn(app.screen, "reader on the hostile pane")
        assert app.is_running


# ---------------------------------------------------------------- the CLI


def ldn(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LDN_TUI_DATA_DIR": str(data), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "ldn_tui", *args], capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


def _safe_output(result: subprocess.CompletedProcess) -> None:
    for stream in (result.stdout, result.stderr):
        text = stream.decode("utf-8", "surrogateescape")
        bad = [hex(ord(c)) for c in text if ord(c) in BAD - {0x0A}]
        assert not bad, (bad, text)
        assert "Traceback" not in text, text


@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=hostile.filter(lambda s: "/" not in s and "\x00" not in s))
def test_import_of_a_hostile_file_name_prints_one_safe_line(tmp_path_factory, name):
    root = tmp_path_factory.mktemp("import")
    path = root / f"notes{name}.json"
    try:
        path.write_text('{"format": "nonsense"', encoding="utf-8")  # not a valid export
    except (OSError, UnicodeEncodeError):
        return  # a name this file system refuses
    result = ldn("import", str(path), data=root / "data")
    assert result.returncode != 0
    _safe_output(result)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    missing = ldn("import", str(root / f"missing{name}.json"), data=root / "data")
    assert missing.returncode != 0
    _safe_output(missing)
    assert len(missing.stderr.splitlines()) == 1, missing.stderr


def test_check_of_a_body_with_escapes_prints_symbols(tmp_path):
    content, name = _content_copy(tmp_path, "Alpha", "A summary")
    path = content / name
    path.write_text(
        path.read_text(encoding="utf-8") + "\nTerminal \x1b]52;c;Y29udGVudA==\x07 and \u202eevil 3 mg.\n",
        encoding="utf-8",
    )
    checked = ldn("check", "--content", str(content), data=tmp_path / "data")
    assert checked.returncode == 1
    _safe_output(checked)
    assert "U+001B" in checked.stdout.decode()


# ---------------------------------------------------------------- link messages


@pytest.mark.parametrize("href", ["zz[/x].md", "#[/x]", "x[/]:y", "a\x1b]0;T\x07\u202e[b].md"])
async def test_link_messages_show_the_target_literally(shipped, tmp_path, href):
    """The reader's "link points at ..." toasts hold the link's text as data.
    (markdown-it percent-encodes ``[`` in content links, so today only a
    caller passing a raw href reaches this; it must still never crash.)"""
    app = create_app(shipped, seen_data_dir(tmp_path / "data"))
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await ready(pilot)
        app.reader.follow_link(href)
        for _ in range(100):
            await pilot.pause(0.01)
            if app.screen.query(Toast):
                break
        await pilot.pause(0.1)
        assert [t for t in app.screen.query(Toast)], "no toast"
        drawn(app.screen, "link toast")
        assert app.is_running
