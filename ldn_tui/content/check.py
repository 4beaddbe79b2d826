"""``ldn-tui check``: validate a content directory.

Every problem is reported as ``path:line: problem``. The checks:

- front matter present and well formed, ids unique (see :mod:`.content`);
- files are UTF-8; ``references.toml`` is valid, every entry has an
  identifier (DOI, PMID, registry ID or URL);
- every ``[@key]`` citation resolves; every reference is cited somewhere;
- every internal link points at an existing pane and anchor; external links
  are ``http(s)`` only;
- every pane opens with a ``Key points`` section of three to five bullets;
- the number rule: a paragraph, list item or table row that states a number
  carries a citation;
- the verdict rule: a summary table with a "Verdict" column that links a row
  to a section of the same pane gives the same verdict as that section's
  "Verdict:" line.

No Textual imports here.
"""

from __future__ import annotations

import re
from pathlib import Path

from ldn_tui.content.document import parse_markdown
from ldn_tui.content.library import REFERENCES_FILE, ContentError, Library, load_library
from ldn_tui.content.models import Block, Document, Problem, Span

#: A digit that starts a number: not part of a name like TLR4, IL-6 or COVID-19.
DIGIT_RE = re.compile(r"(?<![A-Za-z])(?<![A-Za-z]-)\d")
EXTERNAL_SCHEMES = ("http://", "https://")
KEY_POINTS = "key-points"


def check_directory(root: Path) -> list[Problem]:
    """Every problem in the content directory ``root`` (empty when clean)."""
    try:
        library = load_library(root)
    except ContentError as error:
        return list(error.problems)
    return check_library(library)


def check_library(library: Library) -> list[Problem]:
    """Every problem in an already loaded library."""
    problems: list[Problem] = []
    cited: set[str] = set()
    documents = {pane.id: library.document(pane.id) for pane in library.panes}
    for pane in library.panes:
        document = documents[pane.id]
        path = pane.path
        for citation in document.citations:
            cited.add(citation.key)
            if citation.key not in library.references:
                problems.append(
                    Problem(path, citation.line, f"unknown citation key {citation.key!r} (not in {REFERENCES_FILE})")
                )
        if document.citations and library.references_pane is None:
            problems.append(Problem(path, document.citations[0].line, "citations need a pane with 'kind: references'"))
        for link in document.links:
            problem = _check_link(library, documents, pane.id, link.target)
            if problem:
                problems.append(Problem(path, link.line, problem))
        problems.extend(_check_key_points(path, document, pane.body_line))
        # The number rule reads the authored body only, not generated lists.
        authored = parse_markdown(library.body(pane.id), library, pane.body_line, "page")
        problems.extend(_check_numbers(path, authored))
        problems.extend(_check_verdicts(path, document))
    refs_path = library.root / REFERENCES_FILE
    for key, ref in library.references.items():
        if key not in cited:
            problems.append(
                Problem(refs_path, ref.line, f"reference {key!r} is not cited by any pane; cite it or remove it")
            )
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.message))


def _check_link(library: Library, documents: dict[str, Document], pane_id: str, target: str) -> str | None:
    """A problem with one link target, or None when it resolves."""
    if target.startswith(EXTERNAL_SCHEMES):
        return None
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
        scheme = target.split(":", 1)[0]
        return f"link scheme {scheme!r} is not allowed (use https:// or a pane link): {target}"
    name, _, anchor = target.partition("#")
    if name:
        if not name.endswith(".md") or "/" in name:
            return f"link to {target!r}: internal links look like 'pane.md' or 'pane.md#anchor'"
        pane = library.pane_by_file(name)
        if pane is None:
            return f"link to missing pane {name!r}"
        pane_id = pane.id
    if anchor and documents[pane_id].heading(anchor) is None:
        return f"link to missing anchor '#{anchor}' in {pane_id}.md"
    if not name and not anchor:
        return "empty link target"
    return None


