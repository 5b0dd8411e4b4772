"""What the window tells a person to do: where in the window (Settings → Keys, → Voices,
→ Servers) and a button that opens it there, never a command for a terminal. From a
newcomer's walk through the window (findings 3, 5 and 6)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from reader.keys.store import host_of
from reader.ui.settings_dialog import PAGES
from reader.voices.catalogue import load
from reader.voices.store import VoiceStore
from tests.helpers.fake_server import Failure
from tests.ui.test_dialogs import App

NO_KOKORO_VOICES = "No Kokoro voices installed yet: Settings → Voices adds them."


def closed_port_url() -> str:
    """An address on this computer where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.fixture
def kokoro_app(qtbot, server, tmp_path, display) -> Iterator[App]:
    """The window with its voice bar, and no Kokoro voice downloaded yet."""
    app = App(
        qtbot, server, tmp_path, voice_bar=True, voices=VoiceStore(load(), tmp_path / "voices")
    )
    yield app
    app.close()


def choose(bar, label: str) -> None:
    index = next(
        i for i in range(bar.provider_box.count()) if bar.provider_box.itemText(i) == label
    )
    bar.provider_box.setCurrentIndex(index)
    bar.provider_box.activated.emit(index)


def page_shown(app: App) -> str:
    dialog = app.services.dialog
    assert dialog is not None
    return PAGES[dialog.tabs.currentIndex()]


def test_kokoro_without_voices_leads_to_settings_voices(qtbot, kokoro_app) -> None:
    app, bar = kokoro_app, kokoro_app.bar
    choose(bar, "Kokoro (downloaded voices)")
    button = bar.voice_button
    qtbot.waitUntil(lambda: bar.provider.id == "kokoro", timeout=5000)
    # The empty voice menu says how to get voices, and has the way there.
    menu = [a for a in button.menu().actions() if a.isVisible()]
    assert NO_KOKORO_VOICES in [a.text() for a in menu]
    assert "This provider lists no voices." not in [a.text() for a in menu]
    install = next(a for a in menu if a.text() == "Install voices…")
    assert install.isEnabled()
    install.trigger()
    assert page_shown(app) == "voices"
    app.services.dialog.reject()

    # Play: the banner says where voices are installed, and its first button goes there.
    with qtbot.waitSignal(app.player.finished, timeout=15_000):
        app.window.read("Hello there. A second sentence.")
    banner = app.window.banner
    assert banner.isVisible()
    assert banner.message.toolTip() == (
        "The Kokoro voice 'af_heart' is not installed. Install it in Settings → Voices."
    )
    assert banner.fix_button.text() == "Open settings" and banner.fix_button.isVisible()
    assert banner.other_fix_button.text() == "Choose a voice"
    banner.fix_button.click()
    assert page_shown(app) == "voices"
    voices = app.services.dialog.voices
    rows = voices.table.selectionModel().selectedRows()
    assert [voices.table.item(r.row(), 0).text() for r in rows] == ["kokoro-af_heart"]
    assert voices.install_button.isEnabled()  # one click from installing it
    app.services.dialog.reject()


def test_an_unreachable_server_offers_its_address_in_settings(
    qtbot, server, tmp_path, display
) -> None:
    url = closed_port_url()
    app = App(qtbot, server, tmp_path, voice_bar=False, url=url)
    try:
        with qtbot.waitSignal(app.player.finished, timeout=15_000):
            app.window.read("This reading will not connect.")
        banner = app.window.banner
        assert banner.message.toolTip() == (
            f"Cannot connect to the server at {host_of(url)}: nothing answers there "
            "(connection refused); is the server running? Check its address in "
            "Settings → Servers."
        )
        shown = [b.text() for b in banner.buttons() if b.isVisible()]
        assert shown == ["Open settings", "Try again", "Dismiss"]
        banner.fix_button.click()
        assert page_shown(app) == "servers"
        servers = app.services.dialog.servers
        assert servers.list.currentRow() == 0  # the server that did not answer
        assert servers.base_url.text() == url
        qtbot.waitUntil(lambda: app.services.dialog.focusWidget() is servers.base_url, timeout=2000)
        app.services.dialog.reject()
    finally:
        app.close()


def test_a_provider_without_a_key_names_it_and_settings(qtbot, app_with_voices) -> None:
    app = app_with_voices
    choose(app.bar, "OpenAI")
    banner = app.window.banner
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert banner.message.toolTip() == "No OpenAI key. Save one in Settings → Keys."
    assert app.window.status.text() == "No OpenAI key. Save one in Settings → Keys."
    assert banner.fix_button.text() == "Open settings"
    assert not banner.other_fix_button.isVisible()


def test_test_connection_with_a_rejected_key_points_at_the_key_field(
    qtbot, server, tmp_path, display
) -> None:
    app = App(qtbot, server, tmp_path, voice_bar=False)
    try:
        body = b'{"error": {"message": "Incorrect API key provided"}}'
        server.failures = [Failure(401, body, method="GET")] * 4
        app.window.settings_action.trigger()
        dialog = app.services.dialog
        dialog.show_page("servers")
        servers = dialog.servers
        servers.list.setCurrentRow(0)
        servers.key.setText("sk-wrong-key-123")
        servers.trust.setChecked(True)  # a typed key is sent only to a trusted host
        servers.test_button.click()
        qtbot.waitUntil(lambda: "rejected" in servers.status.text(), timeout=5000)
        assert servers.status.text() == (
            f"The server at {host_of(server.url)} rejected the key (401: Incorrect API key "
            "provided). Type the server's key in the Key field above."
        )
        dialog.reject()
    finally:
        app.close()
