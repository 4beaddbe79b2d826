"""DocumentView: a virtualised view of one pane, drawn line by line.

The pane is rendered once per width (see :mod:`.render`) and kept as a list
of strips; ``render_line`` only crops the visible ones and overlays the
focused link, find matches and the bookmark/note markers in the gutter.
The view posts messages; it never touches the store.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ldn_tui.content import Block
from ldn_tui.tui import commands
from ldn_tui.tui.widgets.render import GUTTER, IncrementalRender, Rendered, Styles, readable, render_blocks

Matcher = Callable[[str, str], list[tuple[int, int]]]

#: Characters of text a line by default: about 76, a comfortable measure
#: for tired eyes (the reader can choose another in settings).
LINE_WIDTH = 76
#: The widest the page is rendered by default (the gutter included).
MAX_WIDTH = LINE_WIDTH + GUTTER

#: Component classes that are lines, not text: faint on purpose.
_DECORATION = frozenset({"document--rule", "document--table-border"})


class Match(NamedTuple):
    """A find match: line, and cell range within the line."""

    y: int
    start: int
    end: int


class _Paint(NamedTuple):
    """What every line of one paint shares, worked out once per paint."""

    page: Style
    width: int
    margin: int
    #: gutter markers by line
    markers: dict[int, str]


#: How many renderings (pane, width) the view keeps: every pane at two widths.
RENDER_CACHE_SIZE = 32


class RenderInputs(NamedTuple):
    """Plain values a worker thread renders a pane with (no widget access)."""

    width: int
    styles: Styles
    console: Console


def prerender(
    inputs: RenderInputs, pane_id: str, blocks: tuple[Block, ...], header: tuple[str, str] | None
) -> tuple[tuple[str, int], Rendered]:
    """Render a pane off screen (thread-safe: it reads only ``inputs``)."""
    return (pane_id, inputs.width), render_blocks(blocks, inputs.width, inputs.console, inputs.styles, header)


class DocumentView(ScrollView, can_focus=True):
    """Shows one pane's blocks; keyboard scrolling, headings and links."""

    COMPONENT_CLASSES = {
        "document--title",
        "document--meta",
        "document--h2",
        "document--h3",
        "document--h4",
        "document--link",
        "document--link-focus",
        "document--cite",
        "document--code",
        "document--quote",
        "document--rule",
        "document--table-header",
        "document--table-border",
        "document--match",
        "document--match-current",
        "document--marker",
    }

    BINDINGS = commands.bindings("view")

    class LinkActivated(Message):
        """The reader chose a link (keyboard or mouse)."""

        def __init__(self, href: str) -> None:
            self.href = href
            super().__init__()

    class HeadingChanged(Message):
        """The heading being read changed (the reader scrolled past one)."""

        def __init__(self, slug: str, text: str) -> None:
            self.slug = slug
            self.text = text
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.pane_id: str = ""
        self._blocks: tuple[Block, ...] = ()
        self._header: tuple[str, str] | None = None
        self._rendered: Rendered | None = None
        #: renderings by (pane, width), bounded: a reader resizing the window
        #: through many widths must not keep every rendering alive
        self._cache: LRUCache[tuple[str, int], Rendered] = LRUCache(RENDER_CACHE_SIZE)
        self._styles: Styles | None = None
        self._current_slug = ""
        self.focused_link: int | None = None
        self.markers: dict[str, str] = {}
        #: how find locates a query in a line (set on first use: see _matches)
        self.matcher: Matcher | None = None
        self.find_query = ""
        self.matches: list[Match] = []
        self.match_index = -1
        self._pending: tuple[int, str] | None = None
        self._jump_slug = ""
        self._jumping = False
        self._job: IncrementalRender | None = None
        self._style_check_pending = False
        #: the content width the current rendering was asked for
        self._rendered_for = 0
        self._component_cache: dict[str, Style] = {}
        #: what every line of one paint shares (see render_lines)
        self._paint: _Paint | None = None
        #: characters of text a line at most (None: the view's full width)
        self.line_width: int | None = LINE_WIDTH

    # -- content -----------------------------------------------------------
    def show(
        self,
        pane_id: str,
        blocks: tuple[Block, ...],
        header: tuple[str, str] | None,
        y: int = 0,
        slug: str = "",
    ) -> None:
        """Show a pane (rendered at the current width, cached per width),
        scrolled to heading ``slug`` if given, else to line ``y``."""
        self.pane_id = pane_id
        self._blocks = blocks
        self._header = header
        self.focused_link = None
        self._current_slug = ""
        self._jump_slug = ""
        self._pending = (y, slug)
        if self.size.width:
            self._render_now()

    def _apply_pending(self) -> None:
        if self._pending is None:
            return
        y, slug = self._pending
        self._pending = None
        if not (slug and self.scroll_to_slug(slug)):
            self.jump_to(y)
        self._check_heading()

    def jump_to(self, y: int) -> None:
        """Put line ``y`` at the top now.

        ``scroll_to`` is ignored while the view has no scrollbar yet (the new
        virtual size only counts from the next layout, so a pane shown after
        a short one, or at start-up, would stay at the top); assigning the
        scroll position directly is clamped to the new size and always works.
        """
        self.scroll_target_y = y
        self.scroll_y = y

    def render_inputs(self) -> RenderInputs | None:
        """What rendering a pane off screen needs, as plain values (width,
        styles, console), read on the UI thread; None before the first layout.

        A worker thread renders with these (:func:`prerender`) and never
        touches the widget; :meth:`store_prerendered` takes the results back
        on the UI thread.
        """
        if not self.scrollable_content_region.width:
            return None
        return RenderInputs(self._content_width(), self._get_styles(), self.app.console)

    def store_prerendered(self, key: tuple[str, int], rendered: Rendered) -> None:
        """Keep a rendering made by :meth:`prerender` for the pane's first visit
        (unless the theme changed while it was being made)."""
        if rendered.styles is self._styles and key not in self._cache:
            self._cache[key] = rendered

    @property
    def rendered(self) -> Rendered | None:
        """The current rendering (None before the first layout)."""
        return self._rendered

    def _content_width(self) -> int:
        """The width the pane is rendered at: the view's, up to
        :attr:`line_width` characters of text (lines of 170 characters on a
        wide terminal are hard to follow back to the next line's start)."""
        width = self.scrollable_content_region.width or self.size.width or 80
        return width if self.line_width is None else min(width, self.line_width + GUTTER)

    def set_line_width(self, characters: int | None) -> None:
        """Cap lines at ``characters`` of text (None: no cap); re-wraps now,
        keeping the reader on the heading they were reading."""
        self.line_width = characters
        if self.is_mounted and self.pane_id and self.size.width:
            self._rewrap_if_needed()
            self.refresh()

    def _render_now(self) -> None:
        if not self.pane_id:
            return
        width = self._content_width()
        key = (self.pane_id, width)
        rendered = self._cache.get(key)
        if rendered is None:
            job = IncrementalRender(self._blocks, width, self.app.console, self._get_styles(), self._header)
            # Only what the first frame shows (or up to the line to resume
            # at); a jump to a heading needs to know where it is: all of it.
            pending_y, pending_slug = self._pending or (0, "")
            need = None if pending_slug else pending_y + self.size.height + 5
            if job.run(need):
                self._cache[key] = job.rendered
            else:
                self._job = job
                self.call_after_refresh(self._finish_render, job, key)
            rendered = job.rendered
        self._rendered = rendered
        self._rendered_for = width
        self._set_virtual_size(Size(width, len(rendered.lines)))
        if self.find_query:
            self._compute_matches(keep_index=True)
        self.refresh()
        self._apply_pending()

    def _set_virtual_size(self, size: Size) -> None:
        """Take the new pane's size without laying the screen out again.

        ``virtual_size`` is a layout reactive: every pane switch (each pane
        has its own length) laid out the whole screen and painted more of it,
        about half of a switch's painting. The view's own size does not
        change, so only its scrollbars need to know (``_scroll_update``, as
        Textual's OptionList does); if one must appear or go, its own
        reactive still asks for the layout that places it.
        """
        if size == self.virtual_size:
            return
        self.set_reactive(DocumentView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _finish_render(self, job: IncrementalRender, key: tuple[str, int]) -> None:
        """Render the rest of a pane after its first frame is on screen."""
        if self._job is not job:
            return  # another pane or width since
        job.run()
        self._job = None
        self._cache[key] = job.rendered
        if self._rendered is job.rendered:
            self._set_virtual_size(Size(key[1], len(job.rendered.lines)))
            if self.find_query:
                self._compute_matches(keep_index=True)
            self._check_heading()
            self.refresh()

    def _component(self, name: str) -> Style:
        """The full Rich style of component class ``name``: its colour and
        background resolved against the page (a partial style would leave
        the background to the terminal and ``auto`` colours unresolved, which
        is how citations came out pure white in every theme), made readable
        (>= 4.5:1) against that background if the theme's colour is not."""
        style = self._component_cache.get(name)
        if style is None:
            style = self.get_visual_style(name).rich_style
            if name not in _DECORATION:
                style = readable(style, self.rich_style.color)
            self._component_cache[name] = style
        return style

    def _get_styles(self) -> Styles:
        if self._styles is None:
            get = self._component
            self._styles = Styles(
                text=self.rich_style,
                title=get("document--title"),
                meta=get("document--meta"),
                h2=get("document--h2"),
                h3=get("document--h3"),
                h4=get("document--h4"),
                link=get("document--link"),
                cite=get("document--cite"),
                code=get("document--code"),
                quote=get("document--quote"),
                rule=get("document--rule"),
                table_header=get("document--table-header"),
                table_border=get("document--table-border"),
            )
        return self._styles

    def notify_style_update(self) -> None:
        """Theme or CSS changed: drop renderings made with the old styles.

        Textual calls this *before* it updates the component classes' styles
        (``Stylesheet.apply`` -> ``replace_rules``, then
        ``_process_component_classes``), so comparing here would see the old
        heading and link colours: the check runs once the update is done.
        """
        super().notify_style_update()
        self._component_cache.clear()
        if self._styles is not None and not self._style_check_pending:
            self._style_check_pending = True
            self.call_later(self._check_styles)

    def _check_styles(self) -> None:
        """Re-render with the new styles if they changed (a theme switch)."""
        self._style_check_pending = False
        self._component_cache.clear()
        if self._styles is None:
            return
        old = self._styles
        self._styles = None
        if self._get_styles() != old:
            self._cache.clear()
            self._job = None
            if self.is_mounted and self.pane_id and self._rendered is not None:
                self._pending = (int(self.scroll_y), self._jump_slug)
                self._render_now()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Textual lays the view out at ``size``: render the pane for the new
        width now, before the frame is painted.

        This is where the content width changes, so the pane is rendered
        here rather than in :meth:`render_line` (which only paints) or on
        the Resize event: that event is handled after the frame is painted
        (the first frame at start-up would be blank), and does not always
        arrive (the notes panel's first opening narrows the view without
        one, and the page was clipped under a horizontal scrollbar: W6).
        Setting ``virtual_size`` here asks for one more layout pass, which
        sizes the scrollbar.
        """
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if self.pane_id and self.size.width:
            if self._pending is not None:
                self._render_now()
            else:
                self._rewrap_if_needed()
        return resized

    def _rewrap_if_needed(self) -> None:
        """Re-render at the current width if the rendering is for another,
        keeping the reader on the heading they were reading."""
        if self._rendered is None or self._rendered_for == self._content_width():
            return
        slug = self._jump_slug or self._current_slug
        self._pending = (0, slug) if slug else (int(self.scroll_y), "")
        self._render_now()

    # -- painting ----------------------------------------------------------
    # Painting only reads: the pane is rendered where the content or the
    # width changes (show, _size_updated, set_line_width, a theme change),
    # never from render_line (no virtual_size, scrolling or messages there;
    # tests/tui/test_paint_cost.py checks it).
    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint the lines in ``crop``, working out what every line shares
        once for all of them: the page style and width (``rich_style`` walks
        every ancestor's styles: once a line, it was about half of a pane
        switch's painting), the margin and the gutter markers by line."""
        self._paint = self._paint_values()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _paint_values(self) -> _Paint:
        page, width = self.rich_style, self.scrollable_content_region.width
        rendered = self._rendered
        margin = max((width - rendered.width) // 2, 0) if rendered is not None else 0
        return _Paint(page, width, margin, self._marker_line())

    def _page(self) -> tuple[Style, int]:
        """The page style and the view's content width."""
        paint = self._paint or self._paint_values()
        return paint.page, paint.width

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_values()
        scroll_x, scroll_y = self.scroll_offset
        line_no = scroll_y + y
        page, width = paint.page, paint.width
        rendered = self._rendered
        if rendered is None or line_no >= len(rendered.lines):
            return Strip.blank(width, page)
        strip = self._decorate(line_no, rendered.lines[line_no], paint.markers)
        if paint.margin:  # centred in a wide view; the margin is the page too
            strip = Strip.join([Strip.blank(paint.margin, page), strip])
        return strip.crop_extend(scroll_x, scroll_x + width, page)

    def _margin(self) -> int:
        """Blank cells left of a capped page, so it sits in the middle."""
        return (self._paint or self._paint_values()).margin

    def _marker_line(self) -> dict[int, str]:
        """Gutter markers by line: a heading's on its first line; the top of
        the pane's (slug ``""``) on the title."""
        rendered = self._rendered
        if not self.markers or rendered is None:
            return {}
        lines: dict[int, str] = {}
        if "" in self.markers and self._header:
            lines[0] = self.markers[""]
        for first, slug, _level, _text in rendered.headings:
            if slug in self.markers:
                lines[first] = self.markers[slug]
        return lines

    def _decorate(self, line_no: int, strip: Strip, markers: dict[int, str] | None = None) -> Strip:
        """Line ``line_no`` as painted: gutter markers, focused link, find
        matches (``markers`` by line, worked out once a paint; else now)."""
        rendered = self._rendered
        assert rendered is not None
        if markers is None:
            markers = self._marker_line()
        if markers:
            marker = markers.get(line_no)
            if marker:
                # Keep a space between the markers and the text.
                marker = marker[: GUTTER - 1].ljust(GUTTER)
                rest = strip.crop(GUTTER, strip.cell_length)
                strip = Strip([Segment(marker, self._component("document--marker")), *rest])
        if self.focused_link is not None and self.focused_link < len(rendered.links):
            first, last, _href = rendered.links[self.focused_link]
            if first <= line_no <= last:
                # Text style only (reverse): the link keeps its own colours.
                focus = self.get_component_rich_style("document--link-focus", partial=True)
                index = self.focused_link
                strip = Strip(
                    [
                        Segment(text, (style + focus) if style and style.meta.get("link") == index else style, control)
                        for text, style, control in strip
                    ]
                )
        if self.matches:
            strip = self._highlight_matches(line_no, strip)
        return strip

    def _highlight_matches(self, line_no: int, strip: Strip) -> Strip:
        spans = [(i, m) for i, m in enumerate(self.matches) if m.y == line_no]
        if not spans:
            return strip
        normal = self._component("document--match")
        # Text style only (reverse): the match keeps the contrast of its text.
        current = self.get_component_rich_style("document--match-current", partial=True)
        cuts: list[int] = []
        for _, match in spans:
            cuts.extend((match.start, match.end))
        pieces = strip.divide(sorted(set(cuts)) + [strip.cell_length])
        out: list[Strip] = []
        position = 0
        for piece in pieces:
            end = position + piece.cell_length
            style = None
            for index, match in spans:
                if match.start <= position and end <= match.end and end > position:
                    style = current if index == self.match_index else normal
            # On top of the text's own colours (apply_style would put it
            # underneath, where the page background hides it).
            out.append(Strip(Segment.apply_style(piece, post_style=style)) if style else piece)
            position = end
        return Strip.join(out)

    # -- scrolling -----------------------------------------------------------
    # Every jump is instant: an animated scroll sweeps the whole pane past
    # the reader's eyes for about a second, and keys pressed meanwhile land
    # on in-between positions.
    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False, immediate=True)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    # -- headings ----------------------------------------------------------
    @property
    def heading_rows(self) -> list[tuple[int, str, int, str]]:
        """(line, slug, level, text) of every heading of the current pane."""
        return self._rendered.headings if self._rendered else []

    def current_heading(self) -> tuple[str, str]:
        """(slug, text) of the heading being read: the last one at or above
        the top of the view ("" when above the first heading), or the one
        just jumped to (near the end of a pane the view cannot scroll a
        heading up to the top)."""
        rows = self.heading_rows
        if not rows:
            return "", ""
        if self._jump_slug:
            for _, slug, _, text in rows:
                if slug == self._jump_slug:
                    return slug, text
        index = bisect_right([r[0] for r in rows], int(self.scroll_y) + 1) - 1
        if index < 0:
            return "", ""
        _, slug, _, text = rows[index]
        return slug, text

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self._jumping:
            self._jump_slug = ""
        self._drop_hidden_focus()
        self._check_heading()

    def _drop_hidden_focus(self) -> None:
        """Forget the focused link once it is scrolled out of sight, so tab
        and shift+tab start from what is on screen rather than jumping back
        to where the reader was."""
        if self.focused_link is None or self.focused_link >= len(self.links):
            return
        first, last, _ = self.links[self.focused_link]
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if height and (last < top or first >= top + height):
            self.focused_link = None

    def _check_heading(self) -> None:
        slug, text = self.current_heading()
        if slug != self._current_slug:
            self._current_slug = slug
            self.post_message(self.HeadingChanged(slug, text))

    def scroll_to_slug(self, slug: str, animate: bool = False) -> bool:
        """Scroll so the heading ``slug`` is at the top. False if not found."""
        for first, heading_slug, _, _ in self.heading_rows:
            if heading_slug == slug:
                self._jumping = True
                try:
                    self.jump_to(max(first - 1, 0) if first else 0)
                finally:
                    self._jumping = False
                self._jump_slug = slug
                self._check_heading()
                return True
        return False

    def action_next_heading(self) -> None:
        top = int(self.scroll_y) + 1
        for first, _, _, _ in self.heading_rows:
            if first > top:
                self.scroll_to(y=first - 1, animate=False, immediate=True)
                return
        self.scroll_end(animate=False, immediate=True)

    def action_previous_heading(self) -> None:
        top = int(self.scroll_y) + 1
        for first, _, _, _ in reversed(self.heading_rows):
            if first < top:
                self.scroll_to(y=max(first - 1, 0), animate=False, immediate=True)
                return
        self.scroll_home(animate=False, immediate=True)

    # -- links -------------------------------------------------------------
    @property
    def links(self) -> list[tuple[int, int, str]]:
        """(first line, last line, href) of every link of the current pane."""
        return self._rendered.links if self._rendered else []

    def _focus_link(self, index: int) -> None:
        self.focused_link = index
        first, last, _ = self.links[index]
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if first < top or last >= top + height:
            self.scroll_to(y=max(first - height // 3, 0), animate=False, immediate=True)
        self.refresh()

    def _visible_link(self, forward: bool) -> int | None:
        """The link to start cycling from: the first one on screen or below
        it (tab), or the last one on screen or above it (shift+tab)."""
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        starts = [first for first, _, _ in self.links]
        if forward:
            return next((i for i, first in enumerate(starts) if first >= top), None)
        return next((i for i in range(len(starts) - 1, -1, -1) if starts[i] < top + height), None)

    def action_next_link(self) -> None:
        if not self.links:
            self.notify("This pane has no links.", timeout=2)
            return
        if self.focused_link is None:
            start = self._visible_link(True)
            self._focus_link(start if start is not None else 0)
        else:
            self._focus_link((self.focused_link + 1) % len(self.links))

    def action_previous_link(self) -> None:
        if not self.links:
            self.notify("This pane has no links.", timeout=2)
            return
        if self.focused_link is None:
            start = self._visible_link(False)
            self._focus_link(start if start is not None else len(self.links) - 1)
        else:
            self._focus_link((self.focused_link - 1) % len(self.links))

    def action_follow_focused_link(self) -> None:
        if self.focused_link is None:
            self.notify("No link selected: press tab to move through the links.", timeout=3)
            return
        self.post_message(self.LinkActivated(self.links[self.focused_link][2]))

    def action_follow_link(self, index: int) -> None:
        """Follow link ``index`` (mouse clicks arrive here through ``@click``)."""
        if 0 <= index < len(self.links):
            self.focused_link = index
            self.refresh()
            self.post_message(self.LinkActivated(self.links[index][2]))

    # -- find --------------------------------------------------------------
    def set_find(self, query: str) -> int:
        """Highlight every match of ``query``; returns the number of matches."""
        self.find_query = query
        self._compute_matches(keep_index=False)
        if self.matches:
            self._goto_match(self._first_match_on_screen())
        self.refresh()
        return len(self.matches)

    def clear_find(self) -> None:
        """Remove find highlights."""
        self.find_query = ""
        self.matches = []
        self.match_index = -1
        self.refresh()

    def _compute_matches(self, keep_index: bool) -> None:
        previous = self.match_index
        self.matches = []
        rendered = self._rendered
        if self.matcher is None:
            # Literal, smart-case matching, shared with search (imported on
            # first use so start-up does not pay for it).
            from ldn_tui.search import find_matches

            self.matcher = find_matches
        if rendered and self.find_query:
            for y, strip in enumerate(rendered.lines):
                text = strip.text
                for start, end in self.matcher(text, self.find_query):
                    self.matches.append(Match(y, cell_len(text[:start]), cell_len(text[:end])))
        if keep_index and self.matches:
            self.match_index = min(max(previous, 0), len(self.matches) - 1)
        else:
            self.match_index = 0 if self.matches else -1

    def _first_match_on_screen(self) -> int:
        top = int(self.scroll_y)
        for index, match in enumerate(self.matches):
            if match.y >= top:
                return index
        return 0

    def _goto_match(self, index: int) -> None:
        if not self.matches:
            return
        self.match_index = index % len(self.matches)
        match = self.matches[self.match_index]
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if not top <= match.y < top + max(height, 1):
            self.scroll_to(y=max(match.y - max(height, 3) // 3, 0), animate=False, immediate=True)
        self.refresh()

    def next_match(self) -> None:
        """Move to the next find match (wraps)."""
        self._goto_match(self.match_index + 1)

    def previous_match(self) -> None:
        """Move to the previous find match (wraps)."""
        self._goto_match(self.match_index - 1)