def _check_key_points(path: Path, document: Document, body_line: int) -> list[Problem]:
    """Each pane must open with a Key points section of 3-5 bullets."""
    blocks = document.blocks
    first = next((b for b in blocks if b.kind == "heading"), None)
    if first is None or first.slug != KEY_POINTS:
        line = first.line if first else body_line
        return [Problem(path, line, "the pane must open with a '## Key points' section")]
    start = blocks.index(first) + 1
    items = 0
    for block in blocks[start:]:
        if block.kind == "heading":
            break
        if block.kind == "item" and block.depth == 1:
            items += 1
    if not 3 <= items <= 5:
        return [Problem(path, first.line, f"'Key points' has {items} bullets; write three to five")]
    return []


def _states_number(spans: tuple[Span, ...]) -> bool:
    return any(DIGIT_RE.search(s.text) for s in spans if not s.code and s.cite is None)


def _is_citation(span: Span) -> bool:
    return span.cite is not None


def _check_numbers(path: Path, document: Document) -> list[Problem]:
    """The number rule: text that states a number carries a citation."""
    problems: list[Problem] = []
    for block in document.blocks:
        if block.kind in ("paragraph", "item"):
            rows: list[tuple[int, tuple[Span, ...]]] = [(block.line, block.spans)]
        elif block.kind == "table":
            rows = [(block.line, tuple(s for cell in row for s in cell)) for row in block.rows[1:]]
            rows = _table_row_lines(block, rows)
        else:
            continue
        for line, spans in rows:
            if _states_number(spans) and not any(_is_citation(s) for s in spans):
                sample = _number_context("".join(s.text for s in spans if not s.code))
                problems.append(Problem(path, line, f"states a number without a citation ({sample}); add [@key]"))
    return problems


def _table_row_lines(block: Block, rows: list[tuple[int, tuple[Span, ...]]]) -> list[tuple[int, tuple[Span, ...]]]:
    # Body rows start two lines below the header line (header, delimiter).
    return [(block.line + 2 + index, spans) for index, (_, spans) in enumerate(rows)]


def _number_context(text: str) -> str:
    match = DIGIT_RE.search(text)
    if not match:
        return text[:30]
    start = max(0, match.start() - 20)
    snippet = text[start : match.start() + 20].replace("\n", " ").strip()
    return f"'…{snippet}…'"


VERDICT_RE = re.compile(r"^\s*verdict:\s*(.+?)\s*\.?\s*$", re.IGNORECASE)


def _check_verdicts(path: Path, document: Document) -> list[Problem]:
    """The verdict rule: a summary table agrees with the sections it links to.

    A claim's verdict is written twice, once in a summary table and once as a
    "Verdict: ..." line under the claim's own heading. When one is corrected
    and the other is not, the reader gets two answers; this catches that.
    """
    section_verdicts: dict[str, tuple[str, int]] = {}
    slug = ""
    for block in document.blocks:
        if block.kind == "heading":
            slug = block.slug
        elif block.kind == "paragraph" and slug and slug not in section_verdicts:
            match = VERDICT_RE.match(block.text)
            if match:
                section_verdicts[slug] = (match.group(1), block.line)
    problems: list[Problem] = []
    for block in document.blocks:
        if block.kind != "table" or not block.rows:
            continue
        header = ["".join(s.text for s in cell).strip().lower() for cell in block.rows[0]]
        if "verdict" not in header:
            continue
        column = header.index("verdict")
        for index, row in enumerate(block.rows[1:]):
            anchors = [s.link[1:] for cell in row for s in cell if s.link and s.link.startswith("#")]
            if not anchors or column >= len(row) or anchors[0] not in section_verdicts:
                continue
            summary = "".join(s.text for s in row[column]).strip()
            verdict, line = section_verdicts[anchors[0]]
            if summary.lower() != verdict.lower():
                problems.append(
                    Problem(
                        path,
                        block.line + 2 + index,
                        f"summary verdict {summary!r} disagrees with 'Verdict: {verdict}' "
                        f"under #{anchors[0]} (line {line}); make them the same",
                    )
                )
    return problems
