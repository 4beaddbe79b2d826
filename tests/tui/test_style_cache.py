"""The parsed-stylesheet cache (``ldn_tui.tui.style_cache``): a start after
the first one finds the stylesheet already parsed, the same rules come
back, and anything wrong with the file only means "parse as usual"."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import pytest
from helpers import SIZE, finishes, ready
from textual.app import App
from textual.css import stylesheet as stylesheet_module
from textual.css.stylesheet import Stylesheet

from ldn_tui.tui import style_cache
from ldn_tui.tui.app import LdnApp

APP_TCSS = Path(style_cache.__file__).with_name("app.tcss")


@pytest.fixture(scope="module")
def variables() -> dict[str, str]:
    return App().get_css_variables()


def parsed(variables: dict[str, str], css: str | None = None) -> Stylesheet:
    sheet = Stylesheet(variables=variables)
    sheet.add_source(css or APP_TCSS.read_text(), read_from=(str(APP_TCSS), ""))
    sheet.parse()
    return sheet


def css_of(sheet: Stylesheet) -> list[str]:
    return [rule.css for rule in sheet.rules]


def no_parsing(monkeypatch) -> list[str]:
    """Make Textual's CSS parser record (and refuse) every call."""
    calls: list[str] = []

    def refuse(scope, css, read_from, **_):
        calls.append(read_from)
        raise AssertionError(f"parsed {read_from}")

    monkeypatch.setattr(stylesheet_module, "parse", refuse)
    return calls


def test_a_saved_stylesheet_comes_back_without_parsing(tmp_path, variables, monkeypatch):
    first = parsed(variables)
    style_cache.save(style_cache.snapshot(first), tmp_path, variables)
    assert style_cache.cache_path(tmp_path, variables).is_file()

    second = Stylesheet(variables=variables)
    loaded = style_cache.load(second, tmp_path, variables)
    assert loaded and (APP_TCSS.read_text(), (str(APP_TCSS), ""), False, 0, "") in loaded
    calls = no_parsing(monkeypatch)
    second.add_source(APP_TCSS.read_text(), read_from=(str(APP_TCSS), ""))
    second.parse()
    assert calls == []
    assert css_of(second) == css_of(first)
    assert not style_cache.unsaved(second, loaded)


def test_a_cache_written_from_loaded_rules_loads_again(tmp_path, variables):
    style_cache.save(style_cache.snapshot(parsed(variables)), tmp_path, variables)
    again = Stylesheet(variables=variables)
    style_cache.load(again, tmp_path, variables)
    other = tmp_path / "other"
    style_cache.save(style_cache.snapshot(again), other, variables)
    assert style_cache.load(Stylesheet(variables=variables), other, variables)


def test_other_theme_variables_miss(tmp_path, variables):
    style_cache.save(style_cache.snapshot(parsed(variables)), tmp_path, variables)
    other = {**variables, "primary": "#123456"}
    assert style_cache.cache_path(tmp_path, other) != style_cache.cache_path(tmp_path, variables)
    assert style_cache.load(Stylesheet(variables=other), tmp_path, other) == frozenset()
    # even under the right name, rules for other variables are not used
    style_cache.cache_path(tmp_path, variables).rename(style_cache.cache_path(tmp_path, other))
    assert style_cache.load(Stylesheet(variables=other), tmp_path, other) == frozenset()


def test_edited_css_is_parsed_as_usual(tmp_path, variables):
    style_cache.save(style_cache.snapshot(parsed(variables)), tmp_path, variables)
    sheet = Stylesheet(variables=variables)
    loaded = style_cache.load(sheet, tmp_path, variables)
    edited = APP_TCSS.read_text() + "\nScreen { background: red; }\n"
    sheet.add_source(edited, read_from=(str(APP_TCSS), ""))
    sheet.parse()
    assert css_of(sheet) == css_of(parsed(variables, edited))
    assert style_cache.unsaved(sheet, loaded)


def test_a_saved_file_keeps_only_the_newest_cache(tmp_path, variables):
    style_cache.save(style_cache.snapshot(parsed(variables)), tmp_path, variables)
    other = {**variables, "primary": "#123456"}
    style_cache.save(style_cache.snapshot(parsed(other)), tmp_path, other)
    assert [p.name for p in (tmp_path / "cache").glob("styles-*.pickle")] == [
        style_cache.cache_path(tmp_path, other).name
    ]


def _write(tmp_path: Path, variables, data: bytes) -> None:
    path = style_cache.cache_path(tmp_path, variables)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


