"""The window with a real LiteLLM proxy as a saved server: its models in the model box,
OpenAI's voices offered with "Other voice…", a typed voice heard and remembered, and
Settings → Servers → Test connection saying what the proxy did answer."""

from __future__ import annotations

import pytest

from reader.audio.output import clock_output
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore, host_of
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Endpoint, Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.servers_page import ServersPage
from reader.ui.voice_bar import VoiceBar
from tests.helpers.litellm_proxy import MASTER_KEY


@pytest.fixture
def window(qtbot, litellm, offline_provider, display, tmp_path):
    # The key as the openai SDK takes it: OPENAI_API_KEY for the server in OPENAI_BASE_URL.
    environ = {"OPENAI_BASE_URL": litellm.url, "OPENAI_API_KEY": MASTER_KEY}
    registry = Registry(KeyStore(Redactor(), environ))
    endpoints = (Endpoint("proxy", "openai-compatible", litellm.url, "LiteLLM"),)
    bar = VoiceBar(registry, endpoints, offline_provider, Voicing("en-US"))
    player = Player(clock_output(8.0), ReadingFactory(Settings(), AudioCache(tmp_path)))
    window = MainWindow(player, offline_provider, Voicing("en-US"), bar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    player.stop()
    registry.close()


def choose_proxy(bar: VoiceBar) -> None:
    index = next(
        i for i in range(bar.provider_box.count()) if "LiteLLM" in bar.provider_box.itemText(i)
    )
    bar.provider_box.setCurrentIndex(index)
    bar.provider_box.activated.emit(index)


def test_the_proxys_voices_are_offered_and_a_typed_one_is_heard(
    qtbot, window, litellm, monkeypatch
) -> None:
    bar = window.voice_bar
    choose_proxy(bar)
    qtbot.waitUntil(lambda: "shimmer" in bar.voice_button.voice_ids(), timeout=10_000)
    assert "Not Found" not in window.status.text()  # the banner of old
    menu = [a.text() for a in bar.voice_button.menu().actions() if a.isVisible()]
    assert "Other voice…" in menu
    assert any("lists no voices" in text for text in menu)
    # The box shows the proxy's models, and the request uses the one shown.
    models = [bar.model_box.itemText(i) for i in range(bar.model_box.count())]
    assert models == ["gpt-4o-mini-tts", "tts-1"]
    assert bar.voicing.model == bar.model_box.currentText()
    bar.model_box.setCurrentIndex(0)
    bar.model_box.activated.emit(0)

    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("my-clone", True))
    bar.voice_button.other_action.trigger()
    assert bar.voice_button.text() == "Voice: my-clone"
    assert "my-clone" in bar.voice_button.voice_ids()  # listed from now on
    assert "my-clone" in bar.recent[bar.marks_key]  # saved with the settings

    with qtbot.waitSignal(window._player.finished, timeout=30_000):
        window.read("Hello through the proxy.")
    sent = [r.body for r in litellm.upstream.requests if r.method == "POST"]
    assert sent and all(p["voice"] == "my-clone" for p in sent), sent
    assert all(p["model"] == "gpt-4o-mini-tts" for p in sent), sent


def test_test_connection_says_what_the_proxy_answered(qtbot, litellm, display) -> None:
    page = ServersPage((), KeyStore(Redactor(), {}), Redactor())
    qtbot.addWidget(page)
    page.list.setCurrentRow(page.list.count() - 1)  # "New server…"
    page.name.setText("LiteLLM")
    page.base_url.setText(litellm.url)
    page.key.setText(MASTER_KEY)
    page.trust.setChecked(True)  # the key goes to the proxy only once it is trusted
    page.test_button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Connected"), timeout=10_000)
    assert page.status.text() == (
        f"Connected to {host_of(litellm.url)}: 2 models; this server lists no voices."
    )


def test_a_server_without_a_model_list_takes_a_typed_model(
    qtbot, offline_provider, display, tmp_path
) -> None:
    from tests.helpers.fake_server import Failure, FakeSpeechServer

    with FakeSpeechServer() as server:
        server.failures = [Failure(404, b'{"detail":"Not Found"}', method="GET")] * 2
        registry = Registry(None)
        endpoints = (Endpoint("local", "openai-compatible", server.url, "Local"),)
        bar = VoiceBar(registry, endpoints, offline_provider, Voicing("en-US"))
        player = Player(clock_output(8.0), ReadingFactory(Settings(), AudioCache(tmp_path)))
        window = MainWindow(player, offline_provider, Voicing("en-US"), bar)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        try:
            index = next(
                i
                for i in range(bar.provider_box.count())
                if "Local" in bar.provider_box.itemText(i)
            )
            bar.provider_box.setCurrentIndex(index)
            bar.provider_box.activated.emit(index)
            qtbot.waitUntil(lambda: "alloy" in bar.voice_button.voice_ids(), timeout=10_000)
            assert bar.model_box.isEditable()
            assert bar.model_box.currentText() == bar.voicing.model  # what is shown is sent
            edit = bar.model_box.lineEdit()
            edit.selectAll()
            qtbot.keyClicks(edit, "kokoro-v1")
            edit.editingFinished.emit()
            assert bar.voicing.model == "kokoro-v1"
            with qtbot.waitSignal(player.finished, timeout=30_000):
                window.read("A typed model.")
            sent = [r.body for r in server.requests if r.method == "POST"]
            assert sent and all(p["model"] == "kokoro-v1" for p in sent), sent
        finally:
            player.stop()
            registry.close()
