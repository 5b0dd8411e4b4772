"""Switching who reads in the toolbar: the provider a person picks is the one the box
shows, even when it cannot be made (no key saved), and what the window says is about that
provider, never the last one's problem nor a stale "Failed"."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from reader.ui.voice_bar import VoiceBar
from tests.helpers.fake_server import Failure
from tests.ui.test_dialogs import App

REJECTED = json.dumps({"error": {"message": "Incorrect API key provided"}}).encode()
RIGHT = "sk-switch-test-0123456789-abcXYZ"


@pytest.fixture
def rejecting_app(qtbot, server, tmp_path, display) -> Iterator[App]:
    """The window reading from a server that answers 401 to everything (a proxy with a
    bad key: its listings are refused too)."""
    server.failures = [Failure(401, REJECTED) for _ in range(100)]
    app = App(qtbot, server, tmp_path, voice_bar=True)
    yield app
    app.close()


def choose(bar: VoiceBar, label: str) -> None:
    """Pick `label` in the provider box, as a click in its list does."""
    index = bar.provider_box.findText(label)
    assert index >= 0, label
    bar.provider_box.setCurrentIndex(index)
    bar.provider_box.activated.emit(index)


def posts(app: App) -> int:
    return sum(r.method == "POST" for r in app.server.requests)


@pytest.mark.parametrize("dismissed", [False, True], ids=["banner-shown", "banner-dismissed"])
def test_a_provider_without_a_key_picked_after_a_rejected_server_is_the_one_shown(
    qtbot, rejecting_app, dismissed
) -> None:
    app = rejecting_app
    bar, window = app.bar, app.window
    assert bar is not None
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        window.read("Banner test sentence.")
    qtbot.waitUntil(lambda: "401" in window.banner.message.text(), timeout=5000)
    if dismissed:
        window.banner.close_button.click()
    choose(bar, "Google Gemini")
    qtbot.waitUntil(lambda: "gemini" in window.banner.message.text().lower(), timeout=5000)
    qtbot.wait(500)  # anything still coming (a listing of the old server) has come
    assert bar.provider_box.currentText() == "Google Gemini"
    # Nothing of the server's is shown as if Gemini had it.
    assert "af_heart" not in bar.voice_button.text() and bar.model_box.currentText() == ""
    assert window.banner.isVisible()
    shown = window.banner.message.text()
    assert "gemini" in shown.lower() and "key" in shown.lower()
    assert "401" not in shown and "127.0.0.1" not in shown
    assert window.banner.fix_button.isVisible()
    assert window.banner.fix_button.text() == "Open settings"
    status = window.status.text()
    assert "401" not in status and "Failed" not in status

    # Play says the same again, and nothing goes to the old server.
    before = posts(app)
    window.banner.close_button.click()
    window.play_button.click()
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    qtbot.wait(300)
    assert "gemini" in window.banner.message.text().lower()
    assert bar.provider_box.currentText() == "Google Gemini"
    assert posts(app) == before and app.player.reading is None
    window.banner.close_button.click()
    window.export_action.trigger()  # nor is it exported with the old server
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    qtbot.wait(300)
    assert window.export_dialog is None and "gemini" in window.banner.message.text().lower()

    # "Open settings" goes to Gemini's key, not the server's.
    window.banner.fix_button.click()
    dialog = app.services.dialog
    assert dialog is not None
    assert dialog.keys._places[dialog.keys.table.currentRow()] == ("gemini", None)
    dialog.reject()


def refused_reading(qtbot, app) -> None:
    """A reading the server refuses (401), once the voices are listed. The status then
    says "Failed" or the rejection itself: the two come in either order."""
    assert app.bar is not None
    qtbot.waitUntil(lambda: app.bar.voice_button.voice_ids() != [], timeout=5000)
    app.server.failures = [Failure(401, REJECTED, method="POST")]
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        app.window.read("Refused.")
    assert app.window.status.text() == "Failed" or "401" in app.window.status.text()


def test_a_failed_reading_is_not_still_shown_after_switching_provider(qtbot, app_with_voices):
    app = app_with_voices
    bar, window = app.bar, app.window
    assert bar is not None
    refused_reading(qtbot, app)
    choose(bar, "Offline voice (eSpeak NG)")
    qtbot.waitUntil(lambda: bar.provider.id == "offline", timeout=5000)
    assert bar.provider_box.currentText() == "Offline voice (eSpeak NG)"
    assert window.status.text() == "Ready"
    assert not window.banner.isVisible()


def test_a_key_saved_for_the_chosen_provider_clears_its_missing_key(qtbot, app_with_voices):
    app = app_with_voices
    bar, window = app.bar, app.window
    assert bar is not None
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
    choose(bar, "OpenAI")
    qtbot.waitUntil(lambda: "no openai key" in window.status.text().lower(), timeout=5000)
    assert bar.provider_box.currentText() == "OpenAI"
    assert window.banner.fix_button.text() == "Open settings"
    window.banner.fix_button.click()
    dialog = app.services.dialog
    assert dialog is not None
    assert dialog.keys._places[dialog.keys.table.currentRow()] == ("openai", None)
    dialog.keys.save_key(RIGHT)
    qtbot.waitUntil(lambda: "Saved" in dialog.keys.status.text(), timeout=5000)
    dialog.accept()
    qtbot.waitUntil(lambda: bar.provider.id == "openai", timeout=5000)
    assert bar.provider_box.currentText() == "OpenAI"
    assert "key" not in window.status.text().lower()
    assert not window.banner.isVisible()
    # OpenAI's voices are offered, and OpenAI is the choice kept for the next start.
    qtbot.waitUntil(lambda: "alloy" in bar.voice_button.voice_ids(), timeout=5000)
    assert app.services.settings.provider == "openai"


def test_a_key_saved_in_settings_clears_the_failure_it_mends(qtbot, app_with_voices) -> None:
    app = app_with_voices
    bar, window = app.bar, app.window
    assert bar is not None
    refused_reading(qtbot, app)
    assert window.banner.isVisible()
    window.open_settings("keys", with_key_in_use=True)
    dialog = app.services.dialog
    assert dialog is not None
    dialog.keys.save_key(RIGHT)
    qtbot.waitUntil(lambda: "Saved" in dialog.keys.status.text(), timeout=5000)
    dialog.accept()
    qtbot.waitUntil(lambda: window.status.text() == "Ready", timeout=5000)
    assert not window.banner.isVisible()
    assert bar.provider_box.currentText() == "OpenAI-compatible server: Kokoro"
