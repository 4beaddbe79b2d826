"""A pane switch's painting stays cheap (issue 14, "Figures").

``rich_style`` walks every ancestor's styles; the document view used to ask
for it once a line (about half of its painting on a pane switch, see
benchmarks/bench_switch.py). A paint now works it out once, and paints the
same lines as before: the page's blank rows and a centred page's margin
carry the page style.
"""

from __future__ import annotations

from helpers import ready
from textual.geometry import Region

from ldn_tui.paths import bundled_content_dir
from ldn_tui.tui.widgets.document_view import DocumentView


async def test_a_paint_asks_for_the_page_style_once(app, monkeypatch):
    ldn = app(content=bundled_content_dir())
    async with ldn.run_test(size=(160, 30)) as pilot:  # wide: a centred page with a margin
        await ready(pilot)
        await pilot.press("4")
        await ready(pilot)
        view = ldn.reader.view
        region = Region(0, 0, view.size.width, view.size.height)
        view._styles_cache.clear()  # noqa: SLF001 - paint every line again
        before = [strip.text for strip in view.render_lines(region)]
        asked = []
        original = DocumentView.rich_style

        def counted(self):
            asked.append(1)
            return original.fget(self)

        monkeypatch.setattr(DocumentView, "rich_style", property(counted))
        view._styles_cache.clear()  # noqa: SLF001
        after = [strip.text for strip in view.render_lines(region)]
        assert after == before
        assert view._margin() > 0  # noqa: SLF001 - the margin path was painted
        # once for the lines (Textual's own line cache may ask once more)
        assert len(asked) <= 3, len(asked)
