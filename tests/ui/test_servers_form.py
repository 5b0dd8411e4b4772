"""Adding a server as a person does: typing the address moves nothing under the mouse
and prints nothing, "Save server" keeps it at once, a stored key is said to be there,
and Test connection leaves the focus where it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.test_dialogs import App


@pytest.fixture
def app(app_with_voices: App) -> App:
    return app_with_voices


def test_a_server_is_added_in_one_step_with_a_form_that_stays_still(qtbot, app, capfd) -> None:
    app.window.open_settings("servers")
    dialog = app.services.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    servers = dialog.servers
    servers.list.setCurrentRow(servers.list.count() - 1)  # "New server…"
    where = {w: w.mapTo(dialog, QPoint(0, 0)) for w in (servers.key, servers.trust)}
    servers.base_url.setFocus()
    url = app.server.url.replace("127.0.0.1", "localhost")
    qtbot.keyClicks(servers.base_url, url)  # every prefix on the way: "h", "ht", "http:/"…
    assert "Traceback" not in capfd.readouterr().err
    servers.key.setFocus()
    qtbot.keyClicks(servers.key, "sk-local-0123456789")
    # The key field and the trust tick are where they were before the notes appeared.
    assert {w: w.mapTo(dialog, QPoint(0, 0)) for w in where} == where
    assert servers.key.text() == "sk-local-0123456789" and servers.base_url.text() == url
    assert "on this computer" in servers.transport.text()  # not "in the clear on your network"

    servers.name.setText("Kokoro upstairs")
    servers.trust.setChecked(True)
    servers.save_button.click()
    qtbot.waitUntil(lambda: "OS keyring" in servers.status.text(), timeout=5000)
    assert "OK" not in servers.status.text()
    # Saved at once: the file and the toolbar have it before OK or Cancel.
    assert "Kokoro upstairs" in app.settings_file.path.read_text(encoding="utf-8")
    bar = app.bar
    assert bar is not None
    labels = [bar.provider_box.itemText(i) for i in range(bar.provider_box.count())]
    assert any("Kokoro upstairs" in label for label in labels)
    dialog.reject()
    assert any(e.name == "Kokoro upstairs" for e in app.services.settings.endpoints)

    app.window.open_settings("servers")
    dialog = app.services.dialog
    assert dialog is not None
    servers = dialog.servers
    row = next(i for i, e in enumerate(servers.endpoints) if e.name == "Kokoro upstairs")
    servers.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: "a key is saved" in servers.key.placeholderText(), timeout=5000)
    servers.test_button.setFocus()
    qtbot.keyClick(servers.test_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: servers.status.text().startswith("Connected"), timeout=5000)
    assert servers.test_button.hasFocus()
    dialog.reject()
    app.keys.delete("openai-compatible", url)


def test_test_connection_sends_a_typed_key_only_once_the_host_is_trusted(qtbot, app) -> None:
    """The tick reads "I trust HOST with this key": until it is ticked, the key goes
    nowhere, Test connection included (it was sent; seen at a newcomer's own server)."""
    app.window.open_settings("servers")
    dialog = app.services.dialog
    assert dialog is not None
    servers = dialog.servers
    servers.list.setCurrentRow(servers.list.count() - 1)  # "New server…"
    url = app.server.url.replace("127.0.0.1", "localhost")
    servers.base_url.setText(url)
    servers.key.setText("sk-typed-0123456789")
    before = len(app.server.requests)
    servers.test_button.click()
    host = url.split("/")[2]
    assert servers.status.text() == f"Tick “I trust {host}” to send this key there, or clear it."
    qtbot.wait(300)
    assert len(app.server.requests) == before  # nothing was asked, with or without the key

    servers.trust.setChecked(True)
    servers.test_button.click()
    qtbot.waitUntil(lambda: servers.status.text().startswith("Connected"), timeout=5000)
    sent = app.server.requests[before:]
    assert sent and all(r.headers["authorization"] == "Bearer sk-typed-0123456789" for r in sent)
    dialog.reject()
