"""The window's dialogs, banner, progress view and tray, driven as a person would, against
the loopback server, the real keyring and Xvfb. Screenshots of each go to docs/."""

from __future__ import annotations

import json
import re
import threading

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import QPoint, Qt

from reader.audio.output import clock_output
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore, account, host_of
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Endpoint, Settings, SettingsFile
from reader.text.sentences import Sentence
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.services import Services
from reader.ui.voice_bar import VoiceBar
from reader.voices.store import VoiceStore
from tests.conftest import ROOT
from tests.helpers.fake_server import Failure, FakeSpeechServer
from tests.ui.test_window import unnamed_controls

DOCS = ROOT / "docs"
KEY = "sk-dialog-test-0123456789-abcXYZ"
TEXT = (
    "Reader exports what it reads. Only what the cache lacks is asked for. "
    "A cancelled export leaves no file behind. The next export picks up where it stopped. "
    "Subtitles follow every sentence."
)


class App:
    """The window as app.py wires it, on a loopback server, with a clock for a sound card."""

    def __init__(
        self,
        qtbot,
        server: FakeSpeechServer,
        tmp_path,
        voice_bar: bool,
        url: str | None = None,
        voices: VoiceStore | None = None,
    ) -> None:
        """`url`: the saved server's address, when it is not the loopback server's;
        `voices`: the downloaded voices' folder (else the platform's)."""
        self.server = server
        self.url = url or server.url
        self.redactor = Redactor()
        self.keys = KeyStore(self.redactor, environ={})
        self.registry = Registry(self.keys, voices)
        self.settings_file = SettingsFile(tmp_path / "config" / "settings.json")
        endpoint = Endpoint("kokoro", "openai-compatible", self.url, "Kokoro")
        settings = Settings(endpoints=(endpoint,))
        self.readings = ReadingFactory(settings, AudioCache(tmp_path / "cache"))
        self.player = Player(clock_output(4.0), self.readings)
        self.provider = self.registry.create("openai-compatible", self.url)
        voicing = Voicing("af_heart", "kokoro")
        self.bar = (
            VoiceBar(self.registry, settings.endpoints, self.provider, voicing)
            if voice_bar
            else None
        )
        self.services = Services(
            settings,
            self.registry,
            self.keys,
            self.redactor,
            self.settings_file,
            lambda: ["Null sink"],
            lambda name: clock_output(4.0),
            self.player,
        )
        if self.bar is not None:
            bar = self.bar
            bar.marks_changed.connect(
                lambda: self.services.remember_voices(bar.favourites, bar.recent, bar.chosen)
            )
        self.window = MainWindow(self.player, self.provider, voicing, self.bar, self.services)
        if self.bar is not None:  # as reader/ui/assembly.py wires it
            self.bar.voice_button.install_requested.connect(
                lambda: self.services.open_settings(self.window, "voices")
            )
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)

    def close(self) -> None:
        self.player.stop()
        self.registry.close()
        for provider, base_url in (("openai", None), ("openai-compatible", self.url)):
            self.keys.delete(provider, base_url)

    def posts(self) -> list[dict]:
        return [r.body for r in self.server.requests if r.method == "POST"]


def test_export_cancel_leaves_nothing_then_export_reuses_what_was_fetched(
    qtbot, app, tmp_path
) -> None:
    server = app.server
    server.mode, server.pace, server.first_byte_s = "paced", 1.0, 0.2
    app.window.text.setPlainText(TEXT)
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    qtbot.waitExposed(dialog)
    assert unnamed_controls(dialog) == []
    out = tmp_path / "out" / "reading.ogg"
    out.parent.mkdir()
    dialog.path.setText(str(out))
    dialog.path.editingFinished.emit()
    assert dialog.format.currentData() == ".ogg"
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData(".srt"))
    qtbot.waitUntil(lambda: "characters to synthesize" in dialog.cost.text(), timeout=5000)
    DOCS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(DOCS / "export-dialog.png"))

    dialog.export_button.click()
    # The first chunk (one sentence, 29 of 215 characters) is wholly in and the next is
    # under way: cancel.
    qtbot.waitUntil(lambda: dialog.progress.value() > 200, timeout=10_000)
    assert dialog.grab().save(str(DOCS / "export-progress.png"))
    first_run = [text for text, _ in server.responses]
    assert len(first_run) == 2
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.status.text(), timeout=5000)
    assert list(out.parent.iterdir()) == []  # no file, no temporary file
    assert app.readings.cache.size()[0] == 1

    server.pace = 8.0
    asked_before = len(app.posts())
    dialog.export_button.click()
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        pass
    assert dialog.saved == out
    audio, rate = soundfile.read(out)
    assert len(audio) / rate > 5 and np.abs(audio).max() > 0.05
    cues = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert cues.count(" --> ") == 5
    second_run = [body["input"] for body in app.posts()[asked_before:]]
    # The first run's first chunk came whole into the cache: not asked for again.
    assert first_run[0] not in second_run
    assert sorted(p.name for p in out.parent.iterdir()) == ["reading.ogg", "reading.srt"]

    app.window.export_action.trigger()  # everything is cached now
    again = app.window.export_dialog
    qtbot.waitUntil(lambda: "nothing will be requested" in again.cost.text(), timeout=5000)
    again.reject()


