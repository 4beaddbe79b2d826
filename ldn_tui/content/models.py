"""The guide's records, shared by the domain modules and the UI.

Nothing here imports Textual: the content loader, the store, export and
search all hand these out, and the UI only reads them.

They are immutable ``NamedTuple`` classes rather than frozen dataclasses:
the first frame imports this module, and making the nine as frozen
dataclasses took 12 ms of the start-up (each compiles six generated
methods); as named tuples, about 2 ms. Read them by attribute and build
them by field name or order; do not unpack them or compare them with
plain tuples.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------

#: Evidence types a reference may carry, in the order the References pane
#: groups them (strongest designs first), with the label readers see.
EVIDENCE_TYPES: dict[str, str] = {
    "meta-analysis": "Systematic reviews and meta-analyses",
    "rct": "Randomised controlled trials",
    "crossover": "Crossover trials",
    "open-label": "Open-label pilot studies",
    "dose-finding": "Dose-finding studies (no placebo group)",
    "chart-review": "Chart reviews",
    "observational": "Observational and registry studies",
    "case-series": "Case series and case reports",
    "lab": "Lab and animal studies",
    "review": "Narrative reviews",
    "registry": "Registered trials (results not yet published)",
    "label": "Drug labels and regulatory documents",
    "expert-opinion": "Expert opinion and practice guidance",
    "anecdote": "Anecdote and personal accounts",
}

#: Short labels used inline ("RCT", "lab study"), keyed like EVIDENCE_TYPES.
EVIDENCE_SHORT: dict[str, str] = {
    "meta-analysis": "meta-analysis",
    "rct": "RCT",
    "crossover": "crossover trial",
    "open-label": "open-label pilot",
    "dose-finding": "dose-finding study",
    "chart-review": "chart review",
    "observational": "observational study",
    "case-series": "case series",
    "lab": "lab study",
    "review": "review",
    "registry": "trial registration",
    "label": "drug label",
    "expert-opinion": "expert opinion",
    "anecdote": "anecdote",
}


class Reference(NamedTuple):
    """One entry of the structured references file."""

    key: str
    authors: str
    year: int | None
    title: str
    venue: str
    evidence: str
    doi: str = ""
    pmid: str = ""
    registry: str = ""
    url: str = ""
    note: str = ""
    line: int = 0

    @property
    def short(self) -> str:
        """A short label for inline citations, such as ``Younger 2013``."""
        first = self.authors.split(",")[0].strip() or self.key
        surname = first.split()[0] if first.split() else first
        return f"{surname} {self.year}" if self.year else surname

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """``(label, url)`` pairs for every identifier this reference has."""
        out: list[tuple[str, str]] = []
        if self.doi:
            out.append((f"doi:{self.doi}", f"https://doi.org/{self.doi}"))
        if self.pmid:
            out.append((f"PMID {self.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"))
        if self.registry:
            out.append((self.registry, registry_url(self.registry)))
        if self.url:
            out.append((self.url, self.url))
        return out

    @property
    def citation(self) -> str:
        """The full citation as plain text (no identifiers)."""
        parts = [self.authors.rstrip(".")]
        if self.year:
            parts.append(str(self.year))
        parts.append(self.title.rstrip("."))
        if self.venue:
            parts.append(self.venue.rstrip("."))
        return ". ".join(p for p in parts if p) + "."


def registry_url(registry_id: str) -> str:
    """The public page of a trial registry ID (ClinicalTrials.gov or ANZCTR)."""
    rid = registry_id.strip()
    if rid.upper().startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{rid}"
    if rid.upper().startswith("ACTRN"):
        return f"https://anzctr.org.au/Trial/Registration/TrialReview.aspx?ACTRN={rid[5:]}"
    return ""


class Span(NamedTuple):
    """A run of inline text with its styling and, maybe, a link target."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    link: str | None = None
    #: citation key when this span is a rendered citation
    cite: str | None = None


class Block(NamedTuple):
    """One block of a pane: a heading, paragraph, list item, table, ...

    ``kind`` is one of ``heading``, ``paragraph``, ``item``, ``quote``,
    ``code``, ``rule``, ``table``. ``depth`` is the list nesting depth for
    items (0 outside lists) and ``quote`` the blockquote depth. ``marker``
    is the list bullet or number. Tables put their cells in ``rows`` (the
    first row is the header).
    """

    kind: str
    spans: tuple[Span, ...] = ()
    line: int = 0
    level: int = 0
    slug: str = ""
    depth: int = 0
    quote: int = 0
    marker: str = ""
    rows: tuple[tuple[tuple[Span, ...], ...], ...] = ()
    align: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Plain text of the block (tables: cells joined by tabs and newlines)."""
        if self.kind == "table":
            return "\n".join("\t".join("".join(s.text for s in cell) for cell in row) for row in self.rows)
        return "".join(s.text for s in self.spans)


class Heading(NamedTuple):
    """A heading of a pane, addressed by its stable slug."""

    level: int
    text: str
    slug: str
    line: int


class Link(NamedTuple):
    """A link found in a pane's source."""

    target: str
    text: str
    line: int


class Citation(NamedTuple):
    """A ``[@key]`` citation marker and the heading it sits under."""

    key: str
    line: int
    slug: str = ""


class Document(NamedTuple):
    """A parsed pane body: blocks for rendering, plus what ``check`` needs."""

    blocks: tuple[Block, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    citations: tuple[Citation, ...]

    def heading(self, slug: str) -> Heading | None:
        """The heading with ``slug``, or None."""
        for heading in self.headings:
            if heading.slug == slug:
                return heading
        return None


class PaneMeta(NamedTuple):
    """A pane's front matter and where its file lives."""

    id: str
    title: str
    order: int
    summary: str
    reviewed: str
    path: Path
    kind: str = "page"
    body_line: int = 1


class Problem(NamedTuple):
    """A problem found in content: ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
