"""References as CSL-JSON, for Zotero and other reference managers.

`CSL-JSON <https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html>`_
is the data format of the Citation Style Language; Zotero, Mendeley,
JabRef and pandoc import it. :func:`render_csl` writes one item per
reference with ``type``, ``title``, ``author``, ``issued``,
``container-title`` (and volume, issue, page when the venue says them),
``DOI``, ``PMID``, ``URL`` and the trial registry number. The references
file holds Vancouver-style author strings ("Younger J, Mackey S"): names in
that form become family/given pairs, anything else (an organisation, "BJP
(authors not confirmed)") one literal name, so nothing is lost or guessed.
``tests/fixtures/csl-data.json`` is the CSL schema the output is checked against.

No Textual imports here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ldn_tui.content import Reference, registry_url

#: "Surname Initials", the surname maybe several words ("Van Marwijk H")
_NAME = re.compile(r"^(?P<family>[^\W\d_][\w'’.\-]*(?: [^\W\d_][\w'’.\-]*)*) (?P<given>[A-Z]{1,4})$")
_ET_AL = {"et al", "et al."}
#: "PLoS One 2009;4(4):e5180", "J Transl Med 2022;20:94", "Cochrane Database Syst Rev 2018"
_VENUE = re.compile(
    r"^(?P<journal>.+?) (?P<year>\d{4})"
    r"(?:;(?P<volume>[^(:]+)(?:\((?P<issue>[^)]+)\))?(?::(?P<page>\S+))?)?$"
)


def csl_authors(authors: str) -> list[dict[str, str]]:
    """CSL names for a Vancouver-style author string; one literal when it is not one."""
    parts = [p.strip() for p in authors.split(",") if p.strip()]
    names: list[dict[str, str]] = []
    for part in parts:
        if part.lower() in _ET_AL:
            continue
        match = _NAME.match(part)
        if match is None:
            return [{"literal": authors.strip()}] if authors.strip() else []
        names.append({"family": match["family"], "given": match["given"]})
    return names


def csl_item(ref: Reference) -> dict[str, Any]:
    """One reference as a CSL-JSON item."""
    item: dict[str, Any] = {"id": ref.key, "title": ref.title}
    venue = _VENUE.match(ref.venue) if ref.venue else None
    # A journal article: the venue reads "Journal YEAR;vol(issue):pages" and
    # there is a DOI, PMID or volume (a drug label's venue never does).
    article = ref.evidence != "label" and venue is not None and bool(ref.doi or ref.pmid or venue["volume"])
    if article:
        item["type"] = "article-journal"
        assert venue is not None
        item["container-title"] = venue["journal"]
        for field in ("volume", "issue", "page"):
            if venue[field]:
                item[field] = venue[field].strip()
    elif ref.registry:
        item["type"] = "report"  # Zotero imports a registry record as a report
        item["number"] = ref.registry
        if ref.venue and ref.venue != ref.registry:
            item["publisher"] = ref.venue
    elif ref.evidence == "label":
        item["type"] = "document"
        if ref.venue:
            item["container-title"] = ref.venue
    elif ref.url:
        item["type"] = "webpage"
        if ref.venue:
            item["container-title"] = ref.venue
    else:
        item["type"] = "document"
        if ref.venue:
            item["container-title"] = ref.venue
    authors = csl_authors(ref.authors)
    if authors:
        item["author"] = authors
    if ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    if ref.doi:
        item["DOI"] = ref.doi
    if ref.pmid:
        item["PMID"] = ref.pmid
    url = ref.url or (f"https://doi.org/{ref.doi}" if ref.doi else "") or registry_url(ref.registry)
    if url:
        item["URL"] = url
    if ref.note:
        item["note"] = ref.note
    return item


def render_csl(references: Iterable[Reference]) -> str:
    """A CSL-JSON array of ``references``, in the order given."""
    return json.dumps([csl_item(ref) for ref in references], ensure_ascii=False, indent=2) + "\n"
