"""How long a note may be, and how much of a long note a list shows (F9).

A 1 MB note took 10 s to show in the notes panel and a 20 MB one never
appeared (finding F9), because every list drew each note whole. So:

* :data:`MAX_NOTE_CHARS` is the most a note can hold: 100,000 characters,
  about 15,000 words or 40 printed pages. That is far more than anyone
  writes under one heading (a year of daily two-line entries is about
  40,000), yet the editor opens a note of that size in well under a second
  and every export stays small. It counts characters (what the reader
  sees), not bytes. Text enters through the editor (typing and pasting
  stop at the limit), the store (:func:`too_long` refuses a save past it)
  and ``ldn-tui import`` (an export holding a longer note is refused
  whole), so a reader can never make such a note.
* A note already longer than that (written by an older ldn-tui, which had
  no limit) is never refused or cut: it opens, shows, exports and can be
  edited, as long as an edit does not make it longer still.
* Lists show :func:`preview`: the start of the note, at most
  :data:`PREVIEW_CHARS` characters and :data:`PREVIEW_LINES` lines, then
  :func:`more_text`. Only the editor shows a note whole.

No Textual imports here.
"""

from __future__ import annotations

#: The most characters a note can hold (see the module docstring for why).
MAX_NOTE_CHARS = 100_000

#: A list row shows at most this many characters of a note ...
PREVIEW_CHARS = 800
#: ... and at most this many of its lines.
PREVIEW_LINES = 12


def too_long(text: str, allowed: int = MAX_NOTE_CHARS) -> str | None:
    """Why ``text`` cannot be saved as a note because of its length, or None.

    ``allowed`` is the most it may hold: :data:`MAX_NOTE_CHARS`, or more for
    a note that is already longer (it may stay as long as it is). The
    answer is one sentence for the reader, naming the limit.
    """
    if len(text) <= max(allowed, MAX_NOTE_CHARS):
        return None
    return (
        f"The note is {len(text):,} characters long; a note can hold at most {MAX_NOTE_CHARS:,}. "
        "Nothing was saved: split the text into shorter notes."
    )


def preview(text: str, chars: int = PREVIEW_CHARS, lines: int = PREVIEW_LINES) -> tuple[str, int]:
    """The start of ``text`` for a list row, and how many characters it leaves out.

    At most ``chars`` characters and ``lines`` lines; the work done is
    bounded by ``chars``, however long the text is.
    """
    head = text[:chars]
    end = -1
    for _ in range(lines):
        end = head.find("\n", end + 1)
        if end < 0:
            break
    else:
        head = head[:end]
    return head, len(text) - len(head)


def more_text(hidden: int) -> str:
    """The line that ends a cut preview, saying how much is not shown."""
    unit = "character" if hidden == 1 else "characters"
    return f"… ({hidden:,} more {unit}: open the note to read it all)"
