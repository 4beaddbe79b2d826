"""The command palette's app commands, and terminal-safe palette text.

Textual's own system-commands provider hands titles and help strings to
``Content.from_markup`` (its ``Matcher.highlight`` does too), so a pane
title or summary such as ``dose [/day]`` would crash the palette
(``MarkupError``) and ``[@click=app.quit]`` would become a live action
(reliability findings F3, F22). :class:`AppCommands` replaces it: every
title and help text becomes a :class:`~textual.content.Content` built from
plain text (Textual passes Content through unchanged), with control
characters made visible first (:func:`safe_line`), and matches highlighted
by styling character ranges of that Content.

It lists what :meth:`LdnApp.get_system_commands` yields: every app action
with its key, "Change theme" and "Quit"; none of Textual's generic
``Keys``, ``Maximize`` or ``Screenshot`` (of no use to a reader).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from ldn_tui.textsafe import one_line, visible


def safe_line(text: str, limit: int | None = 200) -> str:
    """``text`` as one terminal-safe line: control characters (C0, C1, ESC,
    so every escape sequence), bidi controls and invisible format characters
    shown as visible symbols (:func:`ldn_tui.textsafe.visible`); cut to
    ``limit`` characters (None: not cut)."""
    return visible(str(text), keep_newlines=False) if limit is None else one_line(str(text), limit)


def plain(text: str, limit: int = 200) -> Content:
    """Content for ``text``, never parsed as markup, safe for the terminal."""
    return Content(safe_line(text, limit))


def styled_ranges(text: str, ranges: Iterable[tuple[int, int]], style: Style | None) -> Content:
    """Content for the safe ``text`` with ``style`` on each ``(start, end)``."""
    content = Content(text)
    if style is None:
        return content
    for start, end in ranges:
        if 0 <= start < end <= len(text):
            content = content.stylize(style, start, end)
    return content


class PlainRows(Provider):
    """A provider of plain-text rows ``(title, help, callback)``: it lists
    them all when the palette opens and fuzzy-matches titles as the reader
    types, highlighting matches by character ranges (never markup)."""

    def rows(self) -> list[tuple[str, str, Any]]:
        """The rows to offer, titles and help already terminal-safe."""
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, callback in self.rows():
            # Content passes through Content.from_markup unchanged
            yield DiscoveryHit(Content(title), callback, text=title, help=Content(help_text))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.rows():
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                ranges = [(offset, offset + 1) for offset in offsets if not title[offset].isspace()]
                yield Hit(
                    score,
                    styled_ranges(title, ranges, matcher.match_style),
                    callback,
                    text=title,
                    help=Content(help_text),  # type: ignore[arg-type]
                )


class AppCommands(PlainRows):
    """The app's own commands (``LdnApp.get_system_commands``), each shown
    with its key, built from plain text only."""

    def rows(self) -> list[tuple[str, str, Any]]:
        return [
            (safe_line(command.title), safe_line(command.help), command.callback)
            for command in self.app.get_system_commands(self.screen)
        ]


class ThemeCommands(PlainRows):
    """Every theme for "Change theme", each marked light or dark (Textual's
    own list gives bare names), the app's three plain ones by their names
    in words first."""

    def rows(self) -> list[tuple[str, str, Any]]:
        from functools import partial

        from ldn_tui.tui.themes import THEME_LABELS

        def choose(name: str) -> None:
            self.app.theme = name

        themes = self.app.available_themes
        # the key that steps through them now (LdnApp.key_text: the keymap's)
        key_text = getattr(self.app, "key_text", None)
        theme_key = key_text("theme") if key_text is not None else "T"
        names = [n for n in THEME_LABELS if n in themes] + sorted(n for n in themes if n not in THEME_LABELS)
        rows: list[tuple[str, str, Any]] = []
        for name in names:
            kind = "dark" if themes[name].dark else "light"
            title = THEME_LABELS.get(name, f"{name} ({kind})")
            rows.append(
                (
                    safe_line(title),
                    f"A {kind} theme" + (f", made for ldn-tui (key {theme_key})" if name in THEME_LABELS else ""),
                    partial(choose, name),
                )
            )
        return rows
