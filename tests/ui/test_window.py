"""The window under Xvfb: it opens from the run command, reads, highlights, and is screenshotted."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtGui import QGuiApplication

from reader.audio.output import clock_output
from reader.events import Voicing
from reader.player import Player
from reader.readings import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from tests.conftest import ROOT, require

DOCS = ROOT / "docs"


@pytest.fixture
def window(qtbot, offline_provider, display):
    # A sped-up stand-in sound card keeps this test short; playback through the real
    # device is covered by the audio tests.
    player = Player(clock_output(speed=1.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    player.stop()


def test_reads_and_highlights_the_heard_sentence(qtbot, window) -> None:
    text = "Reader reads aloud. The sentence you hear is highlighted. Press Stop at any time."
    with qtbot.waitSignal(
        window._player.sentence_changed, timeout=5000, check_params_cb=lambda i: i == 1
    ):
        window.read(text)
    highlight = window.text.extraSelections()[0]
    assert highlight.cursor.selectedText() == "The sentence you hear is highlighted."
    assert window.play_button.text() == "Pause"
    assert window.text.isReadOnly()
    DOCS.mkdir(exist_ok=True)
    assert window.grab().save(str(DOCS / "window-reading.png"))
    with qtbot.waitSignal(window._player.finished, timeout=2000):
        window.stop_button.click()
    assert window.play_button.text() == "Play" and not window.text.isReadOnly()


def test_pause_and_resume_from_the_button(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        window.read("One sentence here. " * 20)
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "paused"):
        window.play_button.click()
    assert window.play_button.text() == "Resume"
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        window.play_button.click()


def test_empty_text_shows_a_line_not_a_crash(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.error_occurred):
        window.read("   ")
    assert "Nothing to read" in window.status.text()


def test_every_control_has_an_accessible_name(window) -> None:
    for widget in (
        window.text,
        window.play_button,
        window.stop_button,
        window.progress,
        window.status,
    ):
        assert widget.accessibleName()


def test_the_run_command_shows_the_window(qapp, display) -> None:
    require(subprocess.run(["which", "xdotool"], capture_output=True).returncode == 0, "xdotool")
    process = subprocess.Popen([sys.executable, "-m", "reader"], env=os.environ.copy())
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Reader$"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert found.returncode == 0 and found.stdout.strip()
        assert process.poll() is None
        time.sleep(0.5)  # let it paint
        window_id = int(found.stdout.split()[0])
        # A picture of the other process's window, taken from the X server.
        shot = QGuiApplication.primaryScreen().grabWindow(window_id)
        assert shot.width() >= 400 and shot.height() >= 300
        DOCS.mkdir(exist_ok=True)
        assert shot.save(str(DOCS / "window.png"))
    finally:
        process.terminate()
        assert process.wait(10) is not None
