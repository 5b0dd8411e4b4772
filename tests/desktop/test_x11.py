"""X11 shortcuts under Xvfb: keys pressed with xdotool reach Reader wherever the focus is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from reader import APP_ID
from tests.conftest import require


@pytest.fixture
def xdotool(display) -> str:
    require(shutil.which("xdotool") is not None, "xdotool")
    return display


@pytest.fixture
def grabs(qtbot, xdotool):
    from reader.desktop.x11 import X11Shortcuts

    pressed: list[str] = []
    backend = X11Shortcuts(pressed.append)
    yield backend, pressed
    backend.close()


def press(keys: str) -> None:
    subprocess.run(["xdotool", "key", keys], check=True)


def test_a_grabbed_key_fires_its_action_once(qtbot, grabs) -> None:
    backend, pressed = grabs
    assert backend.bind({"read-selection": "Ctrl+Alt+R", "next": "Ctrl+Alt+."}) == []
    press("ctrl+alt+r")
    qtbot.waitUntil(lambda: pressed == ["read-selection"], timeout=3000)
    press("ctrl+alt+period")
    qtbot.waitUntil(lambda: pressed == ["read-selection", "next"], timeout=3000)
    press("r")  # the key without its modifiers is the person's, not Reader's
    qtbot.wait(300)
    assert pressed == ["read-selection", "next"]


def test_numlock_and_capslock_do_not_hide_the_key(qtbot, grabs) -> None:
    backend, pressed = grabs
    assert backend.bind({"stop": "Ctrl+Alt+S"}) == []
    for lock in ("Num_Lock", "Caps_Lock"):
        press(lock)  # on
        try:
            press("ctrl+alt+s")
            qtbot.waitUntil(lambda: len(pressed) == 1, timeout=3000)
        finally:
            press(lock)  # off again
        pressed.clear()


def test_a_held_key_acts_once(qtbot, grabs) -> None:
    backend, pressed = grabs
    assert backend.bind({"next": "Ctrl+Alt+N"}) == []
    subprocess.run(["xdotool", "keydown", "ctrl+alt+n"], check=True)
    # xdotool has no auto-repeat; send what the server's repeat sends: more presses.
    for _ in range(3):
        subprocess.run(["xdotool", "keydown", "n"], check=True)
    subprocess.run(["xdotool", "keyup", "n", "alt", "ctrl"], check=True)
    qtbot.wait(300)
    assert pressed == ["next"]


def test_a_key_taken_elsewhere_is_named(qtbot, grabs) -> None:
    from Xlib import XK, X, display

    backend, pressed = grabs
    other = display.Display()
    keycode = other.keysym_to_keycode(XK.string_to_keysym("p"))
    other.screen().root.grab_key(
        keycode, X.ControlMask | X.Mod1Mask, True, X.GrabModeAsync, X.GrabModeAsync
    )
    other.sync()
    try:
        problems = backend.bind({"play-pause": "Ctrl+Alt+P", "stop": "Ctrl+Alt+S"})
        assert problems == [
            "Ctrl+Alt+P is already taken by another program; choose another key for it."
        ]
        press("ctrl+alt+s")  # the other one still works
        qtbot.waitUntil(lambda: pressed == ["stop"], timeout=3000)
    finally:
        other.close()


def test_the_shortcut_reads_the_selection_with_the_window_in_the_background(
    sink, xdotool, tmp_path, monkeypatch
) -> None:
    require(shutil.which("xclip") is not None, "xclip")
    config = tmp_path / "config"
    (config / APP_ID).mkdir(parents=True)
    # Where reader.files.config_dir() looks on Linux.
    (config / APP_ID / "settings.json").write_text(
        json.dumps({"global_shortcuts": True, "shortcuts": {"read-selection": "Ctrl+Alt+R"}})
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    log = (tmp_path / "reader.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "reader", "--verbose", "gui"], stderr=log, env=env
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Reader$"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert found.returncode == 0
        # In the background: the window is not even on the screen.
        subprocess.run(["xdotool", "windowunmap", found.stdout.split()[0]], check=True)
        text = "Read from the selection by a key pressed anywhere."
        subprocess.run(["xclip", "-selection", "primary"], input=text, text=True, check=True)
        deadline = time.monotonic() + 10
        while "grabbed" not in (tmp_path / "reader.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "reader.log").read_text()
            time.sleep(0.1)
        with sink.recording(22_050) as recording:
            press("ctrl+alt+r")
            time.sleep(3)
        assert app.poll() is None
        assert np.abs(recording.samples).max() > 3000, (tmp_path / "reader.log").read_text()
    finally:
        app.terminate()
        app.wait(10)
        log.close()
