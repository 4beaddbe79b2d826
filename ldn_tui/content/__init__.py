"""The guide's content: Markdown panes with front matter and a reference list,
parsed into a document model, checked, cached and printed as plain text.

No Textual, no Rich, and nothing about the reader's notes.
"""

from typing import TYPE_CHECKING

from ldn_tui.content.library import ContentError, Library, load_library
from ldn_tui.content.models import (
    EVIDENCE_TYPES,
    Block,
    Document,
    PaneMeta,
    Problem,
    Reference,
    Span,
    registry_url,
)
from ldn_tui.startup import lazy_names

if TYPE_CHECKING:
    from ldn_tui.content.cache import load as load_document_cache
    from ldn_tui.content.cache import save as save_document_cache
    from ldn_tui.content.check import check_directory, check_library
    from ldn_tui.content.plain_text import (
        DEFAULT_WIDTH,
        FORMATS,
        MIN_WIDTH,
        UnknownPane,
        list_panes,
        render,
        resolve,
        search_hits,
        search_misses,
    )

#: Names imported on first use (PEP 562), not with the package: the app
#: needs neither the checker nor the plain-text printer, and reads the
#: document cache once. name -> (module, attribute)
_LAZY = {
    "load_document_cache": ("ldn_tui.content.cache", "load"),
    "save_document_cache": ("ldn_tui.content.cache", "save"),
    "check_directory": ("ldn_tui.content.check", "check_directory"),
    "check_library": ("ldn_tui.content.check", "check_library"),
    **{
        name: ("ldn_tui.content.plain_text", name)
        for name in (
            "DEFAULT_WIDTH",
            "FORMATS",
            "MIN_WIDTH",
            "UnknownPane",
            "list_panes",
            "render",
            "resolve",
            "search_hits",
            "search_misses",
        )
    },
}

__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "DEFAULT_WIDTH",
    "EVIDENCE_TYPES",
    "FORMATS",
    "MIN_WIDTH",
    "Block",
    "ContentError",
    "Document",
    "Library",
    "PaneMeta",
    "Problem",
    "Reference",
    "Span",
    "UnknownPane",
    "check_directory",
    "check_library",
    "list_panes",
    "load_document_cache",
    "load_library",
    "registry_url",
    "render",
    "resolve",
    "save_document_cache",
    "search_hits",
    "search_misses",
]
