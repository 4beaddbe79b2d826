"""Search everything: the guide's text, glossary and references, and the
reader's notes and bookmarks, ranked. No Textual."""

from ldn_tui.search.query import SearchIndex, SearchResult, build_index
from ldn_tui.search.text import find_matches

__all__ = ["SearchIndex", "SearchResult", "build_index", "find_matches"]
