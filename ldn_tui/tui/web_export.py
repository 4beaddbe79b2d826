"""Exports under ``ldn-tui serve``: the reader's browser downloads the file.

When the app runs in a browser (textual-serve), the export dialog's path
names a file on the *server*, which the reader may never see. So the export
is rendered in memory and handed to Textual's ``App.deliver_binary``, which
sends it to the browser as a download; nothing is written on the server.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ldn_tui.export import ExportRequest, render_export, select

if TYPE_CHECKING:
    from textual.app import App

    from ldn_tui.content import Library

#: format -> MIME type of the download
MIME_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def deliver_export(app: App, request: ExportRequest, library: Library, bookmarks, notes, state) -> str:
    """Render the export and start its download; returns the file name.

    Call from a worker thread (the app's ``run_export``): the delivery is
    handed to the app's thread. Raises what :func:`render_export` raises
    (``NothingToExport``, ``ExportError``) before anything is sent.
    """
    data = render_export(request.format, select(request.scope, bookmarks, notes, state), library)
    name = Path(request.path).name
    app.call_from_thread(
        app.deliver_binary, io.BytesIO(data), save_filename=name, mime_type=MIME_TYPES.get(request.format)
    )
    return name
