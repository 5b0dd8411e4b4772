"""Read selection on Wayland goes through wl-paste; a stand-in on PATH plays wl-paste
2.1.0's answers (its messages as the real binary prints them)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication

from reader.audio.output import clock_output
from reader.desktop.selection import WaylandSelection
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from tests.conftest import require

SELECTED = "Words selected in another window, read on Wayland."
COPIED = "Words on the clipboard."


@pytest.fixture
def window(qtbot, offline_provider, display):
    require(shutil.which("xclip") is not None, "xclip")
    subprocess.run(["xclip", "-selection", "clipboard"], input=COPIED, text=True, check=True)
    qtbot.waitUntil(
        lambda: QGuiApplication.clipboard().text(QClipboard.Mode.Clipboard) == COPIED,
        timeout=3000,
    )
    player = Player(clock_output(speed=1.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"))
    window.selection_reader = WaylandSelection(timeout_s=0.5).read
    qtbot.addWidget(window)
    window.show()
    yield window
    player.stop()


def stand_in(tmp_path: Path, monkeypatch, body: str | None) -> None:
    """PATH holds only a wl-paste running `body` (none at all when None)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    if body is not None:
        script = folder / "wl-paste"
        script.write_text(
            "#!/bin/sh\n"
            '[ "$*" = "--primary --no-newline" ] || { echo "unexpected: $*" >&2; exit 2; }\n'
            f"{body}\n"
        )
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def read_selection(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        window.selection_action.trigger()


def test_the_selection_is_read_through_wl_paste(qtbot, window, tmp_path, monkeypatch) -> None:
    stand_in(tmp_path, monkeypatch, f"printf '%s' '{SELECTED}'")
    read_selection(qtbot, window)
    assert window.text.toPlainText() == SELECTED
    assert window.status.text() in ("Reading", "Starting…", "Preparing the text…")


def test_an_empty_selection_says_so(qtbot, window, tmp_path, monkeypatch) -> None:
    stand_in(tmp_path, monkeypatch, 'echo "No selection" >&2; exit 1')
    window.selection_action.trigger()
    assert window.status.text() == "The selection holds no text to read."
    assert window._player.reading is None and not window._player.preparing


def test_a_wl_paste_that_hangs_falls_back_to_the_clipboard_once_noted(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    stand_in(tmp_path, monkeypatch, "exec /bin/sleep 5")
    started = time.monotonic()
    text, note = window.selection_reader()
    assert time.monotonic() - started < 1.5  # the window waited half a second, not five
    assert text == COPIED
    assert note == (
        "Reading the clipboard: the selection cannot be read here "
        "(wl-paste did not answer within 0.5 s)."
    )
    read_selection(qtbot, window)  # the second time: read, no note again
    assert window.text.toPlainText() == COPIED


def test_without_wl_paste_the_clipboard_is_read(qtbot, window, tmp_path, monkeypatch) -> None:
    stand_in(tmp_path, monkeypatch, None)
    text, note = window.selection_reader()
    assert text == COPIED
    assert "install wl-clipboard" in note


def test_a_compositor_without_primary_selection(qtbot, window, tmp_path, monkeypatch) -> None:
    stand_in(
        tmp_path,
        monkeypatch,
        'echo "The compositor does not seem to support primary selection" >&2; exit 1',
    )
    text, note = window.selection_reader()
    assert text == COPIED
    assert note.endswith("(The compositor does not seem to support primary selection).")
