"""Hostile content folders (reliability.md F20, F21, F23).

A FIFO or a symlink to ``/dev/zero`` among the ``*.md`` files used to hang
``check`` and the app (or eat memory); control characters in content went
to the terminal raw; CR-only line endings read as "missing front matter".
Each case runs the real ``ldn-tui`` process with a time limit: ``check``,
and the app (without a terminal it reports a content problem first).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_tui.cli import main
from ldn_tui.content.library import ContentError, load_library

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20


def ldn(content: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LDN_TUI_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "ldn_tui", *args, "--content", str(content)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=LIMIT,
    )


def _no_escape(result: subprocess.CompletedProcess) -> None:
    for stream in (result.stdout, result.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream
        assert b"Traceback" not in stream


# ---------------------------------------------------------------- F20: not regular files


def _fifo(content: Path) -> tuple[Path, str]:
    path = content / "zzfifo.md"
    os.mkfifo(path)
    return path, "FIFO"


def _dev_zero(content: Path) -> tuple[Path, str]:
    path = content / "zzzero.md"
    path.symlink_to("/dev/zero")
    return path, "a device"


def _huge(content: Path) -> tuple[Path, str]:
    path = content / "zzhuge.md"
    with open(path, "wb") as handle:  # sparse: no disk used
        handle.truncate(5 * 1024 * 1024)  # over the 4 MB limit
    return path, "larger than 4 MB"


@pytest.mark.parametrize("make", [_fifo, _dev_zero, _huge], ids=["fifo", "dev-zero", "huge"])
def test_check_and_app_name_a_file_that_cannot_be_read(fixture_content, tmp_path, make):
    path, what = make(fixture_content)
    checked = ldn(fixture_content, tmp_path, "check")
    assert checked.returncode == 1
    [line] = [line for line in checked.stdout.decode().splitlines() if str(path) in line]
    assert line.startswith(f"{path}:0: cannot read file: ") and what in line
    _no_escape(checked)

    started = ldn(fixture_content, tmp_path)  # the app
    assert started.returncode == 1
    errors = started.stderr.decode().splitlines()
    assert len(errors) == 1 and str(path) in errors[0] and what in errors[0]
    _no_escape(started)


def test_a_fifo_references_file_does_not_hang_a_cached_start(fixture_content):
    (fixture_content / "references.toml").unlink()
    os.mkfifo(fixture_content / "references.toml")
    with pytest.raises(ContentError, match="FIFO"):
        load_library(fixture_content, references=False)
    with pytest.raises(ContentError, match="FIFO"):
        load_library(fixture_content)


# ---------------------------------------------------------------- F21: control characters


OSC = "\x1b]52;c;Y29udGVudA==\x07 and \x1b]0;CONTENTTITLE\x07"


def test_control_characters_in_content_are_reported_never_printed(fixture_content, tmp_path):
    beta = fixture_content / "beta.md"
    lines = beta.read_text(encoding="utf-8").split("\n")
    lines.append(f"Terminal {OSC} 3 times.")
    beta.write_text("\n".join(lines), encoding="utf-8")
    checked = ldn(fixture_content, tmp_path, "check")
    assert checked.returncode == 1
    out = checked.stdout.decode()
    assert f"{beta}:{len(lines)}: control character ␛ (U+001B) in the text; remove it" in out.splitlines()
    _no_escape(checked)

    started = ldn(fixture_content, tmp_path)
    assert started.returncode == 1 and len(started.stderr.splitlines()) == 1
    assert b"U+001B" in started.stderr
    _no_escape(started)


@pytest.mark.parametrize("char", ["\x07", "\x9b", "\u202e", "\x00"])
def test_other_controls_and_bidi_overrides_are_reported(fixture_content, char):
    alpha = fixture_content / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("title: Alpha", f"title: Al{char}pha"), encoding="utf-8")
    with pytest.raises(ContentError, match=f"U\\+{ord(char):04X}"):
        load_library(fixture_content)


def test_check_shows_a_hostile_file_name_as_symbols(fixture_content, capsys):
    (fixture_content / "bad\x1b]0;T\x07.md").write_text("no front matter\n", encoding="utf-8")
    assert main(["check", "--content", str(fixture_content)]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "bad␛]0;T␇.md:1: missing front matter" in captured.out


# ---------------------------------------------------------------- F23: CR-only line endings


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_cr_only_and_crlf_files_read_like_lf(fixture_content, tmp_path, ending):
    for path in fixture_content.glob("*.md"):
        path.write_bytes(path.read_bytes().replace(b"\n", ending.encode()))
    checked = ldn(fixture_content, tmp_path, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    library = load_library(fixture_content)
    assert [pane.id for pane in library.panes] == ["alpha", "beta", "glossary", "references"]


def test_a_problem_in_a_cr_only_file_names_the_right_line(fixture_content, capsys):
    beta = fixture_content / "beta.md"
    text = beta.read_text(encoding="utf-8").replace("order: 2", "order: second")
    beta.write_bytes(text.replace("\n", "\r").encode())
    assert main(["check", "--content", str(fixture_content)]) == 1
    assert f"{beta}:4: order 'second' is not a whole number" in capsys.readouterr().out

    beta.write_bytes(b"---\rid: beta\r\xff\r")
    with pytest.raises(ContentError, match=r"beta\.md:3: not UTF-8"):
        load_library(fixture_content)


def test_a_huge_references_file_is_refused_before_a_cached_start_reads_it(fixture_content):
    with open(fixture_content / "references.toml", "ab") as handle:
        handle.truncate(5 * 1024 * 1024)  # sparse, over the 4 MB limit
    with pytest.raises(ContentError, match="larger than 4 MB"):
        load_library(fixture_content, references=False)
