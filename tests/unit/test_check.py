"""``ldn-tui check``: exit 0 on clean content, exit 1 with ``path:line:``
lines naming each problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ldn_tui.cli import main
from ldn_tui.content.check import check_directory
from ldn_tui.paths import bundled_content_dir

PROBLEM_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.+)$")


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """Run ``ldn-tui check`` in-process: (exit code, stdout lines, stderr)."""
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Edit a file of the content copy (the old text must be there)."""

    def edit(content: Path) -> None:
        path = content / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(name: str, extra: str) -> Callable[[Path], None]:
    def edit(content: Path) -> None:
        with (content / name).open("a", encoding="utf-8") as handle:
            handle.write(extra)

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(content: Path) -> None:
        for one in edits:
            one(content)

    return edit


def copy_as(source: str, target: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(content: Path) -> None:
        text = (content / source).read_text(encoding="utf-8")
        (content / target).write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def edit(content: Path) -> None:
        (content / name).write_bytes(data)

    return edit


VERDICTS = "\n## Claims\n\n| Claim | Verdict |\n|---|---|\n| [It works](#it-works) | {summary} |\n\n### It works\n\n**Verdict: {section}**\n"

UNUSED_REFERENCE = (
    '\n[unused2021]\nauthors = "Unused U"\nyear = 2021\ntitle = "Never cited"\nevidence = "rct"\ndoi = "10.1/unused"\n'
)

# (edit, file, line, words in the message); every case gives exactly one problem.
BROKEN = [
    pytest.param(
        replace("beta.md", "---\nid: beta", "id: beta"), "beta.md", 1, "missing front matter", id="missing-front-matter"
    ),
    pytest.param(
        replace("beta.md", "order: 2", "order: 2nd"), "beta.md", 4, "order '2nd' is not a whole number", id="bad-order"
    ),
    pytest.param(
        replace("beta.md", "reviewed: 2026-01-03", "reviewed: 2026-13-45"),
        "beta.md",
        6,
        "is not a date (YYYY-MM-DD)",
        id="bad-date",
    ),
    pytest.param(
        replace("beta.md", "id: beta", "id: bravo"),
        "beta.md",
        2,
        "id 'bravo' must match the file name 'beta'",
        id="id-not-file-name",
    ),
    # The file stem is the id, so a second file claiming an id is caught
    # on its id line, named as a duplicate.
    pytest.param(
        both(copy_as("beta.md", "gamma.md", "id: beta", "id: gamma"), replace("beta.md", "id: beta", "id: gamma")),
        "beta.md",
        2,
        "duplicate id 'gamma' (also gamma.md's): use the file name 'beta'",
        id="duplicate-id",
    ),
    pytest.param(
        replace("beta.md", "[@jones2019]", "[@jones2019; @nobody2000]"),
        "beta.md",
        17,
        "unknown citation key 'nobody2000'",
        id="unknown-citation-key",
    ),
    pytest.param(
        append("references.toml", UNUSED_REFERENCE),
        "references.toml",
        18,
        "reference 'unused2021' is not cited by any pane",
        id="unused-reference",
    ),
    pytest.param(
        replace("beta.md", "(alpha.md)", "(nowhere.md)"),
        "beta.md",
        13,
        "link to missing pane 'nowhere.md'",
        id="link-missing-pane",
    ),
    pytest.param(
        replace("beta.md", "(alpha.md)", "(alpha.md#nowhere)"),
        "beta.md",
        13,
        "link to missing anchor '#nowhere' in alpha.md",
        id="link-missing-anchor",
    ),
    pytest.param(
        replace("alpha.md", "(#background)", "(#nowhere)"),
        "alpha.md",
        27,
        "link to missing anchor '#nowhere' in alpha.md",
        id="link-missing-local-anchor",
    ),
    pytest.param(
        replace("beta.md", "(alpha.md)", "(javascript:alert(1))"),
        "beta.md",
        13,
        "link scheme 'javascript' is not allowed",
        id="javascript-link",
    ),
    pytest.param(
        replace("beta.md", "(alpha.md)", "(file:///etc/passwd)"),
        "beta.md",
        13,
        "link scheme 'file' is not allowed",
        id="file-link",
    ),
    pytest.param(
        replace("beta.md", "(alpha.md)", "(../alpha.md)"),
        "beta.md",
        13,
        "internal links look like 'pane.md'",
        id="link-outside",
    ),
    pytest.param(
        replace("references.toml", 'url = "https://example.org/jones"', ""),
        "references.toml",
        10,
        "reference 'jones2019' has no doi, pmid, registry or url",
        id="reference-without-identifier",
    ),
    pytest.param(write_bytes("gamma.md", b"\xff"), "gamma.md", 1, "not UTF-8 (byte 0xff)", id="non-utf8-file"),
    pytest.param(
        replace("references.toml", "year = 2019", "year = = 2019"),
        "references.toml",
        12,
        "not valid TOML",
        id="invalid-toml",
    ),
    pytest.param(
        replace("beta.md", "## Key points", "## Summary"),
        "beta.md",
        9,
        "must open with a '## Key points' section",
        id="no-key-points",
    ),
    pytest.param(
        replace("beta.md", "- It has details.\n", ""), "beta.md", 9, "'Key points' has 2 bullets", id="two-key-points"
    ),
    pytest.param(
        replace("beta.md", "- It has details.\n", "- A.\n- B.\n- C.\n- D.\n"),
        "beta.md",
        9,
        "'Key points' has 6 bullets",
        id="six-key-points",
    ),
    pytest.param(
        replace("beta.md", "More text.", "More text about 42 people."),
        "beta.md",
        21,
        "states a number without a citation",
        id="number-in-paragraph",
    ),
    pytest.param(
        replace("beta.md", "- It has details.", "- It has 3 details."),
        "beta.md",
        12,
        "states a number without a citation",
        id="number-in-list-item",
    ),
    pytest.param(
        append("alpha.md", "\n| Study | n |\n|---|---|\n| Brown | 12 |\n"),
        "alpha.md",
        35,
        "states a number without a citation",
        id="number-in-table-row",
    ),
    pytest.param(
        replace("beta.md", "More text.", "Roughly 80% improved."), "beta.md", 21, "80%", id="number-percentage"
    ),
    # A claim's verdict is written in a summary table and in its own section;
    # the two must agree (the long COVID verdict once said "Mixed" in one place).
    pytest.param(
        append("alpha.md", VERDICTS.format(summary="Supported", section="unsupported")),
        "alpha.md",
        37,
        "summary verdict 'Supported' disagrees with 'Verdict: unsupported' under #it-works (line 41)",
        id="verdict-summary-disagrees",
    ),
]


@pytest.mark.parametrize(("edit", "name", "line", "words"), BROKEN)
def test_broken_content_gives_exit_1_and_the_place(fixture_content, capsys, edit, name, line, words):
    edit(fixture_content)
    code, out, err = run_check(capsys, "--content", str(fixture_content))
    assert code == 1
    assert len(out) == 1, out
    match = PROBLEM_RE.match(out[0])
    assert match, out[0]
    assert (match["path"], int(match["line"])) == (str(fixture_content / name), line)
    assert words in match["message"]
    assert err.strip() == f"1 problem in {fixture_content}"
    assert "Traceback" not in err


def test_unclosed_front_matter(fixture_content, capsys):
    replace("beta.md", "reviewed: 2026-01-03\n---\n", "reviewed: 2026-01-03\n")(fixture_content)
    code, out, _ = run_check(capsys, "--content", str(fixture_content))
    assert code == 1
    beta = fixture_content / "beta.md"
    assert f"{beta}:1: front matter is not closed: add a '---' line after it" in out
    assert all(line.startswith(f"{beta}:") for line in out), out


def test_verdicts_that_agree_pass(fixture_content, capsys):
    append("alpha.md", VERDICTS.format(summary="Unsupported", section="unsupported."))(fixture_content)
    code, out, _ = run_check(capsys, "--content", str(fixture_content))
    assert (code, out) == (0, [f"{fixture_content}: OK"])


def test_clean_fixture_exit_0(fixture_content, capsys):
    code, out, err = run_check(capsys, "--content", str(fixture_content))
    assert (code, out, err) == (0, [f"{fixture_content}: OK"], "")


def test_content_option_before_the_command(fixture_content, capsys):
    replace("beta.md", "order: 2", "order: x")(fixture_content)
    code = main(["--content", str(fixture_content), "check"])
    out, _ = capsys.readouterr()
    assert code == 1 and out.startswith(f"{fixture_content / 'beta.md'}:4: ")


def test_content_from_the_environment(fixture_content, capsys, monkeypatch):
    monkeypatch.setenv("LDN_TUI_CONTENT", str(fixture_content))
    code, out, _ = run_check(capsys)
    assert (code, out) == (0, [f"{fixture_content}: OK"])


def test_every_problem_is_reported_in_file_order(fixture_content, capsys):
    for edit in (
        replace("beta.md", "More text.", "More text about 42 people."),
        replace("beta.md", "(alpha.md)", "(nowhere.md)"),
        replace("alpha.md", "(#background)", "(javascript:void(0))"),
        append("references.toml", UNUSED_REFERENCE),
    ):
        edit(fixture_content)
    code, out, err = run_check(capsys, "--content", str(fixture_content))
    assert code == 1
    places = [(PROBLEM_RE.match(line)["path"], int(PROBLEM_RE.match(line)["line"])) for line in out]
    assert places == [
        (str(fixture_content / "alpha.md"), 27),
        (str(fixture_content / "beta.md"), 13),
        (str(fixture_content / "beta.md"), 21),
        (str(fixture_content / "references.toml"), 18),
    ]
    assert err.strip() == f"4 problems in {fixture_content}"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("A dose in `4.5 mg` code.", id="digits-in-code"),
        pytest.param("See [the trial](https://example.org/trial/2020).", id="digits-in-link-target"),
        pytest.param("Microglia carry TLR4 and make IL-6.", id="digits-in-names"),
        pytest.param("In 2020 a trial of 40 people ran [@jones2019].", id="cited-number"),
        pytest.param("No numbers at all.", id="no-number"),
    ],
)
def test_number_rule_allows(fixture_content, capsys, text):
    replace("beta.md", "More text.", text)(fixture_content)
    code, out, _ = run_check(capsys, "--content", str(fixture_content))
    assert (code, out) == (0, [f"{fixture_content}: OK"])


def test_number_rule_ignores_the_generated_reference_list(fixture_content):
    """Years and page numbers in the generated list are not authored claims."""
    assert check_directory(fixture_content) == []
    assert any(ch.isdigit() for ch in (fixture_content / "references.toml").read_text())


def test_citations_without_a_references_pane(fixture_content, capsys):
    (fixture_content / "references.md").unlink()
    code, out, _ = run_check(capsys, "--content", str(fixture_content))
    assert code == 1
    assert f"{fixture_content / 'alpha.md'}:12: citations need a pane with 'kind: references'" in out


def test_missing_content_directory(tmp_path, capsys):
    code, out, _ = run_check(capsys, "--content", str(tmp_path / "nowhere"))
    assert code == 1
    assert out == [f"{tmp_path / 'nowhere'}:0: content directory not found; pass --content DIR or set LDN_TUI_CONTENT"]


def test_shipped_content_is_clean(capsys):
    content = bundled_content_dir()
    assert (content / "references.toml").is_file()
    code, out, err = run_check(capsys)
    assert (code, out, err) == (0, [f"{content}: OK"], "")