class _Boom:
    """Pickles as a call of ``os.system``: must never be called."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


class _Getattr:
    """Pickles as ``getattr(Color, "__init_subclass__")``: an allowed class,
    but not one of the two dict methods a cache holds."""

    def __reduce__(self):
        from textual.color import Color

        return (getattr, (Color, "__init_subclass__"))


DAMAGED = {
    "empty": lambda v: b"",
    "garbage": lambda v: b"not a pickle",
    "truncated": lambda v: pickle.dumps({"variables": v, "entries": []})[:-3],
    "a list": lambda v: pickle.dumps(["a", "list"]),
    "no variables": lambda v: pickle.dumps({"entries": []}),
    "entries not a list": lambda v: pickle.dumps({"variables": v, "entries": "x"}),
    "not rule sets": lambda v: pickle.dumps({"variables": v, "entries": [(("k",), ["not a rule set"])]}),
    "bad key": lambda v: pickle.dumps({"variables": v, "entries": [((), [])]}),
    "os.system": lambda v: pickle.dumps(_Boom()),
    "getattr": lambda v: pickle.dumps(_Getattr()),
    "print": lambda v: pickle.dumps({"variables": v, "entries": print}),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_or_foreign_cache_means_parse_as_usual(tmp_path, variables, damage, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, variables, damage(variables))
    sheet = Stylesheet(variables=variables)
    assert style_cache.load(sheet, tmp_path, variables) == frozenset()
    assert not (tmp_path / "pwned").exists()
    assert list(sheet._parse_cache.keys()) == []


def test_the_unpickler_allows_only_dict_methods_and_selector_checks():
    hostile = pickle.dumps(_Getattr())
    with pytest.raises(pickle.UnpicklingError):
        style_cache._Unpickler(io.BytesIO(hostile)).load()
    from functools import partial

    with pytest.raises(pickle.UnpicklingError):
        style_cache._Unpickler(io.BytesIO(pickle.dumps(partial(os.getcwd)))).load()


def test_rules_holding_an_unknown_class_are_not_written(tmp_path, variables, monkeypatch):
    sheet = parsed(variables)
    monkeypatch.setattr(style_cache, "_ALLOWED", style_cache._ALLOWED - {("textual.color", "Color")})
    style_cache.save(style_cache.snapshot(sheet), tmp_path, variables)
    assert not style_cache.cache_path(tmp_path, variables).exists()


def test_an_unwritable_cache_dir_is_ignored(tmp_path, variables):
    (tmp_path / "cache").write_text("a file where the directory should be")
    style_cache.save(style_cache.snapshot(parsed(variables)), tmp_path, variables)  # no error


async def _run_until_cached(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for _ in range(300):
            if app.search_index is not None and any((app.data_dir / "cache").glob("styles-*.pickle")):
                break
            await pilot.pause(0.02)
        await pilot.pause(0.2)


async def test_the_second_start_parses_no_css(app, monkeypatch):
    first = app()
    await _run_until_cached(first)
    assert list((first.data_dir / "cache").glob("styles-*.pickle"))

    calls = no_parsing(monkeypatch)
    second = app(data_dir=first.data_dir)
    assert isinstance(second, LdnApp) and second._styles_loaded
    async with second.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
    assert calls == []


@pytest.mark.parametrize("change_theme", [False, True], ids=["same theme", "theme changed"])
async def test_rules_parsed_for_another_theme_are_never_saved(app, change_theme):
    """What is saved is named for the start-up theme's variables, so it is
    written only while those are still the ones in use."""
    first = app()
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for _ in range(300):
            if first.search_index is not None:
                break
            await pilot.pause(0.02)
        for path in (first.data_dir / "cache").glob("styles-*.pickle"):
            path.unlink()
        if change_theme:
            first.theme = "textual-light"
            await pilot.pause()
        # a screen not seen yet: its widgets' CSS is parsed now
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert style_cache.unsaved(first.stylesheet, first._styles_loaded)
        first.search_index = None
        first.panes_ready()
        for _ in range(300):
            if first.search_index is not None:
                break
            await pilot.pause(0.02)
    saved = list((first.data_dir / "cache").glob("styles-*.pickle"))
    assert bool(saved) is not change_theme


def test_a_fifo_in_place_of_the_style_cache_is_not_waited_on(tmp_path):
    variables = App().get_css_variables()
    path = style_cache.cache_path(tmp_path, variables)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    sheet = Stylesheet(variables=variables)
    assert finishes(lambda: style_cache.load(sheet, tmp_path, variables), path) == frozenset()
