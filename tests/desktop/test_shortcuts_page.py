"""Settings → Shortcuts: the keys chosen there are the keys that work, and are kept."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtGui import QKeySequence

from reader.desktop.integration import Desktop
from reader.settings import Settings, SettingsFile
from reader.ui.shortcuts_page import ShortcutsPage
from tests.conftest import require


def test_a_key_changed_on_the_page_is_the_one_that_reads(qtbot, display, tmp_path) -> None:
    require(shutil.which("xdotool") is not None, "xdotool")
    page = ShortcutsPage(Settings(), "On X11 Reader grabs these keys itself.")
    qtbot.addWidget(page)
    assert not page.enabled.isChecked()  # opt-in
    ran: list[str] = []
    lines: list[str] = []
    desktop = Desktop({"read-selection": lambda: ran.append("read-selection")}, lines.append)
    try:
        page.enabled.setChecked(True)
        page.edits["read-selection"].setKeySequence(QKeySequence("Ctrl+Alt+J"))
        page.edits["stop"].clear()
        chosen = Settings(global_shortcuts=True, shortcuts=page.keys())
        assert chosen.shortcuts["read-selection"] == "Ctrl+Alt+J"
        assert chosen.shortcuts["stop"] == ""
        desktop.apply(chosen)
        assert desktop.status() == "Registered through X11 key grabs."
        subprocess.run(["xdotool", "key", "ctrl+alt+r"], check=True)  # the old key: nothing
        subprocess.run(["xdotool", "key", "ctrl+alt+j"], check=True)
        qtbot.waitUntil(lambda: ran == ["read-selection"], timeout=3000)
        qtbot.wait(200)
        assert ran == ["read-selection"] and lines == []
        # Kept across starts.
        file = SettingsFile(tmp_path / "settings.json")
        file.save(chosen)
        assert file.load().shortcuts == chosen.shortcuts
        assert file.load().global_shortcuts
        # Turned off: the key is the person's again.
        desktop.apply(Settings())
        subprocess.run(["xdotool", "key", "ctrl+alt+j"], check=True)
        qtbot.wait(300)
        assert ran == ["read-selection"]
    finally:
        desktop.close()


def test_the_page_offers_the_manual_binding(qtbot) -> None:
    page = ShortcutsPage(Settings(), "")
    qtbot.addWidget(page)
    assert page.command.text().endswith("gui --read-selection")
    assert page.sway.text().startswith("bindsym Ctrl+Alt+r exec ")
    assert page.hyprland.text().startswith("bind = CTRL ALT, R, exec, ")


def test_the_gnome_button_adds_a_custom_shortcut(qtbot, tmp_path, monkeypatch) -> None:
    schema = "org.gnome.settings-daemon.plugins.media-keys"
    require(shutil.which("gsettings") is not None, "gsettings")
    listed = subprocess.run(["gsettings", "list-schemas"], capture_output=True, text=True)
    require(schema in listed.stdout.split(), "GNOME's media-keys schema")
    # GLib's key-file backend under a private folder: the person's settings stay untouched.
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    theirs = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/"
    subprocess.run(["gsettings", "set", schema, "custom-keybindings", f"['{theirs}']"], check=True)

    def get(key: str, path: str = "") -> str:
        where = f"{schema}.custom-keybinding:{path}" if path else schema
        done = subprocess.run(["gsettings", "get", where, key], capture_output=True, text=True)
        return done.stdout.strip()

    page = ShortcutsPage(Settings(), "")
    qtbot.addWidget(page)
    page.gnome.click()
    ours = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/reader/"
    assert get("custom-keybindings") == f"['{theirs}', '{ours}']"  # theirs kept
    assert get("command", ours) == f"'{page.command.text()}'"
    assert get("binding", ours) == "'<Ctrl><Alt>r'"
    assert (
        page.status.text() == "Added to GNOME's keyboard shortcuts: Ctrl+Alt+R reads the selection."
    )
    page.gnome.click()  # twice: still one entry
    assert get("custom-keybindings") == f"['{theirs}', '{ours}']"


@pytest.mark.parametrize("desktop", ["KDE", "sway", "XFCE", ""])
def test_gnomes_button_is_offered_only_on_gnome(qtbot, monkeypatch, desktop) -> None:
    """Elsewhere it would write settings nothing reads (seen offered under a bare X11)."""
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", desktop)
    page = ShortcutsPage(Settings(), "")
    qtbot.addWidget(page)
    assert page.gnome.isHidden()
    assert not page.sway.isHidden() and not page.command.isHidden()


def test_one_key_for_two_actions_is_named(qtbot, display) -> None:
    require(shutil.which("xdotool") is not None, "xdotool")
    ran: list[str] = []
    lines: list[str] = []
    desktop = Desktop(
        {"stop": lambda: ran.append("stop"), "next": lambda: ran.append("next")}, lines.append
    )
    try:
        desktop.apply(
            Settings(global_shortcuts=True, shortcuts={"stop": "Ctrl+Alt+K", "next": "Ctrl+Alt+K"})
        )
        assert lines == ["Ctrl+Alt+K is set for both Stop and Next sentence; it stays with Stop."]
        assert lines[0] in desktop.status()
        subprocess.run(["xdotool", "key", "ctrl+alt+k"], check=True)
        qtbot.waitUntil(lambda: ran == ["stop"], timeout=3000)
    finally:
        desktop.close()


def test_a_hand_edited_file_keeps_what_it_can(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        '{"global_shortcuts": "yes", "shortcuts": {"stop": "Ctrl+Alt+X", "next": 5,'
        ' "explode": "Ctrl+Alt+E"}}'
    )
    loaded = SettingsFile(path).load()
    assert loaded.global_shortcuts is False  # not a boolean: the default, off
    assert loaded.shortcuts["stop"] == "Ctrl+Alt+X"
    assert loaded.shortcuts["next"] == "Ctrl+Alt+."  # not a key: the default
    assert "explode" not in loaded.shortcuts
