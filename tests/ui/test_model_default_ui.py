"""The window with a real LiteLLM proxy whose config has no `tts-1` (a chat model listed
first, a speech-to-text one, `kokoro`, and `house`, its alias of gpt-4o-mini-tts): chosen
with nothing saved for it, the model box shows its speech model (`house`, which the proxy
says is one) and the first reading asks the proxy for it, which passes gpt-4o-mini-tts on
to the speech server."""

from __future__ import annotations

import pytest

from reader.audio.output import clock_output
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Endpoint, Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.voice_bar import VoiceBar
from tests.helpers.litellm_proxy import MASTER_KEY, OTHER_MODELS, listed_names


@pytest.fixture
def registry_for(litellm_other):
    environ = {"OPENAI_BASE_URL": litellm_other.url, "OPENAI_API_KEY": MASTER_KEY}
    registry = Registry(KeyStore(Redactor(), environ))
    yield registry
    registry.close()


def make_window(qtbot, litellm_other, registry, provider, voicing, tmp_path) -> MainWindow:
    endpoints = (Endpoint("proxy", "openai-compatible", litellm_other.url, "LiteLLM"),)
    bar = VoiceBar(registry, endpoints, provider, voicing)
    player = Player(clock_output(8.0), ReadingFactory(Settings(), AudioCache(tmp_path)))
    window = MainWindow(player, provider, voicing, bar)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def models_in(bar: VoiceBar) -> list[str]:
    return [bar.model_box.itemText(i) for i in range(bar.model_box.count())]


def read_and_sent_models(qtbot, window: MainWindow, litellm_other) -> list[object]:
    with qtbot.waitSignal(window._player.finished, timeout=30_000):
        window.read("Hello through the proxy.")
    sent = [r.body for r in litellm_other.upstream.requests if r.method == "POST"]
    assert sent
    return [p["model"] for p in sent]


def test_choosing_the_proxy_shows_and_uses_its_speech_model(
    qtbot, litellm_other, registry_for, offline_provider, display, tmp_path
) -> None:
    window = make_window(
        qtbot, litellm_other, registry_for, offline_provider, Voicing("en-US"), tmp_path
    )
    try:
        bar = window.voice_bar
        chosen: list[str] = []
        bar.choice_changed.connect(lambda: chosen.append(bar.voicing.model))
        index = next(
            i for i in range(bar.provider_box.count()) if "LiteLLM" in bar.provider_box.itemText(i)
        )
        bar.provider_box.setCurrentIndex(index)
        bar.provider_box.activated.emit(index)
        qtbot.waitUntil(lambda: models_in(bar) == listed_names(OTHER_MODELS), timeout=15_000)
        assert bar.model_box.currentText() == "house"
        assert chosen[-1:] == ["house"]  # what is saved as this server's model
        assert set(read_and_sent_models(qtbot, window, litellm_other)) == {"gpt-4o-mini-tts"}

        # A model the person picks is the one sent.
        litellm_other.upstream.requests.clear()
        picked = models_in(bar).index("kokoro")
        bar.model_box.setCurrentIndex(picked)
        bar.model_box.activated.emit(picked)
        assert chosen[-1] == "kokoro"
        assert set(read_and_sent_models(qtbot, window, litellm_other)) == {"kokoro"}
    finally:
        window._player.stop()


def test_at_start_with_no_model_saved_the_proxys_speech_model_is_used(
    qtbot, litellm_other, registry_for, display, tmp_path
) -> None:
    # Settings name the proxy as the reader, with no model saved (as after an upgrade).
    provider = registry_for.create("openai-compatible", litellm_other.url)
    window = make_window(
        qtbot, litellm_other, registry_for, provider, Voicing("alloy", ""), tmp_path
    )
    try:
        bar = window.voice_bar
        qtbot.waitUntil(lambda: models_in(bar) == listed_names(OTHER_MODELS), timeout=15_000)
        assert bar.model_box.currentText() == "house"
        assert set(read_and_sent_models(qtbot, window, litellm_other)) == {"gpt-4o-mini-tts"}
    finally:
        window._player.stop()
