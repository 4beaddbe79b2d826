"""LdnApp: the composition root. It builds the :class:`~ldn_tui.notebook.Notebook`
(the headless service between the screens and the notes store), hands it to
the screens, and owns what is the app's own: global keys, the command
palette, themes, the reading position, search and export.

Screens never call back into the app: they call the notebook, or post a
message (``ReaderScreen.Ready``/``Moved``/``PanesReady``) that the app handles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ldn_tui import startup
from ldn_tui.content import Library
from ldn_tui.notebook import Notebook
from ldn_tui.tui import commands, style_cache
from ldn_tui.tui.screens.reader import ReaderScreen, StartPlace

if TYPE_CHECKING:
    import threading

    from textual.timer import Timer

#: The line widths ``w`` steps through (characters of text), then no limit.
LINE_WIDTHS = (60, 76, 90)

#: A calm default: muted colours, good contrast, easy on light-sensitive eyes.
DEFAULT_THEME = "nord"
#: How long the reading position waits before it is written (seconds).
POSITION_DELAY = 1.0
#: How long after the first frame start-up settings are undone (seconds;
#: see :mod:`ldn_tui.startup`).
SETTLE_DELAY = 0.5
#: How long shutting down after SIGHUP/SIGTERM may take before the process
#: ends anyway (seconds; see ``LdnApp._signalled``).
EXIT_GRACE = 3.0


def _search_provider():
    """The palette's search provider, imported only when the palette opens."""
    from ldn_tui.tui.screens.search import SearchProvider

    return SearchProvider


def _app_commands():
    """The palette's app commands (in place of Textual's system commands,
    which parse titles and help as markup and offer Keys, Maximize and
    Screenshot), imported only when the palette opens."""
    from ldn_tui.tui.screens.palette import AppCommands

    return AppCommands


