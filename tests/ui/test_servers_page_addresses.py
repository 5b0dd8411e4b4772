"""Typing a server address in Settings → Servers, one key at a time: every half-typed
or malformed address gets a line saying so, never an exception (issue 24)."""

from __future__ import annotations

import pytest

from tests.ui.test_dialogs import app, server  # noqa: F401  (fixtures)


@pytest.mark.gui
@pytest.mark.parametrize("typed", ["http://[::1", "http://localhost:99999/v1", ":8880:"])
def test_typing_a_bad_address_says_so_without_raising(qtbot, app, typed) -> None:  # noqa: F811
    app.window.settings_action.trigger()
    dialog = app.services.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.show_page("servers")
    servers = dialog.servers
    servers.list.setCurrentRow(servers.list.count() - 1)  # "New server…"
    servers.key.setText("sk-some-key-123")
    qtbot.keyClicks(servers.base_url, typed)  # pytest-qt fails the test if a slot raises
    assert "not a server address" in servers.transport.text()
    assert "this server" in servers.trust.text()
    servers.base_url.clear()
    qtbot.keyClicks(servers.base_url, "http://localhost:8880/v1")
    assert servers.transport.text().startswith("Unencrypted")
    assert "localhost:8880" in servers.trust.text()
