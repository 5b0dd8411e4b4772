"""What a person fixes or picks in the window stays fixed and picked: a key corrected in
Settings is the one the next request carries (seen at the loopback server), "Open
settings" on a rejected key leads to that key's row, and the toolbar's choices come back
after a restart (read from settings.json by a second window, as the app builds it)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from reader.audio.output import clock_output
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.registry import Registry
from reader.settings import Endpoint, Settings, SettingsFile
from reader.ui.assembly import open_window
from reader.ui.main_window import MainWindow
from tests.helpers.fake_server import Failure, FakeSpeechServer
from tests.ui.test_dialogs import App

WRONG, RIGHT = "sk-wrong-0123456789-old", "sk-right-0123456789-new"


@pytest.fixture
def app_with_a_wrong_key(qtbot, server, tmp_path, display) -> Iterator[App]:
    KeyStore(Redactor(), environ={}).save("openai-compatible", WRONG, server.url)
    app = App(qtbot, server, tmp_path, voice_bar=True)
    yield app
    app.close()


def bearers(server: FakeSpeechServer) -> list[str]:
    return [r.headers.get("authorization", "") for r in server.requests if r.method == "POST"]


def test_a_key_fixed_in_settings_is_the_one_the_next_request_sends(
    qtbot, app_with_a_wrong_key
) -> None:
    app = app_with_a_wrong_key
    server, bar, window = app.server, app.bar, app.window
    assert bar is not None
    qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
    body = json.dumps({"error": {"message": "Incorrect API key provided"}}).encode()
    server.failures = [Failure(401, body, method="POST")]
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        window.read("The first try is refused. The key was wrong.")
    assert set(bearers(server)) == {f"Bearer {WRONG}"}
    assert window.banner.fix_button.text() == "Open settings"

    old = bar.provider
    window.banner.fix_button.click()
    dialog = app.services.dialog
    assert dialog is not None and dialog.tabs.currentWidget() is dialog.keys
    # The row selected is the saved server's, not OpenAI's: "Set key…" saves it there.
    selected = dialog.keys.table.currentRow()
    assert dialog.keys._places[selected] == ("openai-compatible", server.url)
    dialog.keys.save_key(RIGHT)
    qtbot.waitUntil(lambda: "Saved" in dialog.keys.status.text(), timeout=5000)
    dialog.accept()
    # At once, without waiting: the reading waits for the provider made with the new key.
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        window.read("The second try carries the new key.")
    assert bar.provider is not old and bar.voicing.voice == "af_heart"  # the choice is kept
    assert bearers(server)[-1] == f"Bearer {RIGHT}"
    assert not window.banner.isVisible()


def test_open_settings_on_an_openai_rejection_selects_the_openai_row(qtbot, app) -> None:
    app.window.open_settings()
    dialog = app.services.dialog
    assert dialog is not None
    dialog.show_page("keys", ("openai", None))
    assert dialog.keys._places[dialog.keys.table.currentRow()] == ("openai", None)
    dialog.show_page("keys", ("openai-compatible", "http://elsewhere.example:9/v1"))
    # A server not saved here: its provider's own row, never another provider's.
    assert dialog.keys._places[dialog.keys.table.currentRow()][0] == "openai-compatible"
    dialog.reject()


def start(qtbot, settings_file: SettingsFile, registry: Registry) -> MainWindow:
    """Start the window as `reader gui` does, from `settings_file`."""
    window = open_window(
        settings_file, registry, None, Redactor(), lambda _: clock_output(4.0), lambda: []
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_provider_model_voice_and_speed_survive_a_restart(qtbot, server, tmp_path, display):
    settings_file = SettingsFile(tmp_path / "settings.json")
    endpoint = Endpoint("kokoro", "openai-compatible", server.url, "Kokoro")
    settings_file.save(Settings(endpoints=(endpoint,)))
    registry = Registry(None)
    try:
        window = start(qtbot, settings_file, registry)
        bar = window.voice_bar
        assert bar is not None and bar.provider.id == registry.default_id()
        kokoro = next(
            i
            for i in range(bar.provider_box.count())
            if bar.provider_box.itemText(i).endswith(": Kokoro")
        )
        bar.provider_box.setCurrentIndex(kokoro)
        bar.provider_box.activated.emit(kokoro)
        qtbot.waitUntil(lambda: bar.voice_button.voice_ids() == ["af_heart", "bm_george"])
        bar.model_box.setCurrentIndex(bar.model_box.findText("tts-1"))
        bar.model_box.activated.emit(bar.model_box.findText("tts-1"))
        next(a for a in bar.voice_button.menu().actions() if a.data() == "bm_george").trigger()
        bar.speed_box.setValue(1.5)
        saved = json.loads(settings_file.path.read_text(encoding="utf-8"))
        assert (saved["provider"], saved["base_url"]) == ("openai-compatible", server.url)
        assert (saved["model"], saved["voice"], saved["speed"]) == ("tts-1", "bm_george", 1.5)
        window.close()

        again = start(qtbot, settings_file, registry)
        bar = again.voice_bar
        assert bar is not None
        assert bar.provider_box.currentText().endswith(
            ": Kokoro"
        )  # the server, not the offline Kokoro
        qtbot.waitUntil(lambda: bar.voice_button.voice_ids() == ["af_heart", "bm_george"])
        assert bar.voicing.voice == "bm_george" and bar.voicing.speed == 1.5
        assert bar.model_box.currentText() == "tts-1" and bar.speed_box.value() == 1.5
        with qtbot.waitSignal(again._player.finished, timeout=10_000):
            again.read("Read by the voice chosen before the restart.")
        post = [r.body for r in server.requests if r.method == "POST"][-1]
        assert (post["voice"], post["model"], post["speed"]) == ("bm_george", "tts-1", 1.5)

        # The offline voice chosen (Spanish) comes back too.
        offline = bar.provider_box.findText("Offline voice (eSpeak NG)")
        offline = offline if offline >= 0 else 0
        bar.provider_box.setCurrentIndex(offline)
        bar.provider_box.activated.emit(offline)
        qtbot.waitUntil(lambda: "es" in bar.voice_button.voice_ids(), timeout=5000)
        next(a for a in bar.voice_button.menu().actions() if a.data() == "es").trigger()
        again.close()
        third = start(qtbot, settings_file, registry)
        assert third.voice_bar is not None
        assert third.voice_bar.provider.id == "offline"
        assert third.voice_bar.voicing.voice == "es"
        qtbot.waitUntil(lambda: "Spanish" in third.voice_bar.voice_button.text(), timeout=5000)
        third.close()
    finally:
        registry.close()


def test_the_session_tally_counts_only_what_a_server_received(qtbot, app) -> None:
    server = app.server
    server.failures = [Failure(503, b"{}", method="POST")] * 40
    with qtbot.waitSignal(app.player.finished, timeout=30_000):
        app.window.read("The server is down. Nothing reaches it.")
    assert app.player.readings.tally.characters == 0 and app.window.tally.text() == ""
    server.failures = []
    asked_before = len(server.requests)
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        app.window.read("Now it answers. Both sentences arrive.")
    answered = [r for r in server.requests[asked_before:] if r.method == "POST"]
    received = sum(len(r.body["input"]) for r in answered)
    assert app.player.readings.tally.characters == received
    assert f"{received:,} characters" in app.window.tally.text()


def test_the_offline_voice_shows_no_characters_sent(qtbot, offline_provider, display) -> None:
    from reader.reading.events import Voicing
    from reader.reading.factory import ReadingFactory
    from reader.ui.player import Player

    player = Player(clock_output(8.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"))
    qtbot.addWidget(window)
    with qtbot.waitSignal(player.finished, timeout=10_000):
        window.read("Nothing leaves this computer.")
    assert player.readings.tally.characters == 0 and window.tally.text() == ""


def test_the_keys_page_names_providers_and_servers_as_people_know_them(qtbot, app) -> None:
    app.window.open_settings()
    dialog = app.services.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    table = dialog.keys.table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    shown = " ".join(" ".join(row) for row in rows)
    for raw in ("openai-compatible", "openai-chat", "its own"):
        assert raw not in shown
    assert ["OpenAI (speech and chat audio)", "api.openai.com"] == rows[0][:2]
    kokoro = next(row for row in rows if row[1].startswith("Kokoro"))
    assert kokoro[:2] == ["OpenAI-compatible server", f"Kokoro ({app.server.url.split('/')[2]})"]
    widest = max(table.fontMetrics().horizontalAdvance(row[0]) for row in rows)
    assert table.horizontalHeader().sectionSize(0) >= widest  # names are not cut
    dialog.reject()


def test_a_saved_choice_that_cannot_start_is_kept_for_the_next_start(
    qtbot, tmp_path, display
) -> None:
    settings_file = SettingsFile(tmp_path / "settings.json")
    settings_file.save(Settings(provider="openai", voice="nova", model="tts-1"))
    registry = Registry(None)  # no keyring: the OpenAI key cannot be had this time
    try:
        window = start(qtbot, settings_file, registry)
        bar = window.voice_bar
        assert bar is not None and bar.provider.id == registry.default_id()
        assert "Reading with the offline voice instead" in window.status.text()
        qtbot.waitUntil(lambda: bar.voice_button.voice_ids() != [], timeout=5000)
        qtbot.wait(200)
        saved = json.loads(settings_file.path.read_text(encoding="utf-8"))
        assert (saved["provider"], saved["voice"], saved["model"]) == ("openai", "nova", "tts-1")
        window.close()
    finally:
        registry.close()


def switch_to(qtbot, bar, label_start: str, voice: str) -> None:
    """Pick the provider whose name starts `label_start`, as a person does, and wait for
    its voices (`voice` among them)."""
    box = bar.provider_box
    index = next(i for i in range(box.count()) if box.itemText(i).startswith(label_start))
    box.setCurrentIndex(index)
    box.activated.emit(index)
    qtbot.waitUntil(lambda: voice in bar.voice_button.voice_ids(), timeout=5000)


def choose(bar, voice: str) -> None:
    next(a for a in bar.voice_button.menu().actions() if a.data() == voice).trigger()


def test_each_provider_comes_back_with_the_voice_last_chosen_for_it(
    qtbot, server, tmp_path, display
) -> None:
    settings_file = SettingsFile(tmp_path / "settings.json")
    endpoint = Endpoint("kokoro", "openai-compatible", server.url, "Kokoro")
    settings_file.save(Settings(endpoints=(endpoint,)))
    registry = Registry(None)
    try:
        window = start(qtbot, settings_file, registry)
        bar = window.voice_bar
        assert bar is not None
        switch_to(qtbot, bar, "OpenAI-compatible server: Kokoro", "bm_george")
        choose(bar, "bm_george")
        switch_to(qtbot, bar, "Offline voice", "es")
        choose(bar, "es")
        assert "Spanish" in bar.voice_button.text()
        switch_to(qtbot, bar, "OpenAI-compatible server: Kokoro", "bm_george")
        assert bar.voice_button.text() == "Voice: bm_george" and bar.voicing.voice == "bm_george"
        switch_to(qtbot, bar, "Offline voice", "es")
        assert "Spanish" in bar.voice_button.text() and bar.voicing.voice == "es"
        window.close()

        again = start(qtbot, settings_file, registry)  # the offline voice, as left
        bar = again.voice_bar
        assert bar is not None and bar.provider.id == "offline"
        qtbot.waitUntil(lambda: "Spanish" in bar.voice_button.text(), timeout=5000)
        switch_to(qtbot, bar, "OpenAI-compatible server: Kokoro", "bm_george")
        assert bar.voice_button.text() == "Voice: bm_george"
        with qtbot.waitSignal(again._player.finished, timeout=10_000):
            again.read("Read by the voice chosen for this server before the restart.")
        post = [r.body for r in server.requests if r.method == "POST"][-1]
        assert post["voice"] == "bm_george"
        again.close()
    finally:
        registry.close()
