"""``ldn-tui show`` and ``ldn-tui search``: plain text for screen readers and pipes.

Run against the shipped content (every pane), through the real command line
(:func:`ldn_tui.cli.main`), and once in a real pseudo-terminal to prove
that no escape code reaches a terminal either.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_tui.cli import main
from ldn_tui.content.library import ContentError, load_library
from ldn_tui.paths import bundled_content_dir

CONTENT = bundled_content_dir()
LIBRARY = load_library(CONTENT)
PANES = [pane.id for pane in LIBRARY.panes]
#: characters that draw boxes: tables must not use them
BOX = re.compile("[\u2500-\u257f]")
URL = re.compile(r"^\S*(https?://|mailto:)\S+$")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--content", str(CONTENT), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def too_long(text: str, width: int) -> list[str]:
    """Lines longer than ``width`` that are not a single unbreakable token
    (a web address, possibly after its indent and label)."""
    bad = []
    for line in text.split("\n"):
        if len(line) <= width:
            continue
        words = line.split()
        # the only allowed overflow: one word that is itself longer than the
        # width minus its indent (a long web address in a reference)
        if not any(len(w) > width - (len(line) - len(line.lstrip())) - 8 for w in words) or not any(
            URL.match(w) for w in words
        ):
            bad.append(line)
    return bad


def test_shipped_content_has_every_pane_kind():
    assert {"studies", "glossary", "references"} <= set(PANES)


@pytest.mark.parametrize("width", [40, 76, 120])
@pytest.mark.parametrize("pane", PANES)
def test_show_every_pane_fits_the_width_without_escapes(capsys, pane: str, width: int):
    code, out, err = run(capsys, "show", pane, "--width", str(width))
    assert (code, err) == (0, "")
    assert "\x1b" not in out
    assert not [c for c in out if ord(c) < 32 and c != "\n"], "a control character reached the output"
    assert not BOX.search(out), "box drawing in plain text"
    assert too_long(out, width) == []
    title = LIBRARY.pane(pane).title
    assert out.startswith(f"{title}\n{'=' * len(title)}\n")
    # the text is all there: every heading of the pane, in order
    positions = []
    flat = " ".join(out.split())
    for heading in LIBRARY.document(pane).headings:
        position = flat.find(" ".join(heading.text.split()), positions[-1] if positions else 0)
        assert position != -1, heading.text
        positions.append(position)


def test_only_web_addresses_overflow_a_narrow_width(capsys):
    """Which lines are longer than 40 characters: only reference addresses."""
    code, out, _ = run(capsys, "show", "studies", "--width", "40")
    long_lines = [line for line in out.split("\n") if len(line) > 40]
    assert long_lines, "the studies references hold addresses longer than 40 characters"
    assert all(URL.match(line.strip()) for line in long_lines), long_lines


def test_tables_are_labelled_records(capsys):
    code, out, _ = run(capsys, "show", "studies")
    assert code == 0
    record = out[out.index("Study: Younger et al.") :].split("\n\n")[0].split("\n")
    assert record == [
        "Study: Younger et al.",
        "  Design: Randomised double-blind crossover",
        "  n: 31 women",
        "  Dose: 4.5 mg",
        "  Duration: 12 wk LDN, 4 wk placebo",
        "  Main result: Pain down 28.8% vs 18.0% on placebo (p=0.016)",
        "  Evidence level: Moderate",
        "  Citation: (Younger 2013)",
    ]
    assert "|" not in out


def test_citations_inline_and_references_at_the_end(capsys):
    code, out, _ = run(capsys, "show", "studies", "--width", "76")
    assert "(Bruun 2024; Bested 2023; " in " ".join(out.split())
    assert "[@" not in out
    tail = out[out.rindex("\nReferences\n----------\n") :]
    assert "Bruun 2024: Bruun" in tail
    assert "https://doi.org/" in tail
    # each cited reference once
    assert tail.count("\nBruun 2024: ") == 1


def test_two_panes_one_reference_list(capsys):
    code, out, _ = run(capsys, "show", "overview", "3")
    assert code == 0
    assert out.index("Overview\n========") < out.index("Studies\n=======")
    assert out.count("\nReferences\n----------\n") == 1


def test_references_pane_is_not_listed_twice(capsys):
    code, out, _ = run(capsys, "show", "references")
    assert code == 0
    assert "\nReferences\n----------\n" not in out


def test_markdown_format(capsys):
    code, out, _ = run(capsys, "show", "studies", "--format", "md")
    assert code == 0
    assert out.startswith("# Studies\n")
    assert "\n## Fibromyalgia\n" in out
    assert "- **Study:** Younger et al.\n" in out
    assert "\x1b" not in out and not BOX.search(out)


def test_show_without_pane_lists_ids_and_keys(capsys):
    code, out, err = run(capsys, "show")
    assert (code, err) == (0, "")
    for number, pane in enumerate(LIBRARY.panes, 1):
        assert f"\n{number}  {pane.id}: {pane.title}\n" in out


def test_unknown_pane_is_one_line_exit_2(capsys):
    code, out, err = run(capsys, "show", "studies", "nonsense")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "'nonsense'" in err and all(pane in err for pane in PANES)


def test_too_narrow_width_is_refused(capsys):
    code, out, err = run(capsys, "show", "studies", "--width", "5")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "--width" in err


def test_control_characters_in_content_never_reach_the_output(fixture_content: Path):
    """Content holding ESC, BEL and C1 controls is refused when it is loaded
    (one line naming the file and line: finding F21), so ``show`` prints that
    line on stderr and nothing on stdout; no control byte gets through."""
    page = fixture_content / "alpha.md"
    text = page.read_text()
    page.write_text(
        text
        + "\n\nEvil \x1b[31mred\x1b[0m bell\x07 csi\x9b2J tab\there.\n\n| A | B |\n|---|---|\n| \x1b]0;x\x07 | y |\n"
    )
    with pytest.raises(ContentError, match=r"alpha\.md:\d+: control character ␛"):
        load_library(fixture_content)
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui", "show", "alpha", "--content", str(fixture_content)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not [c for c in result.stderr if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]


def test_default_width_is_76_when_piped():
    """Through a pipe (no terminal) the default width is 76."""
    result = subprocess.run(
        [sys.executable, "-m", "ldn_tui", "show", "studies"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": ""},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert max(len(line) for line in lines if not URL.match(line.strip())) == 76


def test_no_escape_codes_on_a_terminal():
    """stdout is a real (pseudo-)terminal 120 columns wide: still no escape
    byte, and the width is capped at 76."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "ldn_tui", "show", "studies"],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(60) == 0
    out = b"".join(chunks).decode()
    assert "Study: Younger et al." in out
    assert b"\x1b" not in b"".join(chunks)
    lines = out.replace("\r\n", "\n").split("\n")
    assert max(len(line) for line in lines if not URL.match(line.strip())) == 76