def test_a_long_text_is_prepared_while_the_window_keeps_working(qtbot, app, tmp_path) -> None:
    # Preparing a long text (Markdown, dictionary, sentences, cache lookups) takes most of
    # a second for a megabyte; the window must keep drawing and answering meanwhile. The
    # gate holds preparation until the test has checked the window answered: if it ran on
    # the GUI thread, read() would not return before the gate's timeout.
    gate = threading.Event()
    prepared_on: list[str] = []
    sentences = app.readings.sentences

    def held(text: str, markdown: bool | None = None) -> list[Sentence]:
        prepared_on.append(threading.current_thread().name)
        gate.wait(20)
        return sentences(text, markdown)

    app.readings.sentences = held  # type: ignore[method-assign]
    window = app.window
    window.read(TEXT)
    assert window.status.text() == "Preparing the text…"
    assert window.text.isReadOnly() and window.stop_button.isEnabled()
    assert window.play_button.text() == "Cancel" and not window.next_action.isEnabled()
    qtbot.keyClick(window.text, Qt.Key.Key_End)  # the window still answers the keyboard
    qtbot.wait(100)
    assert not gate.is_set() and app.player.reading is None

    # Stop before it is ready: nothing starts, nothing is asked of the server.
    window.stop_action.trigger()
    assert not window.text.isReadOnly() and window.status.text() == "Stopped"
    gate.set()
    qtbot.wait(300)
    assert app.player.reading is None and app.posts() == []

    # The export dialog counts and prepares off the GUI thread too; cancelling while it
    # prepares leaves no file and asks for nothing.
    gate.clear()
    window.export_action.trigger()
    dialog = window.export_dialog
    assert dialog.cost.text().startswith("Counting")
    out = tmp_path / "held" / "reading.wav"
    out.parent.mkdir()
    dialog.path.setText(str(out))
    dialog.export_button.click()
    assert dialog.status.text() == "Preparing the text…" and not dialog.path.isEnabled()
    dialog.cancel_button.click()
    assert "Cancelled" in dialog.status.text() and dialog.path.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: "characters to synthesize" in dialog.cost.text(), timeout=5000)
    qtbot.wait(300)
    assert list(out.parent.iterdir()) == [] and app.posts() == []
    dialog.reject()

    # Then a reading that is let through starts from the sentence that was clicked.
    gate.clear()
    window._read_from_position(TEXT.index("A cancelled"))
    qtbot.wait(100)
    assert app.player.reading is None
    gate.set()
    qtbot.waitUntil(lambda: window.status.text() == "Reading", timeout=5000)
    asked = " ".join(body["input"] for body in app.posts())
    assert "A cancelled export" in asked and "Reader exports" not in asked
    assert window.sentence_at(TEXT.index("picks up")) == 3  # the sentences reached the box
    assert prepared_on and "MainThread" not in prepared_on
    app.player.stop()


def test_quitting_during_an_export_leaves_no_file(qtbot, app, tmp_path) -> None:
    app.server.mode, app.server.pace = "paced", 1.0
    app.window.text.setPlainText(TEXT)
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    out = tmp_path / "quit" / "reading.flac"
    out.parent.mkdir()
    dialog.path.setText(str(out))
    dialog.path.editingFinished.emit()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: any(out.parent.iterdir()), timeout=10_000)  # the file is begun
    app.window.quit()
    assert list(out.parent.iterdir()) == []


def test_export_of_the_selection_only(qtbot, app, tmp_path) -> None:
    app.window.text.setPlainText("Not this sentence. Only this one is exported. Nor this.")
    cursor = app.window.text.textCursor()
    start = app.window.text.toPlainText().index("Only")
    cursor.setPosition(start)
    cursor.setPosition(start + len("Only this one is exported."), cursor.MoveMode.KeepAnchor)
    app.window.text.setTextCursor(cursor)
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    assert dialog.selected.isChecked()
    dialog.path.setText(str(tmp_path / "selection.wav"))
    dialog.path.editingFinished.emit()
    dialog.export_button.click()
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        pass
    assert [body["input"] for body in app.posts()] == ["Only this one is exported."]
    assert soundfile.info(tmp_path / "selection.wav").duration > 0.5


