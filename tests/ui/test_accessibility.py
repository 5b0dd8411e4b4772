"""What a screen reader meets: the window read through AT-SPI from outside its process.

Reader runs as a person starts it (`reader gui`, accessibility on, under the test bed's
Xvfb and D-Bus, where the accessibility bus starts on demand); `tests/helpers/
atspi_walker.py`, run with the system's Python and its Atspi bindings, reads the tree,
presses Tab and listens for events as Orca does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, require

pytestmark = pytest.mark.gui

WALKER = ROOT / "tests" / "helpers" / "atspi_walker.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# Roles a person operates; each must have a name that says what it is.
INTERACTIVE = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "spin button",
    "text",
    "slider",
    "menu item",
    "check menu item",
    "page tab",
    "table",
    "list",
    "entry",
    "password text",
}


def _has_atspi() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = "import gi; gi.require_version('Atspi', '2.0'); from gi.repository import Atspi"
    return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True).returncode == 0


class ScreenReader:
    """Drives the walker against one running Reader."""

    def __init__(self, env: dict[str, str], window: str, pid: int) -> None:
        self.env = env
        self.window = window
        self.pid = pid

    def _walker(self, *args: str, timeout: float = 30) -> Any:
        done = subprocess.run(
            [SYSTEM_PYTHON, str(WALKER), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def tree(self) -> dict[str, Any]:
        return self._walker("tree")  # type: ignore[no-any-return]

    def press(self, *keys: str) -> list[dict[str, Any] | None]:
        """What gained focus after each key (as a screen reader follows focus)."""
        return self._walker("press", *keys)  # type: ignore[no-any-return]

    def tabs(self, count: int, key: str = "Tab") -> list[dict[str, Any] | None]:
        return self.press(*[key] * count)

    def focus(self) -> dict[str, Any] | None:
        return self._walker("focus")  # type: ignore[no-any-return]

    def key(self, *keys: str) -> None:
        subprocess.run(["xdotool", "key", *keys], check=True)
        time.sleep(0.3)

    def focus_newest_window(self) -> None:
        """Give keyboard focus to the window opened last (a dialog; there is no window
        manager in the test bed to do it)."""
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(self.pid)],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert found
        subprocess.run(["xdotool", "windowfocus", "--sync", found[-1]], check=True)
        time.sleep(0.3)

    def listen(self, seconds: float) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [SYSTEM_PYTHON, str(WALKER), "listen", str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["type"] == "ready"
        return process

    @staticmethod
    def events(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
        out, _ = process.communicate(timeout=60)
        return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def screen_reader(display: str, tmp_path: Path) -> Iterator[ScreenReader]:
    with _screen_reader(tmp_path) as reader:
        yield reader


@contextlib.contextmanager
def _screen_reader(tmp_path: Path) -> Iterator[ScreenReader]:
    require(_has_atspi(), "the AT-SPI bindings (python3-gi, gir1.2-atspi-2.0)")
    require(shutil.which("xdotool") is not None, "xdotool")
    env = os.environ.copy()
    env.update(
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    process = subprocess.Popen([sys.executable, "-m", "reader", "gui"], env=env)
    try:
        window = ""
        for _ in range(100):
            found = subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(process.pid)],
                capture_output=True,
                text=True,
                timeout=20,
            )
            window = found.stdout.split()[0] if found.stdout.split() else ""
            if window:
                break
            time.sleep(0.1)
        assert window, "the window did not appear"
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        time.sleep(0.5)
        yield ScreenReader(env, window, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _walk(node: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[dict, tuple]]:
    yield node, path
    for child in node["children"]:
        yield from _walk(child, (*path, f"{node['role']}:{node['name']}"))


def _showing(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for node, _ in _walk(tree):
        if "showing" in node["states"]:
            yield node


def _called(node: dict[str, Any]) -> str:
    """What a screen reader says a control is: its name, or the label it is labelled by."""
    labels = [target for kind, target in node["relations"] if kind == "labelled-by"]
    if node["role"] == "combo box":
        # Qt names a combo box by its current value on Linux; its label is the relation.
        return labels[0] if labels else ""
    return node["name"] or (labels[0] if labels else "")


def test_every_control_in_the_window_says_what_it_is(screen_reader: ScreenReader) -> None:
    unnamed = [
        f"{node['role']} ({node.get('text', '')!r})"
        for node in _showing(screen_reader.tree())
        if node["role"] in INTERACTIVE and not _called(node)
    ]
    assert unnamed == []


def test_the_toolbars_choices_are_named_by_their_labels_and_say_their_values(
    screen_reader: ScreenReader,
) -> None:
    controls = {
        _called(node): node
        for node in _showing(screen_reader.tree())
        if node["role"] in INTERACTIVE
    }
    assert {"Provider", "Model", "Speed"} <= set(controls)
    # The combo box's own name is its value (the provider chosen), read after its label.
    assert controls["Provider"]["name"] not in ("", "Provider")
    voice = [name for name in controls if name.startswith("Voice")]
    assert voice and voice[0] != "Voice", "the voice button says which voice is chosen"
    play = [name for name in controls if name in ("Play", "Pause", "Play or pause")]
    assert play == ["Play"], "Play's name says what pressing it does now"


def test_labels_that_carry_values_expose_their_text(screen_reader: ScreenReader) -> None:
    labels = [node["name"] for node in _showing(screen_reader.tree()) if node["role"] == "label"]
    assert "Ready" in labels, "the status line's text is what a screen reader reads"


def test_the_timeline_has_a_value(screen_reader: ScreenReader) -> None:
    timeline = [
        node
        for node in _showing(screen_reader.tree())
        if node["name"].startswith("Timeline") or node["role"] == "slider"
    ]
    assert timeline and "value" in timeline[0], "the timeline exposes where the reading is"


def test_tab_leaves_the_text_box_and_goes_round_the_window_top_to_bottom(
    screen_reader: ScreenReader,
) -> None:
    start = screen_reader.focus()
    assert start is not None and start["name"] == "Text to read"
    subprocess.run(["xdotool", "type", "Words."], check=True)  # Play is greyed while empty
    names = [_called(node) if node else "" for node in screen_reader.tabs(8)]
    assert names[0] != "Text to read", "Tab moves on from the text box instead of typing"
    # Round the window once, from the text back to it: every enabled control, in the
    # order they are laid out (toolbar above the text, transport and timeline below).
    round_trip = ["Text to read", *names[: names.index("Text to read") + 1]]
    assert round_trip[1:3] == ["Play", "Timeline"], round_trip
    toolbar = round_trip[3:-1]
    assert toolbar[:2] == ["Provider", "Model"] and toolbar[-1] == "Speed", round_trip
    assert toolbar[2].startswith("Voice: "), round_trip
    back = [_called(node) if node else "" for node in screen_reader.tabs(2, "shift+Tab")]
    assert back == [names[-2], names[-3]], "Shift+Tab goes the same way back"


def test_settings_keys_table_does_not_trap_tab(screen_reader: ScreenReader) -> None:
    screen_reader.key("ctrl+comma")
    time.sleep(1.0)
    screen_reader.focus_newest_window()
    visited = screen_reader.tabs(12)
    names = [_called(n) if n else "" for n in visited]
    assert "API keys" in names, visited
    after = names[names.index("API keys") + 1 :]
    assert after and after[0] != "API keys", names
    assert {"Set key…", "Remove key"} & set(after) or {"Set the selected provider's key"} & set(
        after
    ), names


def _announced(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """What was announced, and how: 1 polite, 2 assertive."""
    return [(e["any"], e["detail1"]) for e in events if e["type"] == "object:announcement"]


def test_a_status_change_is_announced_and_a_problem_at_once(
    screen_reader: ScreenReader,
) -> None:
    listener = screen_reader.listen(3)
    _type_and_play(screen_reader, "...")  # something to read, but no words in it
    said = _announced(screen_reader.events(listener))
    nothing = "Nothing to read: the text is empty or has no words."
    assert (nothing, 2) in said, said  # the problem banner: assertive


def _type_and_play(screen_reader: ScreenReader, text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "2", text], check=True)
    screen_reader.key("ctrl+space")


TEXT = "Hello there. This is the second sentence. And a third one to end with."


def test_the_heard_sentence_is_the_text_boxs_selection(screen_reader: ScreenReader) -> None:
    listener = screen_reader.listen(6)
    _type_and_play(screen_reader, TEXT)
    seen: set[str] = set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "This is the second sentence." not in seen:
        for node in _showing(screen_reader.tree()):
            if node["name"] == "Text to read" and "selection" in node:
                start, end = node["selection"]
                seen.add(node["text"][start:end])
        time.sleep(0.2)
    assert "This is the second sentence." in seen, seen
    said = [text for text, _ in _announced(screen_reader.events(listener))]
    assert "Reading" in said
    assert "This is the second sentence." not in said, "sentences are not announced by default"


def test_each_sentence_is_announced_when_the_person_asks(display: str, tmp_path: Path) -> None:
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"announce_sentences": True}))
    with _screen_reader(tmp_path) as screen_reader:
        listener = screen_reader.listen(6)
        _type_and_play(screen_reader, TEXT)
        said = [text for text, _ in _announced(screen_reader.events(listener))]
    assert "This is the second sentence." in said, said


def test_the_timelines_arrow_keys_read_from_the_next_sentence(
    screen_reader: ScreenReader,
) -> None:
    _type_and_play(screen_reader, "One. " + "Here is a long sentence that takes a while. " * 3)
    time.sleep(1.0)
    screen_reader.tabs(2)  # text → Play → Timeline
    screen_reader.key("End")
    deadline = time.monotonic() + 5
    value = None
    while time.monotonic() < deadline:
        sliders = [n for n in _showing(screen_reader.tree()) if n["role"] == "slider"]
        value = sliders[0].get("value") if sliders else None
        if value and value[1] == value[2]:
            break
        time.sleep(0.2)
    assert value is not None and value[1] == value[2] == 4, value


def test_the_menus_dialogs_and_voice_menu_name_every_control(
    screen_reader: ScreenReader,
) -> None:
    def unnamed(tree: dict[str, Any], showing_only: bool) -> list[str]:
        return [
            f"{node['role']} in {path[-1] if path else ''}"
            for node, path in _walk(tree)
            if node["role"] in INTERACTIVE
            and not _called(node)
            and (not showing_only or "showing" in node["states"])
            # A combo box's popup list is read as part of the combo box.
            and not (path and path[-1].startswith("combo box:"))
        ]

    assert unnamed(screen_reader.tree(), False) == []  # the menus are in the tree, open or not
    # A popup menu is not in the tree (Qt lists no popups among an application's windows):
    # a screen reader meets the voice menu by following the focus through it.
    in_menu = screen_reader.press("ctrl+shift+o", "Down", "Down", "Down", "Down", "Down")
    assert in_menu[0] is not None and in_menu[0]["name"] == "Search voices", in_menu[0]
    assert [n for n in in_menu if n is None or not _called(n)] == [], in_menu
    screen_reader.key("Escape")
    screen_reader.key("ctrl+comma")
    time.sleep(1.0)
    tree = screen_reader.tree()  # every page, shown or not
    assert any(n["name"] == "Settings pages" for n, _ in _walk(tree))
    assert unnamed(tree, False) == []
    screen_reader.focus_newest_window()
    screen_reader.key("Escape")
    # No window manager gives the focus back when a dialog closes: hand it back.
    subprocess.run(["xdotool", "windowfocus", "--sync", screen_reader.window], check=True)
    subprocess.run(["xdotool", "type", "Some text to export."], check=True)
    screen_reader.key("ctrl+e")
    time.sleep(1.0)
    tree = screen_reader.tree()
    assert any(n["name"] == "Start the export" for n in _showing(tree))
    assert unnamed(tree, True) == []
