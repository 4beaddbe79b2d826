"""Export formats and scopes: the constants the CLI parser needs.

Kept apart from :mod:`ldn_tui.export.request` so that building the command-line
parser (on every start of the app) does not import the exporters.
"""

from __future__ import annotations

#: format -> (file extension, label shown in the app)
FORMATS: dict[str, tuple[str, str]] = {
    "md": ("md", "Markdown handout for your clinician"),
    "json": ("json", "JSON backup, can be imported"),
    "html": ("html", "HTML page, printable"),
    "csv": ("csv", "CSV spreadsheet"),
    "pdf": ("pdf", "PDF handout, ready to print"),
    "csl": ("csl.json", "References for Zotero and other reference managers (CSL-JSON)"),
}
#: scope -> label shown in the app
SCOPES: dict[str, str] = {
    "bookmarked": "Bookmarked headings and their notes",
    "notes": "All notes",
    "all": "Everything (bookmarks, notes and app state)",
}
#: PDF paper size -> label shown in the app
PAPERS: dict[str, str] = {
    "a4": "A4",
    "letter": "US Letter",
}
STDOUT = "-"
