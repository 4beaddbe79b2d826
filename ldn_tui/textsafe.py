"""Show user text exactly as typed, never as markup or terminal control.

Notes may hold anything: ``[bold]``, ``[/]``, ANSI escape sequences,
control characters, emoji, right-to-left text. Markup is never a problem
when text goes into Rich ``Text`` objects (never markup strings), but
control characters would reach the terminal and act on it, so every piece
of user text passes through :func:`visible` before it is drawn: C0 and C1
control characters become visible symbols (ESC shows as ``␛``), and bidi
controls and invisible format characters their names (``⟨RLO⟩``,
``⟨ZWSP⟩``): a right-to-left override would reverse the rest of the
terminal line, and a zero-width character hides text (reliability finding
F34). This is the one place that knows which characters are unsafe; the
palette, the PDF handout and the editor all draw through it.

No Textual imports here.
"""

from __future__ import annotations

_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_C0[0x7F] = "\u2421"  # ␡
_C1 = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
#: Bidi overrides, embeddings, isolates and marks, and zero-width or
#: invisible format characters: each shown by its short Unicode name.
FORMAT_NAMES = {
    0x061C: "ALM",
    0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0x200E: "LRM", 0x200F: "RLM",
    0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
    0x2060: "WJ", 0x2061: "FA", 0x2062: "IT", 0x2063: "IS", 0x2064: "IP",
    0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
    0xFEFF: "BOM",
}  # fmt: skip
_FORMAT = {code: f"\u27e8{name}\u27e9" for code, name in FORMAT_NAMES.items()}  # ⟨RLO⟩
_TABLE = {**_C0, **_C1, **_FORMAT, 0x09: "    "}
#: One visible character for each unsafe one, for a view whose columns must
#: match the stored text (the editor's cursor): C0 as control pictures, C1
#: as ``�``, a format character as a dotted box ``⬚``; tabs are kept.
_SAME_LENGTH = {
    **{code: chr(0x2400 + code) for code in range(0x20) if code != 0x09},
    0x7F: "\u2421",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    **{code: "\u2b1a" for code in FORMAT_NAMES},
}


def visible(text: str, keep_newlines: bool = True, same_length: bool = False) -> str:
    """``text`` with control characters replaced by visible symbols, and
    bidi and invisible format characters by their names (``⟨RLO⟩``).

    Tabs become four spaces; newlines are kept unless ``keep_newlines`` is
    False, in which case they show as ``⏎``. With ``same_length`` every
    unsafe character (newline included) becomes exactly one visible
    character and tabs stay tabs, so column ``n`` of the result is column
    ``n`` of ``text`` (the editor draws its lines this way).
    """
    if same_length:
        return text.translate(_SAME_LENGTH)
    out = text.translate(_TABLE)
    if not keep_newlines:
        out = out.replace("\n", "\u23ce ")
    return out


def one_line(text: str, limit: int = 80) -> str:
    """A single visible line of ``text``, cut to ``limit`` characters."""
    line = visible(text, keep_newlines=False)
    return line if len(line) <= limit else line[: limit - 1] + "…"
