"""Export and import of the reader's data: the handouts (Markdown, HTML, PDF,
CSV, CSL-JSON) and the lossless JSON backup with its schema and import.

No Textual. The PDF writer (fpdf2) is imported only when a PDF is made.
"""

from ldn_tui.export.files import DestinationExists, ExportError, check_destination
from ldn_tui.export.importer import import_export, read_export
from ldn_tui.export.options import FORMATS, PAPERS, SCOPES, STDOUT
from ldn_tui.export.request import ExportRequest, default_filename, render_export, select, write_export

__all__ = [
    "FORMATS",
    "PAPERS",
    "SCOPES",
    "STDOUT",
    "DestinationExists",
    "ExportError",
    "ExportRequest",
    "check_destination",
    "default_filename",
    "import_export",
    "read_export",
    "render_export",
    "select",
    "write_export",
]
