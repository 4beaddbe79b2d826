"""The terminal app (Textual): the app, its screens, widgets, themes and the
one stylesheet. The only package that imports Textual or Rich."""

from ldn_tui.tui.app import LdnApp, create_app

__all__ = ["LdnApp", "create_app"]
