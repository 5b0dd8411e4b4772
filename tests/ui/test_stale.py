"""Nothing stale on screen: what the window shows is about the text and the reader in
use now, not the last ones."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt

from reader.ui.main_window import MainWindow
from tests.helpers.fake_server import Failure
from tests.ui.test_contrast import dark_palette
from tests.ui.test_dialogs import App


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window(1.0)


def test_nothing_to_read_goes_once_there_is_text_and_play_waits_for_some(qtbot, window) -> None:
    assert not window.play_button.isEnabled() and not window.play_action.isEnabled()
    with qtbot.waitSignal(window._player.error_occurred):
        window.read("   ")
    qtbot.waitUntil(lambda: not window.text.isReadOnly(), timeout=3000)
    assert window.banner.isVisible()
    window.text.clear()
    window.text.setFocus()
    qtbot.keyClicks(window.text, "Some words now.")
    assert not window.banner.isVisible()
    assert window.play_button.isEnabled() and window.play_action.isEnabled()


def test_the_last_readings_highlight_and_progress_go_when_the_text_changes(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.finished, timeout=15_000):
        window.read("One. Two. Three.")
    assert window.progress.sentence.text() == "sentence 3 of 3"
    # The heard sentence was the box's selection; once the reading ends it is let go, so
    # the first key typed does not replace it.
    assert not window.text.textCursor().hasSelection()
    window.text.setFocus()
    qtbot.keyClick(window.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.text, " Four.")
    assert window.text.toPlainText() == "One. Two. Three. Four."
    assert window.progress.sentence.text() == "" and window.progress.timeline.fractions == (0, 0)

    with qtbot.waitSignal(window._player.finished, timeout=15_000):
        window.read("Five. Six.")
    window.read("A new reading starts here. It is longer than the last one.")
    # Before its first sentence is heard, nothing of the last reading shows.
    assert not window.text.textCursor().hasSelection() and window.progress.sentence.text() == ""
    window.stop_button.click()


def test_the_level_meter_rests_while_paused(qtbot, window) -> None:
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "playing"):
        window.read("The meter moves while this is heard, and rests when paused. " * 4)
    qtbot.waitUntil(lambda: window.progress.meter.level > 0.05, timeout=5000)
    with qtbot.waitSignal(window._player.state_changed, check_params_cb=lambda s: s == "paused"):
        window.play_button.click()
    qtbot.wait(400)
    assert window.progress.meter.level == 0
    window.stop_button.click()


def test_a_click_below_the_text_while_reading_does_not_jump(qtbot, window) -> None:
    heard: list[int] = []
    window._player.sentence_changed.connect(heard.append)
    with qtbot.waitSignal(window._player.sentence_changed, timeout=5000):
        window.read("First one here. Second one here. Third one here. Last one here.")
    viewport = window.text.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(20, viewport.height() - 10))
    qtbot.wait(500)
    assert 3 not in heard  # the last sentence was not jumped to
    window.stop_button.click()


@pytest.fixture
def app(app_with_voices: App) -> App:
    return app_with_voices


def test_a_rejected_keys_banner_goes_when_the_offline_voice_is_chosen(qtbot, app) -> None:
    bar = app.bar
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
    body = json.dumps({"error": {"message": "Incorrect API key provided"}}).encode()
    app.server.failures = [Failure(401, body, method="POST")]
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        app.window.read("Refused.")
    assert app.window.banner.isVisible()
    offline = next(
        i for i in range(bar.provider_box.count()) if "Offline" in bar.provider_box.itemText(i)
    )
    bar.provider_box.setCurrentIndex(offline)
    bar.provider_box.activated.emit(offline)
    qtbot.waitUntil(lambda: bar.provider.id == "offline", timeout=5000)
    assert not app.window.banner.isVisible()


def test_the_timeline_can_be_seen_in_a_dark_palette(qtbot, display) -> None:
    from PySide6.QtGui import QPalette

    from reader.ui.progress_view import TimelineBar

    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.setPalette(dark_palette())
    bar.setAutoFillBackground(True)
    bar.resize(300, 16)
    image = bar.grab().toImage()
    window = dark_palette().color(QPalette.ColorRole.Window)
    # The track's edge and inside stand out from the window around it.
    for x, y in ((150, 1), (150, 8)):
        pixel = image.pixelColor(x, y)
        assert abs(pixel.lightness() - window.lightness()) >= 20, (x, y, pixel.name())


def test_the_window_reads_well_in_a_dark_palette(qtbot, window) -> None:
    """docs/window-dark.png: a reading under way in a dark palette."""
    from PySide6.QtGui import QPalette

    from tests.conftest import ROOT

    window.setPalette(dark_palette())
    with qtbot.waitSignal(window._player.sentence_changed, timeout=5000):
        window.read("Reader reads in the dark too. The heard sentence stands out. " * 3)
    qtbot.wait(1500)
    shot = window.grab()
    assert shot.save(str(ROOT / "docs" / "window-dark.png"))
    timeline = window.progress.timeline
    middle = timeline.mapTo(window, timeline.rect().center())
    right = timeline.mapTo(window, timeline.rect().topRight())
    image = shot.toImage()
    ratio = shot.devicePixelRatio()
    track = image.pixelColor(int((right.x() - 20) * ratio), int(middle.y() * ratio))
    behind = dark_palette().color(QPalette.ColorRole.Window)
    assert abs(track.lightness() - behind.lightness()) >= 15, track.name()
    window.stop_button.click()
