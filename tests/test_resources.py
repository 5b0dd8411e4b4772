"""Desktop integration files: valid, named after the app id, carrying the read actions."""

from __future__ import annotations

import configparser
import shutil
import subprocess

from reader import APP_ID
from tests.conftest import ROOT, require

RESOURCES = ROOT / "resources"


def test_desktop_file_validates_and_offers_the_read_actions() -> None:
    desktop = RESOURCES / f"{APP_ID}.desktop"
    require(shutil.which("desktop-file-validate") is not None, "desktop-file-validate")
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(desktop)
    assert entry["Desktop Entry"]["Icon"] == APP_ID
    assert entry["Desktop Action read-clipboard"]["Exec"] == "reader gui --read-clipboard"
    assert entry["Desktop Action read-selection"]["Exec"] == "reader gui --read-selection"


def test_icon_is_a_valid_svg(qapp) -> None:
    from PySide6.QtGui import QIcon

    icon = QIcon(str(RESOURCES / f"{APP_ID}.svg"))
    assert not icon.isNull()
    assert not icon.pixmap(64, 64).isNull()


def test_metainfo_validates_and_its_screenshots_exist() -> None:
    import re

    metainfo = RESOURCES / f"{APP_ID}.metainfo.xml"
    require(shutil.which("appstreamcli") is not None, "appstreamcli")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = metainfo.read_text(encoding="utf-8")
    assert f"<id>{APP_ID}</id>" in text
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in text
    shots = re.findall(r"<image>[^<]*/docs/([^<]+)</image>", text)
    assert len(shots) >= 3
    for shot in shots:
        assert (ROOT / "docs" / shot).is_file(), shot


def test_icons_come_in_every_size(qapp) -> None:
    from PySide6.QtGui import QImage

    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(RESOURCES / "icons" / f"{size}x{size}" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()


def test_the_flatpak_asks_only_for_what_reader_needs() -> None:
    manifest = (ROOT / "packaging" / "flatpak" / f"{APP_ID}.yml").read_text(encoding="utf-8")
    assert f"id: {APP_ID}" in manifest
    args = [
        line.split("#", 1)[0].strip()[2:].strip()
        for line in manifest.split("finish-args:", 1)[1]
        .split("cleanup-commands:", 1)[0]
        .splitlines()
        if line.strip().startswith("- ")
    ]
    assert sorted(args) == sorted(
        [
            "--share=ipc",
            "--socket=fallback-x11",
            "--socket=wayland",
            "--socket=pulseaudio",
            "--share=network",
            "--talk-name=org.freedesktop.secrets",
            "--env=QT_QPA_PLATFORM=wayland;xcb",
        ]
    )
    assert "--filesystem" not in manifest and "--device=all" not in manifest
