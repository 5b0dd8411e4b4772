"""The voice bar: pick a saved server, see its voices listed off the GUI thread, search
them, choose one, and hear the reading in it."""

from __future__ import annotations

import pytest

from reader.audio.output import clock_output
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Endpoint, Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.voice_bar import VoiceBar
from tests.conftest import ROOT
from tests.helpers.fake_server import Failure

DOCS = ROOT / "docs"


@pytest.fixture
def window(qtbot, offline_provider, display, server, tmp_path):
    registry = Registry(None)
    endpoints = (Endpoint("kokoro", "openai-compatible", server.url, "Kokoro"),)
    bar = VoiceBar(registry, endpoints, offline_provider, Voicing("en-US"))
    player = Player(clock_output(4.0), ReadingFactory(Settings(), AudioCache(tmp_path)))
    window = MainWindow(player, offline_provider, Voicing("en-US"), bar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    player.stop()
    registry.close()


def choose_server(bar: VoiceBar) -> None:
    index = next(
        # The saved server named Kokoro, not Reader's own Kokoro provider.
        i
        for i in range(bar.provider_box.count())
        if bar.provider_box.itemText(i).endswith(": Kokoro")
    )
    bar.provider_box.setCurrentIndex(index)
    bar.provider_box.activated.emit(index)


def test_a_servers_voices_are_listed_searched_and_used(qtbot, window, server) -> None:
    bar = window.voice_bar
    qtbot.waitUntil(lambda: bar.voice_button.text() == "Voice: English (America)", timeout=5000)
    choose_server(bar)
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() == ["af_heart", "bm_george"], timeout=5000)
    assert [bar.model_box.itemText(i) for i in range(bar.model_box.count())] == ["kokoro", "tts-1"]
    shoot_the_open_menu(qtbot, window)
    bar.voice_button.search.setText("george")
    assert bar.voice_button.visible_voice_ids() == ["bm_george"]
    george = next(a for a in bar.voice_button.menu().actions() if a.data() == "bm_george")
    george.trigger()
    assert bar.voice_button.text() == "Voice: bm_george"
    with qtbot.waitSignal(window._player.finished, timeout=10_000):
        window.read("Hello from the voice bar.")
    posts = [r.body for r in server.requests if r.method == "POST"]
    assert posts and all(p["voice"] == "bm_george" for p in posts)


def shoot_the_open_menu(qtbot, window) -> None:
    """docs/window-voices.png: the window with its voice menu open, as a person sees it."""
    from PySide6.QtGui import QGuiApplication

    window.text.setPlainText("Pick a voice from the menu, then press Play.")
    button = window.voice_bar.voice_button
    menu = button.menu()
    menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    qtbot.wait(300)  # let it paint
    frame = window.frameGeometry().united(menu.geometry())
    shot = QGuiApplication.primaryScreen().grabWindow(
        0, frame.x(), frame.y(), frame.width(), frame.height()
    )
    DOCS.mkdir(exist_ok=True)
    assert shot.save(str(DOCS / "window-voices.png"))
    menu.close()


def test_a_server_that_cannot_list_voices_shows_a_line(qtbot, window, server) -> None:
    server.failures = [Failure(500, b'{"detail": "voices are down"}', method="GET")]
    choose_server(window.voice_bar)
    qtbot.waitUntil(lambda: "voices are down" in window.status.text(), timeout=5000)
    texts = [a.text() for a in window.voice_bar.voice_button.menu().actions()]
    assert any("Could not list voices" in t for t in texts)


def test_a_provider_without_a_key_says_so_and_stays_chosen(qtbot, window) -> None:
    bar = window.voice_bar
    index = next(
        i for i in range(bar.provider_box.count()) if bar.provider_box.itemText(i) == "ElevenLabs"
    )
    bar.provider_box.setCurrentIndex(index)
    bar.provider_box.activated.emit(index)
    qtbot.waitUntil(lambda: "No ElevenLabs key" in window.status.text(), timeout=5000)
    assert window.status.text() == "No ElevenLabs key. Save one in Settings → Keys."
    qtbot.wait(300)
    # The person's choice stays in the box (nothing is read with the last provider
    # instead: tests/ui/test_switch.py), and its voice menu says why it lists none.
    assert bar.provider_box.currentText() == "ElevenLabs"
    texts = [a.text() for a in bar.voice_button.menu().actions()]
    assert any("No ElevenLabs key" in t for t in texts)


def test_voice_search_starts_empty_takes_letters_after_arrows_and_ticks_recent(
    qtbot, window, server
) -> None:
    from PySide6.QtCore import QPoint, Qt

    bar = window.voice_bar
    choose_server(bar)
    button = bar.voice_button
    qtbot.waitUntil(lambda: button.voice_ids() == ["af_heart", "bm_george"], timeout=5000)
    menu = button.menu()
    menu.popup(button.mapToGlobal(QPoint(0, button.height())))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    qtbot.keyClicks(button.search, "geo")
    assert button.visible_voice_ids() == ["bm_george"]
    menu.hide()
    menu.popup(button.mapToGlobal(QPoint(0, button.height())))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert button.search.text() == ""  # not the last opening's words, nor added to them
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClicks(menu, "bm")
    assert button.search.text() == "bm" and button.visible_voice_ids() == ["bm_george"]
    menu.hide()
    next(a for a in menu.actions() if a.data() == "af_heart").trigger()
    recent = [a for a in menu.actions() if a.data() == "af_heart"]
    assert len(recent) == 2 and all(a.isChecked() for a in recent)  # in Recent and All


def test_a_voice_is_named_once_with_the_id_reader_speak_takes(qtbot) -> None:
    from reader.providers.base import Voice
    from reader.ui.voices import VoiceButton

    button = VoiceButton()
    qtbot.addWidget(button)
    button.set_voices(
        [
            Voice("heart", "Heart (natural American English)", "en-US", "female"),
            Voice("af_heart", "Heart", "en-US", "female"),
            Voice("nova", "nova"),
        ],
        "heart",
    )
    texts = [a.text() for a in button.menu().actions() if a.data()]
    assert "Heart (natural American English)  en-US, female" in texts  # not "… (heart)"
    assert "Heart (af_heart)  en-US, female" in texts  # the id -v takes, where unsaid
    assert "nova" in texts
