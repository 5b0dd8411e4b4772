"""No sound server: the window's banner says what the terminal says, with the device button.

PortAudio lists devices once, when it starts, so the window runs in a process of its own
whose PulseAudio address leads nowhere (ALSA's default device goes to PulseAudio)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.cli import reader

WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reader.audio.output import device_output
from reader.providers.registry import Registry
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player

app = QApplication([])
provider = Registry().create("offline")
player = Player(device_output(None), ReadingFactory(Settings()))
window = MainWindow(player, provider, Voicing("en-US"))
window.show()
window.read("Hello there.")

def check():
    banner = window.banner
    if banner.isVisible():
        print(banner.message.text())
        print(banner.fix_button.text() if banner.fix_button.isVisible() else "(no button)")
        app.quit()

timer = QTimer()
timer.timeout.connect(check)
timer.start(50)
QTimer.singleShot(20000, app.quit)
app.exec()
"""

NOWHERE = {"PULSE_SERVER": "unix:/nonexistent"}


def test_the_banner_says_what_the_terminal_says(display, tmp_path) -> None:
    env = {**os.environ, **NOWHERE, "XDG_CONFIG_HOME": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-c", WINDOW], capture_output=True, text=True, timeout=60, env=env
    )
    assert shown.returncode == 0, shown.stderr
    message, button = shown.stdout.splitlines()[-2:]
    terminal = reader("speak", "Hello there.", env={**NOWHERE, "XDG_CONFIG_HOME": str(tmp_path)})
    assert terminal.returncode == 5
    said = terminal.stderr.strip().removeprefix("reader: ")
    assert message == (
        "No audio output device found. Connect or enable one (is PulseAudio or PipeWire running?)."
    )
    assert said.startswith(message.removesuffix("."))  # the terminal adds how to save
    assert button == "Choose a device"
