"""Help → About in the window: the version, where files live, every licence."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from reader import __version__
from reader.files import cache_dir, config_dir
from reader.ui.about import AboutDialog
from reader.ui.main_window import MainWindow
from tests.conftest import ROOT


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window(1.0)


def open_about(qtbot, window: MainWindow) -> AboutDialog:
    """Help → About, as a person opens it (the last menu, its About entry)."""
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[-1] == "Help"
    (about,) = [a for a in menus["Help"].actions() if a.text().startswith("&About")]
    about.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AboutDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AboutDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_help_about_shows_version_places_and_licences(qtbot, window) -> None:
    dialog = open_about(qtbot, window)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"Reader {__version__}" in shown
    assert str(config_dir()) in shown and str(cache_dir()) in shown
    assert "espeak-ng-data" in shown  # where the offline voice's data is
    qtbot.waitUntil(lambda: "espeakng-loader" in dialog.licences.toPlainText())
    text = dialog.licences.toPlainText()
    for line in ("espeakng-loader", "PySide6", "numpy", "keyring", "soundfile"):
        assert line in text
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3" in text
    ROOT.joinpath("docs").mkdir(exist_ok=True)
    assert dialog.grab().save(str(ROOT / "docs" / "about.png"))
    dialog.close()