def test_settings_keys_servers_defaults_and_cache(qtbot, app, tmp_path) -> None:
    server = app.server
    app.window.settings_action.trigger()
    dialog = app.services.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    keys = dialog.keys
    qtbot.waitUntil(lambda: keys.source_of("openai") == "not set", timeout=5000)
    keys.select("openai")
    keys.save_key(KEY)
    qtbot.waitUntil(lambda: keys.source_of("openai") == "OS keyring", timeout=5000)
    assert app.keys.get("openai").value == KEY
    shown = [
        keys.table.item(row, col).text()
        for row in range(keys.table.rowCount())
        for col in range(keys.table.columnCount())
    ]
    assert not any(KEY[-4:] in text for text in shown)  # not even masked
    assert dialog.grab().save(str(DOCS / "settings-keys.png"))

    dialog.show_page("servers")
    servers = dialog.servers
    servers.list.setCurrentRow(servers.list.count() - 1)  # "New server…"
    servers.name.setText("Local Kokoro")
    servers.base_url.setText(server.url)
    assert servers.transport.text().startswith("Unencrypted")
    servers.key.setText("sk-local-key-123")
    servers.trust.setChecked(True)  # the typed key goes there, to test, once trusted
    servers.test_button.click()
    qtbot.waitUntil(lambda: servers.status.text().startswith("Connected"), timeout=5000)
    assert servers.status.text() == f"Connected to {host_of(server.url)}: 2 models, 2 voices."
    gets = [r for r in server.requests if r.method == "GET"]
    assert gets and all(g.headers.get("authorization") == "Bearer sk-local-key-123" for g in gets)
    assert app.keys.get("openai-compatible", server.url) is None  # testing saved nothing
    servers.trust.setChecked(False)
    servers.save_button.click()  # a key, but the host not trusted: refused
    assert f"I trust {host_of(server.url)}" in servers.status.text()
    assert len(servers.endpoints) == 1
    servers.trust.setChecked(True)
    servers.save_button.click()
    qtbot.waitUntil(lambda: "OS keyring" in servers.status.text(), timeout=5000)
    assert [e.name for e in servers.endpoints] == ["Kokoro", "Local Kokoro"]
    assert app.keys.get("openai-compatible", server.url).value == "sk-local-key-123"
    assert dialog.grab().save(str(DOCS / "settings-servers.png"))

    dialog.show_page("reading")
    dialog.paragraph_pause.setValue(250)
    dialog.speed.setValue(1.25)
    dialog.show_page("audio")
    qtbot.waitUntil(lambda: dialog.device.findData("Null sink") >= 0, timeout=5000)
    dialog.device.setCurrentIndex(dialog.device.findData("Null sink"))
    qtbot.waitUntil(lambda: "readings" in dialog.cache_info.text(), timeout=5000)
    dialog.clear_cache.click()
    qtbot.waitUntil(lambda: "Cleared" in dialog.cache_info.text(), timeout=5000)
    assert unnamed_controls(dialog) == []
    dialog.accept()

    saved = json.loads(app.settings_file.path.read_text(encoding="utf-8"))
    assert saved["paragraph_pause_ms"] == 250 and saved["speed"] == 1.25
    assert saved["output_device"] == "Null sink"
    assert [e["base_url"] for e in saved["endpoints"]] == [server.url, server.url]
    assert KEY not in app.settings_file.path.read_text(encoding="utf-8")
    assert app.readings.settings.paragraph_pause_ms == 250
    assert app.keys.delete("openai-compatible", server.url)
    assert account("openai-compatible", server.url) != "openai-compatible"


@pytest.mark.parametrize(
    ("failure", "fix"),
    [
        ("key", "Open settings"),
        ("rate", "Try again"),
        ("drop", "Try again"),
    ],
)
def test_errors_show_a_banner_with_the_fix(qtbot, app, failure, fix) -> None:
    server = app.server
    if failure == "key":
        body = json.dumps({"error": {"message": "Incorrect API key provided"}}).encode()
        server.failures = [Failure(401, body, method="POST")]
    elif failure == "rate":
        body = json.dumps({"error": {"message": "Rate limit reached"}}).encode()
        server.failures = [Failure(429, body, {"Retry-After": "0"}, method="POST")] * 10
    else:
        server.mode = "drop"
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        app.window.read("This reading will fail. It has two sentences.")
    banner = app.window.banner
    assert banner.isVisible()
    assert banner.fix_button.text() == fix and banner.fix_button.isVisible()
    assert "Traceback" not in banner.message.text() and "\n" not in banner.message.text()
    if failure == "key":
        # The window's way to mend it, not a terminal command (shot 66 of the walk).
        host = host_of(server.url)
        assert banner.message.toolTip() == (
            f"The server at {host} wants a key (401: Incorrect API key provided), and none "
            f"was sent: No key is saved for {host}; save one in Settings → Keys."
        )
        assert app.window.grab().save(str(DOCS / "window-error.png"))
        banner.fix_button.click()
        assert app.services.dialog is not None
        assert app.services.dialog.tabs.currentWidget() is app.services.dialog.keys
        app.services.dialog.reject()
    else:
        server.failures, server.mode = [], "raw"
        with qtbot.waitSignal(app.player.finished, timeout=15_000):
            banner.fix_button.click()  # try again: now it reads to the end
        assert not banner.isVisible()
        assert app.window.status.text() == "Finished"