class LdnApp(App[int]):
    """Browse the LDN content; bookmarks and notes in the store."""

    COMMANDS = {_app_commands, _search_provider}

    CSS_PATH = "app.tcss"
    TITLE = "ldn-tui"
    SUB_TITLE = "Low dose naltrexone: what is known"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal")]
    BINDINGS = commands.bindings("app")

    def __init__(self, library: Library, data_dir: Path, store=None, documents_cached: bool | None = None) -> None:
        super().__init__()
        # Reduced motion: every scroll (mouse wheel, lists, help, dialogs)
        # lands at once; a sliding page is hard to follow with brain fog.
        self.animation_level = "none"
        self.library = library
        self.data_dir = data_dir
        #: bookmarks and notes, for every screen (opens the store lazily)
        self.notebook = Notebook(library, data_dir, store)
        self.notebook.changed.append(self.refresh_views)
        self.notebook.failed.append(self._store_error)
        self._position: tuple[str, str, int] | None = None
        self._position_timer: Timer | None = None
        #: the signals whose handlers :meth:`_watch_signals` installed
        self._signals: list[int] = []
        #: None under Pilot; False in a real run until a signal arms it
        self._watchdog: threading.Timer | bool | None = None
        #: what the store said when it opened, until it is shown
        self._store_warning: str | None = None
        #: whether the parsed documents came from the cache (None: not tried yet)
        self._cached_documents = documents_cached
        #: the search index (built in the background after start-up); the
        #: search screen and the palette's SearchProvider read it
        self.search_index = None
        #: the reader's notes changed since the index last took them
        self._index_stale = False
        #: the saved state the first frame is painted from
        self._saved = self._saved_state()
        from ldn_tui.tui import themes

        themes.register(self)
        variables = self._use_theme(self._saved.get("theme") or DEFAULT_THEME)
        #: the stylesheet parsed at an earlier start (see :mod:`.style_cache`)
        self._styles_loaded = style_cache.load(self.stylesheet, data_dir, variables)
        self._styles_variables = variables
        self._styles_theme = self.theme
        #: what was wrong with the config file, shown once the app is up
        self._config_problems = self._apply_keymap()

    # -- start and stop --------------------------------------------------------
    def get_driver_class(self):
        """Textual's driver, reading pastes whole (see :mod:`ldn_tui.tui.terminal_input`)."""
        from ldn_tui.tui.terminal_input import paste_safe

        return paste_safe(super().get_driver_class())

    def get_default_screen(self) -> Screen:
        """The reader, told where to start: it shows that pane as it mounts."""
        return ReaderScreen(self.library, self.notebook, self._start_place())

    @property
    def store(self):
        """The notes store once it is open (the first frame opens it), else None."""
        return self.notebook.store if self.notebook.opened else None

    def on_reader_screen_ready(self, _: ReaderScreen.Ready) -> None:
        self.start()
        # Once the first pane is on screen, parse and render the others in
        # the background so a first visit is as quick as a return visit.
        self.reader.call_after_refresh(self.reader.prepare_panes)

    def on_reader_screen_moved(self, event: ReaderScreen.Moved) -> None:
        self.remember_position(event.pane_id, event.slug, event.y)

    def on_reader_screen_panes_ready(self, _: ReaderScreen.PanesReady) -> None:
        self.panes_ready()

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (always at the bottom of the stack)."""
        return self.screen_stack[0]  # type: ignore[return-value]

    def _start_place(self) -> StartPlace:
        """Where the reader left off (pane, heading or line, line width),
        from the saved state the first frame is painted from.

        The first frame is painted from the saved state read directly from
        the file (:func:`~ldn_tui.notes.file_format.peek_state`); the store
        itself (locks, checks, repairs, warnings) opens right after that
        frame (:meth:`start`), so its cost is not on the way to the reader's
        first sight of the pane.
        """
        if self._cached_documents is None:
            from ldn_tui.content import load_document_cache

            self._cached_documents = load_document_cache(self.library, self.data_dir)
        saved = self._saved
        pane, slug, y = self.library.panes[0].id, "", 0
        last = saved.get("last_pane")
        if last and self.library.pane(last):
            pane, slug, y = last, saved.get("last_slug", ""), int(saved.get("scroll_y", 0))
        width = saved.get("line_width")
        if type(width) is int and (width == 0 or width in LINE_WIDTHS):
            return StartPlace(pane, "" if y else slug, y, width or None)  # 0: no cap
        return StartPlace(pane, "" if y else slug, y)

    def start(self) -> None:
        """The reader shows its first pane (it did so as it mounted): open
        the store once that frame is out."""
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._store_opened)

    def _saved_state(self) -> dict[str, Any]:
        """The saved theme and reading position: from the store when one was
        given, else read straight from the file (the store opens later)."""
        if self.store is not None:
            state = self.store.state()
            return {
                "theme": state.theme,
                "last_pane": state.last_pane,
                "last_slug": state.last_slug,
                "scroll_y": state.scroll_y,
                "line_width": state.extra.get("line_width"),
            }
        from ldn_tui.notes import DB_NAME, peek_state

        return peek_state(self.data_dir / DB_NAME) or {}

    def _use_theme(self, name: str) -> dict[str, str]:
        """Start in theme ``name`` (before the stylesheet is parsed).

        Setting :attr:`theme` here would parse the whole stylesheet twice
        on the way to the first frame (its watcher re-parses every rule), so
        the value is set quietly and what the watcher would change is done
        by hand: the CSS variables, the dark/light classes and the colour
        mapping for ANSI colours. Returns the CSS variables.
        """
        if name not in self.available_themes:
            name = DEFAULT_THEME
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        self.set_class(True, f"-theme-{name}", update=False)
        self.set_class(dark, "-dark-mode", update=False)
        self.set_class(not dark, "-light-mode", update=False)
        self._theme_chosen = True
        variables = self.get_css_variables()
        self.stylesheet.set_variables(variables)
        self._refresh_truecolor_filter(self.ansi_theme)
        return variables

    #: False until :meth:`_use_theme` picked the start-up theme
    _theme_chosen = False

    def get_css_variables(self) -> dict[str, str]:
        """The theme's CSS variables; none while Textual's ``App.__init__``
        asks for its own default theme's, which :meth:`_use_theme` replaces
        before any CSS is parsed (working them out cost 3 ms of start-up)."""
        if not self._theme_chosen:
            return {}
        return super().get_css_variables()

    def _store_opened(self) -> None:
        """Open the store after the first frame; markers, warnings, notice."""
        if startup.active():
            self.set_timer(SETTLE_DELAY, startup.finish)
        state = self._open_store()
        self.reader.refresh_markers()
        if self._config_problems:
            from ldn_tui.tui.screens.palette import safe_line
        for problem in self._config_problems:
            self.notify(safe_line(problem, None), title="Settings file", severity="warning", timeout=15, markup=False)
        self._watch_signals()
        if not state.notice_seen:
            from ldn_tui.tui.screens.dialogs import NoticeScreen

            self.push_screen(NoticeScreen(), self._notice_done)
        else:
            self._show_store_warning()
            self._offer_drafts()

    def _offer_drafts(self) -> None:
        """Offer back notes left unsaved when ldn-tui last closed (if any)."""
        from ldn_tui.notes import drafts_dir

        if drafts_dir(self.data_dir).is_dir():
            from ldn_tui.tui.screens.draft_dialog import offer_drafts

            offer_drafts(self, self.notebook)

    def _watch_signals(self) -> None:
        """On SIGHUP (the window closed) and SIGTERM: keep the open editor's
        text as a draft first, then leave the way ``ctrl+q`` does, which puts
        the terminal back as it was."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(number, self._signalled, number)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or Windows
                continue
            self._signals.append(number)

    def _signalled(self, number: int) -> None:
        for screen in self.screen_stack:
            keep = getattr(screen, "keep_draft_now", None)
            if keep is not None:
                keep()
        self.exit(return_code=128 + number)
        # After a hang-up the terminal is gone: Textual's output thread dies
        # on the first failed write and its shutdown then waits forever for
        # it (textual/drivers/_writer_thread.py, WriterThread.stop). Drafts
        # and the store are on disk by now, so never outlive the grace time.
        # (Only in a real run: under Pilot the test process must live on.)
        if self._watchdog is False:
            import os
            import threading

            self._watchdog = threading.Timer(EXIT_GRACE, os._exit, args=(128 + number,))
            self._watchdog.daemon = True
            self._watchdog.start()

    def run(self, *args, **kwargs):
        """Run in the terminal; see :meth:`_signalled` for the exit watchdog."""
        self._watchdog = False
        try:
            return super().run(*args, **kwargs)
        finally:
            watchdog = self._watchdog
            if watchdog is not None and not isinstance(watchdog, bool):
                watchdog.cancel()

    def _show_store_warning(self) -> None:
        """Show what the store reported on opening (a damaged file kept as a
        backup, a read-only session) in a dialog the reader must dismiss:
        a toast was hidden by the first-start notice and vanished."""
        message, self._store_warning = self._store_warning, None
        if message:
            from ldn_tui.tui.screens.dialogs import MessageDialog

            self.push_screen(MessageDialog("About your notes", message))

    def _open_store(self):
        """Open the store (never raises); tell the reader about any problem."""
        if not self.notebook.opened:
            # shown as a dialog once the first frame (and any notice) is up
            self._store_warning = self.notebook.warning
        return self.notebook.state()

    def panes_ready(self) -> None:
        """Every pane is parsed: keep the parsed documents for the next start
        and build the search index, both in a background thread."""
        notes, bookmarks = (self.notebook.notes(), self.notebook.bookmarks()) if self.notebook.opened else ([], [])
        styles: style_cache.Entries = []
        # Only rules parsed with the variables the cache is named for (the
        # theme may have changed since start-up: its name stands for them, and
        # comparing names spares working the variables out again).
        if self.theme == self._styles_theme and style_cache.unsaved(self.stylesheet, self._styles_loaded):
            styles = style_cache.snapshot(self.stylesheet)
        self._after_panes(not self._cached_documents, _Plain((notes, bookmarks, styles)))

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _after_panes(self, save_cache: bool, data: _Plain) -> None:
        # plain data in, one result posted back: this thread touches no widget
        notes, bookmarks, styles = data.value
        if save_cache:
            from ldn_tui.content import save_document_cache

            save_document_cache(self.library, self.data_dir)
        if styles:
            style_cache.save(styles, self.data_dir, self._styles_variables)
        index = self._build_index(notes, bookmarks)
        self.call_from_thread(self._index_built, index)

    def _index_built(self, index) -> None:
        self.search_index = index
        # notes may have changed while it was built: taken on next use
        self._index_stale = True

    def _build_index(self, notes=None, bookmarks=None):
        """Build the search index over content and the reader's notes."""
        from ldn_tui.search import build_index

        index = build_index(self.library)
        if notes is None and self.notebook.opened:
            notes, bookmarks = self.notebook.notes(), self.notebook.bookmarks()
        if notes is not None:
            index.set_user_data(notes, bookmarks or [])
        return index

    def _notice_done(self, accepted: bool | None) -> None:
        self._write_state(notice_seen=True)
        self._show_store_warning()
        self._offer_drafts()

    def _theme_changed(self, theme) -> None:
        self._write_state(theme=theme.name)

    def action_change_theme(self) -> None:
        """The palette's "Change theme": every theme, marked light or dark."""
        from textual.command import CommandPalette

        from ldn_tui.tui.screens.palette import ThemeCommands

        self.push_screen(CommandPalette(providers=[ThemeCommands], placeholder="Search for themes…"))

    def action_next_theme(self) -> None:
        """``T``: the next of the three plain themes (saved for next time)."""
        from ldn_tui.tui.themes import label, next_theme

        self.theme = next_theme(self.theme)
        self.notify(
            f"Theme: {label(self.theme)} ({self.key_text('theme')} for the next; ctrl+p, Change theme, for all)",
            timeout=4,
            markup=False,
        )

    def action_next_line_width(self) -> None:
        """``w``: the next line width (60, 76, 90 characters, no limit)."""
        widths = [*LINE_WIDTHS, None]
        now = self.reader.line_width
        current = now if now in widths else LINE_WIDTHS[1]
        self.set_line_width(widths[(widths.index(current) + 1) % len(widths)])

    def set_line_width(self, characters: int | None) -> None:
        """Cap the reading column at ``characters`` (None: no limit), say so
        and keep it for next time."""
        self.reader.set_line_width(characters)
        self._write_state(line_width=characters or 0)
        said = f"{characters} characters" if characters else "no limit (the full window)"
        self.notify(f"Line width: {said} ({self.key_text('line_width')} for the next)", timeout=4, markup=False)

    def _apply_keymap(self) -> list[str]:
        """Remap keys from ``[keymap]`` in the config file (see
        :mod:`ldn_tui.tui.keymap`); return the problems found, never raise."""
        from ldn_tui.paths import config_file

        try:
            path = config_file()
            if not path.exists():  # most readers: nothing to read (nor tomllib to import)
                return []
            from ldn_tui.tui.keymap import load_keymap

            keymap, problems = load_keymap(path, commands.binding_ids())
        except Exception as error:  # noqa: BLE001 - a settings file never stops the app
            return [f"{config_file()}: could not use it ({error}); using the default keys."]
        if keymap:
            self.set_keymap(commands.keep_shared_keys(keymap))
        return problems

    def _write_state(self, **changes) -> None:
        self.notebook.set_state(**changes)

    def remember_position(self, pane_id: str, slug: str, y: int) -> None:
        """Note where the reader is; written after a short pause (and on exit)."""
        self._position = (pane_id, slug, y)
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_DELAY, self.flush_position)

    def flush_position(self, final: bool = False) -> None:
        """Write the reading position now, if it changed (``final``: take
        it from the view, so scrolling within a section is kept too)."""
        if final and self.screen_stack:
            here = self.reader.position()
            if here is not None:
                self._position = here
        if self._position is None:
            return
        pane_id, slug, y = self._position
        self._position = None
        self._write_state(last_pane=pane_id, last_slug=slug, scroll_y=y)

    async def action_quit(self) -> None:
        self.flush_position(final=True)
        self.exit(0)

    async def on_event(self, event: events.Event) -> None:
        """Drop keys and pastes that reach the app once it is on its way out.

        Textual looks up the screen for every key before anything else; a
        key still queued when the last screen has closed raised
        ``ScreenStackError`` at the very end of the run (the seeded
        random-key test met it after the palette's Quit)."""
        if isinstance(event, (events.Key, events.Paste)) and (self._exit or not self.screen_stack):
            return
        await super().on_event(event)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Run an action, unless the app is on its way out.

        Keys typed right after ``q`` (``q`` then ``e``) would otherwise
        push a screen the exiting app never composes, and its ``on_mount``
        fails with a traceback (finding F25).
        """
        if self._exit:
            return False
        return await super().run_action(action, default_namespace, namespaces)

    def on_unmount(self) -> None:
        if self._signals:
            import asyncio

            loop = asyncio.get_running_loop()
            for number in self._signals:
                loop.remove_signal_handler(number)
        self.flush_position(final=True)
        self.notebook.close()

    # -- help and palette -----------------------------------------------------------
    @property
    def current_keymap(self) -> Mapping[str, str]:
        """The keymap in force: binding id -> keys (set from the settings
        file with the public ``set_keymap``; Textual keeps it normalised,
        ``?`` as ``question_mark``)."""
        return self._keymap

    def key_text(self, command_id: str) -> str:
        """The key that now runs a command, as shown ("b", or "x" after
        ``[keymap] bookmark = "x"``), for texts that name it."""
        return commands.key_text(command_id, self.current_keymap, self.get_key_display)

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every key, by section, for the help screen (from the command
        table, with the reader's own keys)."""
        return commands.help_sections(self.current_keymap, self.get_key_display)

    def action_command_palette(self) -> None:
        """Open the command palette (one that closes only once: see
        :mod:`ldn_tui.tui.screens.modal`)."""
        from textual.command import CommandPalette

        from ldn_tui.tui.screens.modal import SafeCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    def action_help(self) -> None:
        from ldn_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every app action for the palette, each with its current key.

        The command table gives most of them (:func:`commands.palette_entries`);
        made here from data: "Go to: <pane>" for each pane (keys 1-9), the
        line widths, "Change theme" and "Quit".

        Shown by :class:`~ldn_tui.tui.screens.palette.AppCommands`, which
        builds plain-text Content (never markup) from these strings.
        Textual's generic Keys, Maximize and Screenshot are left out.
        """
        reader = self.reader
        for number, pane in enumerate(self.library.panes, 1):
            key = f" (key {self.key_text(f'pane{number}')})" if number <= 9 else ""
            yield SystemCommand(f"Go to: {pane.title}", f"{pane.summary}{key}", partial(reader.show_pane, pane.id))
        # where a command is bound is where the palette runs it
        targets: dict[str, Callable[[str], Any]] = {
            "app": self.run_action,
            "reader": reader.run_action,
            "view": reader.run_view_action,
        }
        for entry in commands.palette_entries(self.current_keymap, self.get_key_display):
            run = targets[entry.command.where]
            yield SystemCommand(entry.title, entry.help, partial(run, entry.command.action))
        for width in (*LINE_WIDTHS, None):
            said = f"{width} characters" if width else "no limit"
            yield SystemCommand(
                f"Line width: {said}",
                f"How wide the reading column may be (key {self.key_text('line_width')} steps through them)",
                partial(self.set_line_width, width),
            )
        yield SystemCommand(
            "Change theme", "Pick the colours: light, dark and others (saved for next time)", self.action_change_theme
        )
        yield SystemCommand(
            "Quit", f"Leave the app; your place is kept (key {self.key_text('quit')})", self.action_quit
        )

    # -- stored data (the notebook writes; the app shows what changed) -------------
    def _store_error(self, message: str) -> None:
        from ldn_tui.tui.screens.palette import safe_line

        # an error may quote a path or note text: never markup, never raw
        self.notify(safe_line(message, None), title="Not saved", severity="error", timeout=10, markup=False)

    def refresh_views(self) -> None:
        """Bookmarks or notes changed: redraw markers and lists, update search."""
        self.reader.refresh_markers()
        # The index takes the new notes when search next opens: re-indexing
        # every note on every save took seconds with 100,000 notes.
        self._index_stale = True

    def action_notes_screen(self) -> None:
        from ldn_tui.tui.screens.notes import NotesScreen

        self.push_screen(NotesScreen(self.notebook), self._notes_done)

    def _notes_done(self, place: tuple[str, str] | None) -> None:
        if place is not None:
            self.reader.show_pane(place[0], slug=place[1])

    # -- search -------------------------------------------------------------------
    def ensure_search_index(self):
        """The search index, built now if the background build has not
        finished yet (so search and the palette never come up empty)."""
        if self.search_index is None:
            self.search_index = self._build_index()
            self._index_stale = False
        elif self._index_stale and self.notebook.opened:
            self.search_index.set_user_data(self.notebook.notes(), self.notebook.bookmarks())
            self._index_stale = False
        return self.search_index

    def action_search(self) -> None:
        """Open the search-everything screen."""
        from ldn_tui.tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.ensure_search_index()), self._search_done)

    def _search_done(self, result) -> None:
        if result is not None:
            self.open_search_result(result)

    def open_search_result(self, result) -> None:
        """Go to a search result and highlight the words that matched."""
        reader = self.reader
        if self.screen is not reader:
            self.pop_screen()
        if not reader.show_pane(result.pane_id, slug=result.slug):
            return
        terms = [t for t in result.terms if t]
        if terms and result.kind not in ("note", "bookmark"):
            reader.call_later(reader.highlight, terms[0])

    # -- export -------------------------------------------------------------------
    def action_export(self) -> None:
        """Ask what to export and where, then write it."""
        from ldn_tui.tui.screens.export_dialog import ExportDialog

        try:
            paper = self.notebook.state().extra.get("paper", "a4")
        except Exception:  # noqa: BLE001 - an unreadable state never blocks an export
            paper = "a4"
        self.push_screen(ExportDialog(paper=paper), self._export_chosen)

    def _export_chosen(self, request) -> None:
        if request is not None:
            if request.format == "pdf":  # remembered for the next PDF
                self._write_state(paper=request.paper)
            self.run_export(request)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def run_export(self, request) -> None:
        """Write an export in a worker; ask before replacing a file."""
        from ldn_tui.export import DestinationExists, ExportError, write_export

        try:
            bookmarks, notes, state = self.notebook.store.snapshot()
            if self.is_web:  # `ldn-tui serve`: the browser downloads it, nothing lands on the server
                from ldn_tui.tui.web_export import deliver_export

                name = deliver_export(self, request, self.library, bookmarks, notes, state)
                self.call_from_thread(
                    self.notify, f"Sent {name} to your browser's downloads.", title="Export", markup=False
                )
                return
            path = write_export(request, self.library, bookmarks, notes, state)
        except DestinationExists as error:
            self.call_from_thread(self._ask_overwrite, request, error)
            return
        except ExportError as error:
            from ldn_tui.tui.screens.palette import safe_line

            message = safe_line(
                str(error).replace(
                    "or try --scope notes or all", "or choose “Notes” or “Everything” under What to export"
                ),
                None,
            )
            self.call_from_thread(
                self.notify, message, title="Not exported", severity="error", timeout=10, markup=False
            )
            return
        except Exception as error:  # noqa: BLE001 - a store error: say it, keep going
            from ldn_tui.tui.screens.palette import safe_line

            self.call_from_thread(
                self.notify,
                safe_line(str(error), None),
                title="Not exported",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        from ldn_tui.tui.screens.palette import safe_line

        self.call_from_thread(
            self.notify, f"Exported to {safe_line(str(path), None)}", title="Export written", timeout=15, markup=False
        )

    def _ask_overwrite(self, request, error) -> None:
        from dataclasses import replace

        from ldn_tui.tui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_export(replace(request, force=True))
            else:
                # back to the dialog, choices intact, to type another name (W8)
                from ldn_tui.tui.screens.export_dialog import ExportDialog

                self.push_screen(ExportDialog.again(request), self._export_chosen)

        self.push_screen(
            ConfirmDialog(f"{error.path} already exists. Replace it?", yes="Replace", no="Keep it"), answer
        )


class _Plain:
    """Data handed to a worker. Textual names a worker after the repr of its
    arguments, and the repr of 100,000 notes took most of a second."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<data>"


def create_app(library: Library, data_dir: Path, store=None, documents_cached: bool | None = None) -> LdnApp:
    """The app factory shared by the CLI and the tests."""
    return LdnApp(library, data_dir, store, documents_cached)
