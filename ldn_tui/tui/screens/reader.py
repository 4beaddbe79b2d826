"""The reader: pane list, the pane itself, contents, find bar and notes.

The screen owns navigation (history, links) and talks to the app for
anything stored (bookmarks, notes, reading position); widgets only post
messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from ldn_tui.textsafe import one_line
from ldn_tui.tui import commands
from ldn_tui.tui.navigation import History, Location
from ldn_tui.tui.widgets.document_view import LINE_WIDTH, DocumentView, RenderInputs, prerender
from ldn_tui.tui.widgets.footer import KeysFooter
from ldn_tui.tui.widgets.sidebars import PaneList, TableOfContents

# The find bar and notes panel are imported when first used (start-up time),
# so their message handlers below are registered by name, not with @on.

if TYPE_CHECKING:
    from ldn_tui.content import Library
    from ldn_tui.notebook import NotebookLike

SAFE_SCHEMES = ("http://", "https://")


class StartPlace(NamedTuple):
    """Where the reader starts: a pane, at heading ``slug`` (or line ``y``),
    with the reading column capped at ``line_width`` characters (None: no cap)."""

    pane_id: str
    slug: str = ""
    y: int = 0
    line_width: int | None = LINE_WIDTH


class ReaderScreen(Screen):
    """Read the panes with the keyboard."""

    BINDINGS = commands.bindings("reader")

    show_toc: var[bool] = var(False)
    show_notes: var[bool] = var(False)

    class Ready(Message):
        """The reader is mounted and showing its first pane: the app opens
        the store and prepares the other panes once that frame is out."""

    class Moved(Message):
        """The reader moved (pane, heading slug, line): the app keeps the place."""

        def __init__(self, pane_id: str, slug: str, y: int) -> None:
            super().__init__()
            self.pane_id, self.slug, self.y = pane_id, slug, y

    class PanesReady(Message):
        """Every pane is parsed (posted from the background worker)."""

    def __init__(self, library: Library, notebook: NotebookLike, start: StartPlace | None = None) -> None:
        super().__init__()
        self.library = library
        self.notebook = notebook
        #: where the reader left off, shown as the screen mounts
        self._start = start
        self.history = History()
        self.pane_id = ""
        self._find_bar_mount: Any = None
        self._set_breakpoint_class()

    def _set_breakpoint_class(self) -> None:
        """Set the width class (``-narrow``/``-normal``) Textual would set on
        the first Resize, so the first frame is already styled for this
        width and that Resize has nothing to restyle."""
        points = self.HORIZONTAL_BREAKPOINTS
        if points is None:
            points = self.app.HORIZONTAL_BREAKPOINTS or []
        width = self.app.size.width
        chosen = next((name for edge, name in sorted(points, reverse=True) if width >= edge), None)
        self.update_classes({name: name == chosen for _, name in points}, update=False)

    def compose(self) -> ComposeResult:
        library = self.library
        # The find bar, contents and notes panel are mounted on first use:
        # fewer widgets to build before the first pane is on screen.
        with Horizontal(id="body"):
            yield PaneList(library.panes, id="panes")
            with Vertical(id="centre"):
                yield DocumentView(id="document")
        yield KeysFooter()

    def on_screen_suspend(self) -> None:
        # Under a dialog the reader's keys do nothing: hide them (each dialog
        # shows its own keys) so the footer never lies.
        for footer in self.query(KeysFooter):
            footer.display = False

    def on_screen_resume(self) -> None:
        for footer in self.query(KeysFooter):
            footer.display = True

    def _find_bar(self):
        """The find bar, mounted on first use (await :meth:`_mounted_find_bar`
        when it must be in place before going on)."""
        from ldn_tui.tui.widgets.find_bar import FindBar

        bars = self.query(FindBar)
        if bars:
            return bars.first()
        bar = FindBar(id="find")
        self._find_bar_mount = self.query_one("#centre").mount(bar)
        return bar

    async def _mounted_find_bar(self):
        bar = self._find_bar()
        mount, self._find_bar_mount = self._find_bar_mount, None
        if mount is not None:
            await mount
        return bar

    def _side(self, kind: type, widget_id: str) -> Any:
        found: Any = self.query(kind)
        if found:
            return found.first()
        widget = kind(id=widget_id)
        self.query_one("#body").mount(widget)
        return widget

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def line_width(self) -> int | None:
        """The cap on the reading column (characters; None: no limit)."""
        return self.view.line_width

    def set_line_width(self, characters: int | None) -> None:
        self.view.set_line_width(characters)

    def position(self) -> tuple[str, str, int] | None:
        """(pane id, heading slug, line) of the place on screen, or None."""
        if self.pane_id and self.view.rendered is not None:
            slug, _ = self.view.current_heading()
            return self.pane_id, slug, int(self.view.scroll_y)
        return None

    async def run_view_action(self, action: str) -> None:
        """Run one of the document's own actions (the palette offers them)."""
        await self.view.run_action(action)

    def on_mount(self) -> None:
        """Show the first pane now, in the same pass that mounts the screen:
        its first frame already has the text (the view renders it as it is
        laid out). Waiting for the app to handle a message first cost a
        round trip through both message queues at start-up."""
        view = self.view
        view.focus()
        start, self._start = self._start, None
        if start is not None:
            view.line_width = start.line_width
            self.show_pane(start.pane_id, y=start.y, slug=start.slug)
        self.post_message(self.Ready())

    def prepare_panes(self) -> None:
        """Parse every pane and pre-render it at the current width, in a
        worker thread that gets plain values and posts results back."""
        inputs = self.view.render_inputs()
        panes = [(pane.id, self.pane_header(pane.id)) for pane in self.library.panes if pane.id != self.pane_id]
        self._prepare(inputs, panes, self.view.store_prerendered)

    @work(thread=True, exclusive=True, group="prepare", exit_on_error=False)
    def _prepare(self, inputs: RenderInputs | None, panes: list[tuple[str, tuple[str, str]]], keep: Any) -> None:
        # No widget is touched here: the library parses (thread-safe), the
        # rendering uses only ``inputs``, and results go back to the UI thread.
        for pane_id, header in panes:
            document = self.library.document(pane_id)
            if inputs is not None:
                self.app.call_from_thread(keep, *prerender(inputs, pane_id, document.blocks, header))
        self.post_message(self.PanesReady())

    def pane_header(self, pane_id: str) -> tuple[str, str]:
        """The title and "last reviewed" line drawn above a pane."""
        pane = self.library.pane(pane_id)
        assert pane is not None
        return pane.title, f"Last reviewed {pane.reviewed} · {pane.summary}"

    # -- reactives -----------------------------------------------------------
    def watch_show_toc(self, show: bool) -> None:
        if show:
            toc = self._side(TableOfContents, "toc")
            self._refresh_toc()
            # Keyboard first: the contents take focus (arrows + enter pick a
            # heading; escape or t closes and returns to the pane).
            self.call_after_refresh(toc.focus)
        elif self.view is not None:
            self.view.focus()
        self.set_class(show, "-show-toc")

    @on(TableOfContents.Closed)
    def _toc_closed(self) -> None:
        self.show_toc = False

    def watch_show_notes(self, show: bool) -> None:
        if show:
            from ldn_tui.tui.widgets.notes_panel import NotesPanel

            self._side(NotesPanel, "notes-panel")
            self.refresh_notes()
        self.set_class(show, "-show-notes")

    # -- navigation ----------------------------------------------------------
    def show_pane(self, pane_id: str, y: int = 0, slug: str = "", record: bool = True) -> bool:
        """Show ``pane_id`` at heading ``slug`` (or line ``y``).

        Records the move in history unless ``record`` is False (back/forward).
        """
        library = self.library
        pane = library.pane(pane_id)
        if pane is None:
            self.notify(f"There is no pane called {pane_id!r}.", severity="error")
            return False
        view = self.view
        if record:
            self._remember_position()
        if pane_id != self.pane_id:
            document = library.document(pane_id)
            header = self.pane_header(pane_id)
            self.pane_id = pane_id
            view.markers = self.notebook.markers(pane_id)
            view.show(pane_id, document.blocks, header, y=y, slug=slug)
            self.query_one(PaneList).select_pane(pane_id)
            # Quietly: only a Header shows it (there is none), and setting it
            # repaints the whole screen, a second frame after every switch.
            self.set_reactive(Screen.sub_title, pane.title)
            if self.show_toc:
                self._refresh_toc()
            if self.show_notes:
                self.refresh_notes()
            if view.find_query:
                view.set_find(view.find_query)
                self._update_find_count()
        else:
            if not (slug and view.scroll_to_slug(slug)):
                view.jump_to(y)
        if record:
            self.history.visit(Location(pane_id, y, slug))
        self.post_message(self.Moved(pane_id, slug, y))
        return True

    def _remember_position(self) -> None:
        if self.pane_id:
            slug, _ = self.view.current_heading()
            width = self.view.rendered.width if self.view.rendered else 0
            self.history.update_current(int(self.view.scroll_y), slug, width)

    def _return_to(self, location: Location) -> None:
        """Show a place from history: the exact line if the pane is drawn
        at the width it was measured at, else the heading that was read."""
        rendered = self.view.rendered
        width = rendered.width if rendered else 0
        if location.slug and location.width and location.width != width:
            self.show_pane(location.pane_id, slug=location.slug, record=False)
        else:
            self.show_pane(location.pane_id, y=location.y, record=False)

    def action_pane(self, number: int) -> None:
        panes = self.library.panes
        if 1 <= number <= len(panes):
            self.show_pane(panes[number - 1].id)
        else:
            self.notify(f"There is no pane {number}.", timeout=2)

    def action_back(self) -> None:
        self._step_history(self.history.back, "back")

    def action_forward(self) -> None:
        self._step_history(self.history.forward, "forward")

    def _step_history(self, step, direction: str) -> None:
        self._remember_position()
        location = step()
        if location is None:
            self.notify(f"Nothing to go {direction} to.", timeout=2)
            return
        self._return_to(location)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True if self.history.can_back else None
        if action == "forward":
            return True if self.history.can_forward else None
        if action in ("close_find", "previous_match", "next_match"):
            # hidden (not just greyed) when no find is active
            return bool(self.view.find_query)
        if action == "note":
            return not self.view.find_query
        return True

    @on(PaneList.Chosen)
    def _pane_chosen(self, event: PaneList.Chosen) -> None:
        self.show_pane(event.pane_id)
        self.view.focus()

    # -- contents --------------------------------------------------------------
    def action_toggle_toc(self) -> None:
        self.show_toc = not self.show_toc

    def _refresh_toc(self) -> None:
        toc = self._side(TableOfContents, "toc")
        toc.show_headings(self.view.heading_rows, self.view.markers)
        toc.select_slug(self.view.current_heading()[0])

    @on(TableOfContents.Chosen)
    def _heading_chosen(self, event: TableOfContents.Chosen) -> None:
        self.show_pane(self.pane_id, slug=event.slug)
        self.view.focus()

    @on(DocumentView.HeadingChanged)
    def _heading_changed(self, event: DocumentView.HeadingChanged) -> None:
        if self.show_toc:
            self._side(TableOfContents, "toc").select_slug(event.slug)
        self.post_message(self.Moved(self.pane_id, event.slug, int(self.view.scroll_y)))

    # -- links -------------------------------------------------------------------
    @on(DocumentView.LinkActivated)
    def _link(self, event: DocumentView.LinkActivated) -> None:
        self.follow_link(event.href)

    def follow_link(self, href: str) -> None:
        """Route a link: panes and anchors in the app, web links after asking,
        anything else refused with a message (never handed to the terminal)."""
        href = href.strip()
        if href.startswith(SAFE_SCHEMES):
            from ldn_tui.tui.screens.dialogs import LinkDialog

            self.app.push_screen(LinkDialog(href), lambda choice: self._external(href, choice))
            return
        if ":" in href.split("#", 1)[0] or href.startswith("//"):
            scheme = href.split(":", 1)[0] if ":" in href else "//"
            # A link's parts are text, never markup (``[/x]`` would crash the toast)
            self.notify(
                f"This app does not open {one_line(scheme, 40)}: links.",
                title="Link refused",
                severity="warning",
                markup=False,
            )
            return
        name, _, anchor = href.partition("#")
        if name:
            pane = self.library.pane_by_file(name)
            if pane is None:
                self.notify(
                    f"The link points at {one_line(name, 80)}, which is not in this content.",
                    severity="error",
                    markup=False,
                )
                return
            target = pane.id
        else:
            target = self.pane_id
        if anchor and self.library.document(target).heading(anchor) is None:
            self.notify(
                f"The link points at a heading (#{one_line(anchor, 80)}) that is not there.",
                severity="warning",
                markup=False,
            )
            anchor = ""
        self.show_pane(target, slug=anchor)

    def _external(self, url: str, choice: str | None) -> None:
        if choice == "open":
            # Under `ldn-tui serve` open_url goes to the reader's browser, which
            # opens a tab only while the key press or click is recent (its
            # pop-up blocker): say what to do if none appears.
            self.app.open_url(url)
            if self.app.is_web:
                self.notify(
                    "Opening it in a new tab of your browser. If no tab appears, allow "
                    "pop-ups for this page, or choose Copy address.",
                    timeout=8,
                )
            else:
                self.notify("Asked your system to open the address.", timeout=3)
        elif choice == "copy":
            self.app.copy_to_clipboard(url)
            self.notify("Address copied (if your terminal allows it).", timeout=3)

    # -- find ----------------------------------------------------------------------
    async def action_find(self) -> None:
        (await self._mounted_find_bar()).open()

    def _update_find_count(self) -> None:
        view = self.view
        self._find_bar().set_count(view.match_index + 1, len(view.matches), view.find_query)
        # n, N and escape change meaning with the find: redraw the footer
        self.refresh_bindings()

    def on_find_bar_changed(self, event) -> None:
        """FindBar.Changed: the query changed."""
        if event.query:
            self.view.set_find(event.query)
        else:
            self.view.clear_find()
        self._update_find_count()

    def on_find_bar_step(self, event) -> None:
        """FindBar.Step: next or previous match."""
        if event.step > 0:
            self.view.next_match()
        else:
            self.view.previous_match()
        self._update_find_count()

    def on_find_bar_submitted(self) -> None:
        # Leave the bar for the pane, keeping the highlights: n/N step.
        self.view.focus()

    def on_find_bar_closed(self) -> None:
        self.view.clear_find()
        self.view.focus()
        self.refresh_bindings()

    def action_close_find(self) -> None:
        self._find_bar().action_close()

    async def highlight(self, query: str) -> None:
        """Show ``query`` highlighted in this pane, with the find bar open."""
        bar = await self._mounted_find_bar()
        self.view.set_find(query)
        bar.add_class("-open")
        bar.set_value(query)
        self._update_find_count()
        self.view.focus()

    def action_note_or_next(self) -> None:
        """``n``'s old single action (kept for callers): next match while
        finding, else write a note."""
        if self.view.find_query:
            self.action_next_match()
        else:
            self.action_note()

    def action_next_match(self) -> None:
        if self.view.find_query:
            self.view.next_match()
            self._update_find_count()

    def action_previous_match(self) -> None:
        if self.view.find_query:
            self.view.previous_match()
            self._update_find_count()

    # -- store-backed actions (the app owns the store) --------------------------------
    def place(self) -> tuple[str, str, str]:
        """(pane id, heading slug, heading text) of the place being read."""
        slug, text = self.view.current_heading()
        if not slug:
            pane = self.library.pane(self.pane_id)
            return self.pane_id, "", pane.title if pane else self.pane_id
        return self.pane_id, slug, text

    def action_bookmark(self) -> None:
        """Bookmark the heading being read, or remove its bookmark."""
        pane_id, slug, heading = self.place()
        added = self.notebook.toggle_bookmark(pane_id, slug, heading)
        if added is not None:
            said = "Bookmarked" if added else "Bookmark removed"
            from ldn_tui.tui.screens.palette import safe_line

            self.notify(f"{said}: {safe_line(heading)}", timeout=3, markup=False)

    def action_note(self) -> None:
        """Open the note editor on the heading being read (its latest note, or a new one)."""
        pane_id, slug, heading = self.place()
        self.edit_note(pane_id, slug, heading, self.notebook.note_at(pane_id, slug))

    def edit_note(self, pane_id: str, slug: str, heading: str, note=None) -> None:
        from ldn_tui.tui.screens.note_editor import NoteEditor

        self.app.push_screen(NoteEditor(self.notebook, pane_id, slug, heading, note))

    def action_toggle_notes_panel(self) -> None:
        self.show_notes = not self.show_notes

    def refresh_markers(self) -> None:
        """Bookmarks or notes changed: redraw markers, contents and panel."""
        self.view.markers = self.notebook.markers(self.pane_id)
        self.view.refresh()
        if self.show_toc:
            self._refresh_toc()
        if self.show_notes:
            self.refresh_notes()

    def refresh_notes(self) -> None:
        """Fill the notes panel with the current pane's notes."""
        from ldn_tui.tui.widgets.notes_panel import NotesPanel

        for panel in self.query(NotesPanel):
            panel.show_notes(self.notebook.notes_for(self.pane_id))

    def on_notes_panel_chosen(self, event) -> None:
        """NotesPanel.Chosen: edit the note."""
        self.open_note(event.note_id)

    def open_note(self, note_id: str) -> None:
        """Open the note editor on a note, as it is stored now."""
        note = self.notebook.get_note(note_id)
        if note is None:
            self.notify("That note is no longer there.", severity="warning")
            return
        self.edit_note(note.pane_id, note.slug, note.heading, note)