def test_voice_menu_favourites_recent_and_preview(qtbot, app_with_voices) -> None:
    app = app_with_voices
    button = app.bar.voice_button
    qtbot.waitUntil(lambda: button.voice_ids() == ["af_heart", "bm_george"], timeout=5000)
    button.toggle_favourite("bm_george")
    assert button.section_ids("Favourites") == ["bm_george"]
    george = next(a for a in button.menu().actions() if a.data() == "bm_george" and "★" in a.text())
    assert george is not None
    heart = next(a for a in button.menu().actions() if a.data() == "af_heart")
    heart.trigger()
    assert button.section_ids("Recent") == ["af_heart"]
    saved = json.loads(app.settings_file.path.read_text(encoding="utf-8"))
    key = f"openai-compatible@{app.server.url}"
    assert saved["favourite_voices"] == {key: ["bm_george"]}
    assert saved["recent_voices"] == {key: ["af_heart"]}

    app.window.text.setPlainText("The text box keeps its own text.")
    menu = button.menu()
    menu.popup(button.mapToGlobal(QPoint(0, button.height())))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    menu.setActiveAction(next(a for a in menu.actions() if a.data() == "bm_george"))
    with qtbot.waitSignal(app.player.finished, timeout=10_000):
        qtbot.keyClick(menu, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    menu.hide()
    preview = app.posts()[-1]
    assert preview["voice"] == "bm_george" and preview["input"].startswith("Hello, I am bm_george")
    assert app.window.text.toPlainText() == "The text box keeps its own text."
    assert app.bar.voicing.voice == "af_heart"  # a preview does not change the choice

    app.bar.speed_box.setValue(1.5)
    with qtbot.waitSignal(app.player.finished, timeout=10_000):
        app.window.read("Faster now.")
    assert app.posts()[-1]["speed"] == 1.5 and app.posts()[-1]["voice"] == "af_heart"


def test_progress_view_follows_and_its_timeline_seeks(qtbot, app) -> None:
    text = " ".join(f"Sentence number {n} is here to be heard." for n in range(1, 21))
    view = app.window.progress
    seen: list[tuple[float, float]] = []
    levels: list[float] = []

    def record(progress) -> None:
        seen.append(view.timeline.fractions)
        levels.append(view.meter.level)

    app.player.progress_changed.connect(record)
    with qtbot.waitSignal(
        app.player.sentence_changed, timeout=10_000, check_params_cb=lambda i: i >= 2
    ):
        app.window.read(text)
    assert seen and all(heard <= synthesized for heard, synthesized in seen)
    assert max(levels) > 0
    assert re.fullmatch(r"\d+:\d\d / ~\d+:\d\d", view.times.text())
    assert view.sentence.text().startswith("sentence 3 of 20")
    timeline = view.timeline
    point = QPoint(round(timeline.width() * 0.76), timeline.height() // 2)
    with qtbot.waitSignal(
        app.player.sentence_changed, timeout=10_000, check_params_cb=lambda i: i >= 14
    ):
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=point)
    assert app.window.grab().save(str(DOCS / "window-progress.png"))


def test_tray_menu_and_closing_to_the_tray(qtbot, app) -> None:
    from reader.ui.tray import Tray

    window = app.window
    tray = Tray(
        window.windowIcon(), window.actions_.for_tray(), window.actions_.show_window, window
    )
    labels = [a.text().replace("&", "") for a in tray.contextMenu().actions() if a.text()]
    assert labels == [
        "Show window",
        "Read clipboard",
        "Read selection",
        "Play / Pause",
        "Stop",
        "Quit",
    ]
    window.keep_in_tray = True
    window.close()
    assert not window.isVisible()
    tray.contextMenu().actions()[0].trigger()  # Show window
    assert window.isVisible()
    window.quit()
    assert not window.isVisible()


def test_idle_window_screenshot(qtbot, app_with_voices) -> None:
    window = app_with_voices.window
    qtbot.waitUntil(
        lambda: app_with_voices.bar.voice_button.voice_ids() == ["af_heart", "bm_george"],
        timeout=5000,
    )
    window.text.setPlainText(
        "Copy or select text anywhere and press Ctrl+Shift+V or Ctrl+Shift+R, or paste it "
        "here and press Play."
    )
    assert unnamed_controls(window) == []
    assert window.grab().save(str(DOCS / "window-idle.png"))
