"""Where content and reader data live.

Every location can be overridden by a command-line flag or an environment
variable, so tests point them at ``tmp_path``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ldn-tui"
CONTENT_ENV = "LDN_TUI_CONTENT"
DATA_ENV = "LDN_TUI_DATA_DIR"

_PACKAGE = Path(__file__).resolve().parent


def bundled_content_dir() -> Path:
    """The content shipped with the app.

    A built wheel carries it inside the package (``ldn_tui/_content``, see
    ``force-include`` in pyproject.toml); a source checkout or an editable
    install reads the top-level ``content/`` directory.
    """
    inside = _PACKAGE / "_content"
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / "content"


def content_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The content directory: the flag, else ``$LDN_TUI_CONTENT``, else bundled."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONTENT_ENV)
    if env:
        return Path(env).expanduser()
    return bundled_content_dir()


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The reader's data directory: the flag, else ``$LDN_TUI_DATA_DIR``, else
    the platform's user data directory (``~/.local/share/ldn-tui`` on Linux)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


CONFIG_ENV = "LDN_TUI_CONFIG_DIR"
#: The reader's settings file (its ``[keymap]`` table remaps keys).
CONFIG_NAME = "config.toml"


def config_dir() -> Path:
    """The reader's config directory: ``$LDN_TUI_CONFIG_DIR``, else the
    platform's user config directory (``~/.config/ldn-tui`` on Linux)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The settings file: :data:`CONFIG_NAME` in :func:`config_dir`."""
    return config_dir() / CONFIG_NAME
