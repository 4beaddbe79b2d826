"""Three plain themes made for this app, and their names in words.

Readers with light sensitivity or brain fog get a short choice on one key
(``T``) instead of twenty names: a calm dark, a calm light and a high
contrast theme. The colours are here, in one place, because a Textual theme
is defined in Python (the stylesheet only uses its variables).

Calm themes keep glare down: no pure white or pure black, muted hues, body
text well above 7:1. High contrast is white on black with every text colour
(links, headings, muted text) at 7:1 or more (WCAG AAA); its text variables
are fixed so Textual's blending cannot pull them below that.
"""

from __future__ import annotations

from textual.theme import Theme

#: The themes on ``T``, in the order ``T`` steps through them, with the
#: name a reader sees.
THEME_LABELS: dict[str, str] = {
    "calm-dark": "Calm dark",
    "calm-light": "Calm light",
    "high-contrast": "High contrast",
}

THEMES = [
    Theme(
        name="calm-dark",
        dark=True,
        background="#1d2126",
        surface="#23282e",
        panel="#2b3138",
        foreground="#d9dee3",
        primary="#86a9c9",
        secondary="#a9bf92",
        accent="#c9a27e",
        warning="#d8b66a",
        error="#d98c8c",
        success="#9cc39a",
    ),
    Theme(
        name="calm-light",
        dark=False,
        background="#f3efe6",
        surface="#ebe6da",
        panel="#e2dccd",
        foreground="#2b2f33",
        primary="#2d5a84",
        secondary="#55652c",
        accent="#8a4a2f",
        warning="#8a6100",
        error="#a33a3a",
        success="#3d6b35",
    ),
    Theme(
        name="high-contrast",
        dark=True,
        background="#000000",
        surface="#0d0d0d",
        panel="#1a1a1a",
        foreground="#ffffff",
        primary="#ffe14d",
        secondary="#8fd3ff",
        accent="#8fd3ff",
        warning="#ffb347",
        error="#ff8c8c",
        success="#7ee07e",
        text_alpha=1.0,
        variables={
            "text-primary": "#ffe14d",
            "text-secondary": "#8fd3ff",
            "text-accent": "#8fd3ff",
            "text-muted": "#e0e0e0",
            "text-warning": "#ffb347",
            "text-error": "#ff8c8c",
            "text-success": "#7ee07e",
        },
    ),
]


def register(app) -> None:
    """Make the three themes available to ``app`` (before it picks one)."""
    for theme in THEMES:
        app.register_theme(theme)


def label(name: str) -> str:
    """The name a reader sees for theme ``name``."""
    return THEME_LABELS.get(name, name)


def next_theme(current: str) -> str:
    """The theme ``T`` moves to from ``current`` (the first from any other)."""
    names = list(THEME_LABELS)
    if current in names:
        return names[(names.index(current) + 1) % len(names)]
    return names[0]