# -- search ------------------------------------------------------------------


def test_search_prints_ranked_hits_as_blocks(capsys):
    code, out, err = run(capsys, "search", "insomnia", "--limit", "3")
    assert (code, err) == (0, "")
    blocks = out.strip("\n").split("\n\n")
    assert 1 <= len(blocks) <= 3
    for block in blocks:
        head, *snippet = block.split("\n")
        assert " › " in head or head in {p.title for p in LIBRARY.panes}
        assert all(line.startswith("  ") for line in snippet)
    assert blocks[0].startswith("Side effects › ")
    assert "insomnia" in blocks[0].lower()
    assert "\x1b" not in out


def test_search_matches_the_app_ranking(capsys):
    """The same index and ranking as the app's search screen."""
    from ldn_tui.search.query import build_index

    expected = build_index(LIBRARY).search("side efects", limit=5)
    code, out, _ = run(capsys, "search", "side", "efects", "-n", "5")
    assert code == 0
    heads = [block.split("\n")[0] for block in out.strip("\n").split("\n\n")]
    assert len(heads) == len(expected)
    for head, result in zip(heads, expected):
        assert head.startswith(result.pane_title)


def test_search_reads_the_readers_notes(capsys, tmp_path: Path):
    from ldn_tui.notes import Store

    store = Store.open(tmp_path / "data")
    store.add_note("studies", "fibromyalgia", "Fibromyalgia", "Ask about zebrafish \x1b[31m dosing")
    store.close()
    before = sorted(p.name for p in (tmp_path / "data").iterdir())
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "data"), "search", "zebrafish")
    assert (code, err) == (0, "")
    assert out.startswith("Studies › Fibromyalgia (your note)\n")
    assert "␛[31m" in out and "\x1b" not in out
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == before


def test_search_without_a_store_creates_nothing(capsys, tmp_path: Path):
    code, _, _ = run(capsys, "--data-dir", str(tmp_path / "none"), "search", "naltrexone")
    assert code == 0
    assert not (tmp_path / "none").exists()


def test_search_no_hits_did_you_mean_exit_1(capsys):
    code, out, err = run(capsys, "search", "zq", "nalrexonee")
    assert code == 1
    assert out == "No matches for 'zq nalrexonee'. Did you mean: naltrexone?\n"


def test_search_no_hits_no_suggestion(capsys):
    code, out, _ = run(capsys, "search", "qqqqqqqqqq")
    assert code == 1
    assert out.startswith("No matches for 'qqqqqqqqqq'.") and out.count("\n") == 1
