"""The reader's data: bookmarks, notes and reading position in one TinyDB file
(atomic, durable, locked between windows), and the editor's crash drafts.

The fields of a Note, a Bookmark and the app state are spelled once, in
:mod:`ldn_tui.notes.models`; :mod:`ldn_tui.notes.fields` hands them to the
store, the JSON backup and its importer. No Textual, and no knowledge of the
guide's content.
"""

from typing import TYPE_CHECKING

from ldn_tui.notes.fields import as_json, json_schema, time_fields
from ldn_tui.notes.file_format import (
    DB_NAME,
    EXTRA_MAX_KEYS,
    key_problem,
    shown_key,
    value_problem,
)
from ldn_tui.notes.models import JSON_DEFS, AppState, Bookmark, Note, note_order
from ldn_tui.notes.note_size import MAX_NOTE_CHARS, more_text, preview, too_long
from ldn_tui.notes.peek import peek_state
from ldn_tui.notes.records import (
    EARLIEST,
    LATEST,
    NoteTooLong,
    StoreBusy,
    StoreError,
    StoreReadOnly,
    UnsavableText,
)
from ldn_tui.startup import lazy_names

if TYPE_CHECKING:
    from ldn_tui.notes.drafts import (
        DRAFT_DELAY,
        Draft,
        DraftError,
        drafts_dir,
    )
    from ldn_tui.notes.drafts import left_behind as left_behind_drafts
    from ldn_tui.notes.drafts import new_path as new_draft_path
    from ldn_tui.notes.drafts import remove as remove_draft
    from ldn_tui.notes.drafts import write as write_draft
    from ldn_tui.notes.store import Store

#: Names imported on first use (PEP 562), not with the package: the app
#: paints its first frame before it opens the store (TinyDB and the locked
#: file) or looks for drafts. name -> (module, attribute)
_LAZY = {
    "Store": ("ldn_tui.notes.store", "Store"),
    "DRAFT_DELAY": ("ldn_tui.notes.drafts", "DRAFT_DELAY"),
    "Draft": ("ldn_tui.notes.drafts", "Draft"),
    "DraftError": ("ldn_tui.notes.drafts", "DraftError"),
    "drafts_dir": ("ldn_tui.notes.drafts", "drafts_dir"),
    "left_behind_drafts": ("ldn_tui.notes.drafts", "left_behind"),
    "new_draft_path": ("ldn_tui.notes.drafts", "new_path"),
    "remove_draft": ("ldn_tui.notes.drafts", "remove"),
    "write_draft": ("ldn_tui.notes.drafts", "write"),
}

__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "DRAFT_DELAY",
    "Draft",
    "DraftError",
    "DB_NAME",
    "EARLIEST",
    "EXTRA_MAX_KEYS",
    "JSON_DEFS",
    "LATEST",
    "AppState",
    "Bookmark",
    "Note",
    "MAX_NOTE_CHARS",
    "NoteTooLong",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreReadOnly",
    "UnsavableText",
    "as_json",
    "drafts_dir",
    "json_schema",
    "left_behind_drafts",
    "more_text",
    "new_draft_path",
    "remove_draft",
    "write_draft",
    "key_problem",
    "note_order",
    "peek_state",
    "preview",
    "shown_key",
    "time_fields",
    "too_long",
    "value_problem",
]
