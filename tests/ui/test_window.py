"""The window under Xvfb: it opens from the run command, reads, highlights, and is screenshotted."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from reader.ui.banner import Banner
from reader.ui.main_window import MainWindow
from reader.ui.progress_view import LevelMeter, ProgressView, TimelineBar
from tests.conftest import ROOT, require

DOCS = ROOT / "docs"


@pytest.fixture
def window(make_window) -> MainWindow:
    # A stand-in sound card keeps this test short; playback through the real device is
    # covered by the audio tests.
    return make_window(1.0)


def test_reads_and_highlights_the_heard_sentence(qtbot, window) -> None:
    text = "Reader reads aloud. The sentence you hear is highlighted. Press Stop at any time."
    with qtbot.waitSignal(
        window._player.sentence_changed, timeout=5000, check_params_cb=lambda i: i == 1
    ):
        window.read(text)
    # The heard sentence is the text box's selection: seen, and told to a screen reader.
    assert window.text.textCursor().selectedText() == "The sentence you hear is highlighted."
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


CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QPlainTextEdit,
    QAbstractItemView,
    QTabWidget,
)


def unnamed_controls(root: QWidget) -> list[str]:
    """Every control under `root` (buttons, fields, lists, the custom views) whose
    accessible name, as Qt hands it to a screen reader, is empty: it would be announced
    as nothing. (Qt names a button by its text when it has no name of its own.)"""
    custom = (ProgressView, TimelineBar, LevelMeter, Banner)
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS + custom):
            continue
        # Qt's own inner parts (scroll bar arrows, a combo box's popup list, a table's
        # headers, a spin box's line edit) are reached through their owner.
        owner = widget.parent()
        if (
            widget.objectName().startswith("qt_")
            or isinstance(owner, QAbstractSpinBox | QLineEdit | QAbstractItemView)
            or (owner is not None and owner.metaObject().className() == "QComboBoxPrivateContainer")
        ):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} in "
                f"{owner.metaObject().className() if owner else None}"
            )
    return found


def test_every_control_has_an_accessible_name(window) -> None:
    for widget in (
        window.text,
        window.play_button,
        window.stop_button,
        window.progress,
        window.status,
    ):
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface is not None and interface.text(QAccessible.Text.Name).strip()
    # A label that carries a value is named by the value itself, so its changes are heard.
    assert QAccessible.queryAccessibleInterface(window.status).text(QAccessible.Text.Name) == (
        window.status.text()
    )
    assert unnamed_controls(window) == []


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


def test_every_action_has_a_shortcut_and_is_in_a_menu(window) -> None:
    in_menus = {
        action
        for menu in window.menuBar().findChildren(type(window.menuBar().actions()[0].menu()))
        for action in menu.actions()
    }
    for action in (
        window.play_action,
        window.stop_action,
        window.previous_action,
        window.next_action,
        window.replay_action,
        window.clipboard_action,
        window.selection_action,
        window.quit_action,
        window.export_action,
        window.settings_action,
    ):
        assert action.shortcuts(), action.text()
        assert action in in_menus, action.text()
        assert action.toolTip()
    for button in (window.previous_button, window.replay_button, window.next_button):
        assert button.accessibleName() and button.toolTip()


LONG = " ".join(f"This is sentence number {n} of the test text." for n in range(1, 13))


def test_next_previous_and_click_a_sentence(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.sentence_changed, timeout=5000):
        window.read(LONG)
    with qtbot.waitSignal(
        window._player.sentence_changed, timeout=8000, check_params_cb=lambda i: i >= 1
    ):
        window.next_action.trigger()
    # A click on the ninth sentence reads from there.
    ninth = LONG.index("number 9 ")
    cursor = QTextCursor(window.text.document())
    cursor.setPosition(ninth + 3)
    point = window.text.cursorRect(cursor).center()
    with qtbot.waitSignal(
        window._player.sentence_changed, timeout=8000, check_params_cb=lambda i: i == 8
    ):
        qtbot.mouseClick(window.text.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.text.textCursor().selectedText().startswith("This is sentence number 9")
    with qtbot.waitSignal(
        window._player.sentence_changed, timeout=8000, check_params_cb=lambda i: i == 7
    ):
        window.previous_action.trigger()


@pytest.mark.parametrize(
    ("selection", "action"), [("clipboard", "clipboard_action"), ("primary", "selection_action")]
)
def test_read_the_clipboard_and_the_selection(qtbot, window, selection, action) -> None:
    require(subprocess.run(["which", "xclip"], capture_output=True).returncode == 0, "xclip")
    text = f"Text from the {selection}, read aloud."
    subprocess.run(["xclip", "-selection", selection], input=text, text=True, check=True)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text(mode(selection)) == text, timeout=3000)
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        getattr(window, action).trigger()
    assert window.text.toPlainText() == text


def mode(selection: str):
    from PySide6.QtGui import QClipboard

    return QClipboard.Mode.Selection if selection == "primary" else QClipboard.Mode.Clipboard


def test_a_second_start_hands_its_request_to_the_running_window(sink, display, tmp_path) -> None:
    require(subprocess.run(["which", "xclip"], capture_output=True).returncode == 0, "xclip")
    require(subprocess.run(["which", "xdotool"], capture_output=True).returncode == 0, "xdotool")
    log = (tmp_path / "first.log").open("w")
    first = subprocess.Popen(
        [sys.executable, "-m", "reader", "--verbose", "gui"], stderr=log, env=os.environ.copy()
    )
    try:
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Reader$"],
            capture_output=True,
            timeout=20,
        )
        assert found.returncode == 0
        text = "Handed over from a second start."
        subprocess.run(["xclip", "-selection", "clipboard"], input=text, text=True, check=True)
        with sink.recording(22_050) as recording:
            started = time.monotonic()
            second = subprocess.run(
                [sys.executable, "-m", "reader", "gui", "--read-clipboard"],
                capture_output=True,
                text=True,
                timeout=20,
            )
            handed = time.monotonic() - started
            time.sleep(2.5)
        assert second.returncode == 0, second.stderr
        assert handed < 5  # it handed over and quit; it opened no window of its own
        assert first.poll() is None
        assert (
            f"read {len(text)} characters from the Clipboard"
            in (tmp_path / "first.log").read_text()
        )
        assert np.abs(recording.samples).max() > 3000  # the first window read it aloud
    finally:
        first.terminate()
        first.wait(10)
        log.close()


def test_text_replaced_by_the_clipboard_comes_back_with_ctrl_z(qtbot, window) -> None:
    typed = "My own notes, typed by hand."
    window.text.setFocus()
    qtbot.keyClicks(window.text, typed)
    QGuiApplication.clipboard().setText("The clipboard's text, read aloud.")
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        window.clipboard_action.trigger()
    assert window.text.toPlainText() == "The clipboard's text, read aloud."
    with qtbot.waitSignal(window._player.finished, timeout=5000):
        window.stop_button.click()
    window.text.setFocus()
    qtbot.keyClick(window.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.text.toPlainText() == typed
