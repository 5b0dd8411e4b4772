"""The window fits the screen as a person has it: long messages wrap or end in "…" and
never widen the window; the 141 offline voices scroll under their button, grouped by
language; at 2× scale on a 1366×800 screen every window and dialog opens on the screen."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QStyle

from reader.audio.output import clock_output
from reader.errors import ProviderError, ProviderUnavailable, Remedy
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.voices import VoiceButton
from tests.conftest import ROOT, require

LONG_ERROR = (
    "The server at 127.0.0.1:38785 answered 400 Bad Request: "
    + "https://api.example.com/v1/audio/speech?"
    + "x" * 120
    + " was refused because the request body did not match any model the server knows about"
)


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window(4.0)


def test_the_window_is_no_wider_than_the_screen_after_a_300_character_error(qtbot, window) -> None:
    assert len(LONG_ERROR) >= 300
    before = window.width()
    window._on_error(ProviderError(LONG_ERROR))
    window.status.setText("Retrying in 3 s: " + LONG_ERROR)
    qtbot.wait(100)
    screen = window.screen().availableGeometry()
    assert window.width() == before <= screen.width()
    inside = QRect(QPoint(0, 0), window.size())
    for button in (window.banner.fix_button, window.banner.close_button):
        corner = button.mapTo(window, QPoint(button.width() - 1, button.height() - 1))
        assert button.isVisible() and inside.contains(corner), button.text()
    # The whole message stays readable: wrapped in the banner, in the status's tooltip.
    assert window.banner.message.height() > window.banner.message.fontMetrics().height() * 2
    assert window.status.toolTip().endswith(LONG_ERROR) and window.status.elided().endswith("…")


def test_two_fixes_and_dismiss_stay_inside_the_window_beside_a_long_error(qtbot, window) -> None:
    remedy = Remedy(window="Check its address in Settings → Servers.", page="servers", item="x")
    window._on_error(ProviderUnavailable(LONG_ERROR, remedy))
    qtbot.wait(100)
    inside = QRect(QPoint(0, 0), window.size())
    shown = [b for b in window.banner.buttons() if b.isVisible()]
    assert [b.text() for b in shown] == ["Open settings", "Try again", "Dismiss"]
    for button in shown:
        corner = button.mapTo(window, QPoint(button.width() - 1, button.height() - 1))
        assert inside.contains(corner), button.text()
    assert window.banner.message.toolTip().endswith("Check its address in Settings → Servers.")


def test_the_offline_voices_are_grouped_by_language_in_a_list_that_scrolls(
    qtbot, offline_provider, display
) -> None:
    button = VoiceButton()
    qtbot.addWidget(button)
    voices = offline_provider.voices()
    assert len(voices) > 100
    button.set_voices(voices, "es")
    menu = button.menu()
    assert menu.style().styleHint(QStyle.StyleHint.SH_Menu_Scrollable, None, menu) == 1
    texts = [action.text() for action in menu.actions()]
    english = texts.index("English")  # a heading over the language's several voices
    following = texts[english + 1 : english + 1 + 9]
    assert all("English" in text for text in following), following
    button.search.setText("zzzz-no-such-voice")
    assert button.visible_voice_ids() == []
    assert any(a.isVisible() and a.text().startswith("No voice matches") for a in menu.actions())


def probe(size: str, scale: str, *args: str) -> dict:
    """Run tests/helpers/fit_probe.py on a private Xvfb screen of `size` at `scale`."""
    require(shutil.which("Xvfb") is not None, "Xvfb")
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as display:
            number = display.readline().strip()
        env = {**os.environ, "DISPLAY": f":{number}", "QT_SCALE_FACTOR": scale}
        env.pop("QT_QPA_PLATFORM", None)
        done = subprocess.run(
            [sys.executable, "-m", "tests.helpers.fit_probe", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        xvfb.terminate()
        xvfb.wait()


def test_at_2x_on_a_1366x800_screen_every_window_and_dialog_opens_on_the_screen() -> None:
    found = probe("1366x800", "2", "--docs", str(ROOT / "docs"))  # docs/*-2x.png
    left, top, width, height = found.pop("screen")
    found.pop("window-min")
    assert (width, height) == (683, 400)  # 1366×800 at 2×
    for name, (x, y, w, h, *_) in found.items():
        assert left <= x and x + w <= left + width, (name, x, w)
        assert top <= y and y + h <= top + height, (name, y, h)


@pytest.mark.parametrize("scale", ["1", "2"])
def test_the_voice_menu_opens_under_its_button_within_the_screen(scale) -> None:
    found = probe("1366x800", scale, "--menu")
    x, y, width, height = found["menu"]
    below_x, below_y = found["button_bottom_left"]
    left, top, screen_width, screen_height = found["screen"]
    assert (x, y) == (below_x, below_y + 1)  # anchored under the button
    assert y + height <= top + screen_height and x + width <= left + screen_width
    voice, last_top, last_bottom = found["last"]
    assert voice == found["last_expected"]  # the last voice can be reached…
    assert 0 <= last_top and last_bottom <= height  # …and is shown in the menu


def test_at_a_narrow_width_the_voice_and_speed_stay_in_the_toolbar(
    qtbot, offline_provider, display, tmp_path
) -> None:
    from reader.providers.registry import Registry
    from reader.settings import Endpoint
    from reader.ui.voice_bar import VoiceBar

    long_name = Endpoint("x", "openai-compatible", "http://127.0.0.1:9/v1", "Kokoro in the attic")
    bar = VoiceBar(Registry(None), (long_name,), offline_provider, Voicing("en-US"))
    player = Player(clock_output(4.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"), bar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(560, 400)
    qtbot.wait(200)
    assert window.width() == 560
    for widget in (bar.voice_button, bar.speed_box):
        assert widget.isVisible(), widget.accessibleName()
        right = widget.mapTo(bar, QPoint(widget.width(), 0)).x()
        assert right <= bar.width()
    player.stop()


def test_the_provider_box_shows_a_saved_servers_whole_name(
    qtbot, offline_provider, display
) -> None:
    from reader.providers.registry import Registry
    from reader.settings import Endpoint
    from reader.ui.voice_bar import VoiceBar

    attic = Endpoint("a", "openai-compatible", "http://127.0.0.1:9/v1", "Kokoro in the attic")
    bar = VoiceBar(Registry(None), (), offline_provider, Voicing("en-US"))
    player = Player(clock_output(4.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"), bar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(1200, 500)
    bar.set_endpoints((attic,))  # saved while the window is open, as from Settings
    qtbot.wait(100)
    box = bar.provider_box
    label = next(box.itemText(i) for i in range(box.count()) if "attic" in box.itemText(i))
    box.setCurrentIndex(box.findText(label))
    qtbot.wait(100)
    assert box.width() >= box.fontMetrics().horizontalAdvance(label) + 20
    player.stop()


LONG_SERVER = "Kokoro in the attic at the end of the hall"


def toolbar_labels(bar) -> list:
    from PySide6.QtWidgets import QLabel

    return [label for label in bar.findChildren(QLabel) if label.buddy() is not None]


@pytest.mark.parametrize("width", [760, 1400])
def test_alt_p_m_s_go_to_their_controls_whether_the_labels_show_or_not(
    qtbot, app_with_voices, width
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from reader.settings import Endpoint

    app = app_with_voices
    bar, window = app.bar, app.window
    # A saved server with a long name, as after "Save server": the provider box is wide.
    bar.set_endpoints((Endpoint("kokoro", "openai-compatible", app.server.url, LONG_SERVER),))
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
    window.resize(width, 500)
    qtbot.wait(200)
    labels = toolbar_labels(bar)
    names = [re.sub("<[^>]*>|&", "", label.text()) for label in labels]
    assert names == ["Provider", "Model", "Speed"]
    assert all(label.isVisible() for label in labels) == (width > 1000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.text.setPlainText("Scale test")
    for key, control in (
        (Qt.Key.Key_P, bar.provider_box),
        (Qt.Key.Key_M, bar.model_box),
        (Qt.Key.Key_S, bar.speed_box),
    ):
        window.text.setFocus()
        qtbot.waitUntil(window.text.hasFocus)
        qtbot.keyClick(window.text, key, Qt.KeyboardModifier.AltModifier)
        focused = QApplication.focusWidget()
        assert focused is control or control.isAncestorOf(focused), (key, focused)
        assert window.text.toPlainText() == "Scale test"  # nothing typed into the text


def test_the_provider_box_narrows_again_for_a_short_name(qtbot, app_with_voices) -> None:
    from reader.settings import Endpoint

    app = app_with_voices
    bar, window = app.bar, app.window
    bar.set_endpoints((Endpoint("kokoro", "openai-compatible", app.server.url, LONG_SERVER),))
    window.resize(1400, 500)
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
    box = bar.provider_box
    metrics = box.fontMetrics()
    assert box.width() >= metrics.horizontalAdvance(box.currentText()) + 20  # whole name
    offline = next(i for i in range(box.count()) if box.itemText(i).startswith("Offline"))
    box.setCurrentIndex(offline)
    box.activated.emit(offline)
    qtbot.waitUntil(lambda: bar.provider.id == "offline", timeout=5000)
    qtbot.wait(100)
    short = box.currentText()
    assert metrics.horizontalAdvance(short) + 20 <= box.width()
    assert box.width() <= metrics.horizontalAdvance(short) + 4 * metrics.height(), box.width()


@pytest.mark.parametrize("scale", ["1", "2"])
def test_settings_voices_and_servers_fit_without_sideways_scrolling(scale) -> None:
    found = probe("1366x800", scale, "--pages")
    assert found["voices-sideways"] is False and found["servers-sideways"] is False
    assert found["voices-table-sideways"] is False
    assert found["voices-cut"] == []  # every voice's whole name, on one line
    assert found["disk-whole"] is True  # the voices' folder, whole
    # Save and Test whole in view, and the test's result line below them.
    assert found["servers-seen"] == [
        "Save server",
        "Test connection",
        "Connected: 2 models, 11 voices.",
    ]
