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
