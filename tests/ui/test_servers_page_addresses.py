"""Typing a server address in Settings → Servers, one key at a time: no keystroke raises
(issue 24), the form stays quiet while the address is typed (issue 20), and a malformed
address gets a line saying so once the field is left."""

from __future__ import annotations

import pytest


@pytest.mark.gui
@pytest.mark.parametrize("typed", ["http://[::1", "http://localhost:99999/v1", ":8880:"])
def test_typing_a_bad_address_says_so_without_raising(qtbot, app, typed) -> None:
    app.window.settings_action.trigger()
    dialog = app.services.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.show_page("servers")
    servers = dialog.servers
    servers.list.setCurrentRow(servers.list.count() - 1)  # "New server…"
    servers.key.setText("sk-some-key-123")
    qtbot.keyClicks(servers.base_url, typed)  # pytest-qt fails the test if a slot raises
    assert servers.transport.text() == "", "nothing is wrong yet while it is typed"
    servers.base_url.editingFinished.emit()  # Tab or a click elsewhere
    assert "not a server address" in servers.transport.text()
    assert "this server" in servers.trust.text()
    servers.base_url.clear()
    qtbot.keyClicks(servers.base_url, "http://localhost:8880/v1")
    assert servers.transport.text().startswith("Unencrypted")
    assert "localhost:8880" in servers.trust.text()
