"""Help → About names the offline voices on this computer and their licences: the built-in
ones, and each downloaded voice from the moment it is installed until it is removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTextBrowser

from reader import APP_ID
from reader.ui.about import AboutDialog
from reader.ui.main_window import MainWindow
from reader.voices.store import VoiceStore
from tests.ui.test_about import open_about
from tests.voices.hub import Hub
from tests.voices.test_store import CATALOGUE, MODEL, hub_files

APACHE_TERMS = "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"


@pytest.fixture
def window(make_window, tmp_path: Path, monkeypatch) -> MainWindow:
    # Reader's data folder (where downloaded voices go) is this test's own.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return make_window(1.0)


def top_line(browser: QTextBrowser) -> str:
    """The line a person sees first in the box."""
    return browser.cursorForPosition(QPoint(8, 8)).block().text()


def voice_lines(dialog: AboutDialog) -> dict[str, str]:
    """The voices list as shown, each line by the voices it names (voices on the same
    terms share a line: "kokoro-af_heart, kokoro-bf_emma (downloaded): Apache-2.0. …")."""
    shown = dialog.voices
    assert shown.isVisible() and shown.accessibleName() == "Offline voices and their licences"
    lines = [line.strip() for line in shown.toPlainText().splitlines() if line.strip()]
    return {name: line for line in lines for name in line.split(":")[0].split(" (")[0].split(", ")}


def test_about_follows_installs_and_removals(
    qtbot, window, kokoro_voice_files, tmp_path: Path
) -> None:
    store = VoiceStore(CATALOGUE, tmp_path / APP_ID / "voices")
    heart = CATALOGUE.find("kokoro-af_heart")
    assert heart is not None
    model = next(f for f in heart.files if f.name == MODEL)
    store.root.mkdir(parents=True)
    with open(store.path(model), "wb") as sparse:
        sparse.truncate(model.size)  # Kokoro's model is here: only the voice file is fetched

    dialog = open_about(qtbot, window)
    before = voice_lines(dialog)
    # The built-in voices, from the installed packages' own metadata.
    assert "Apache-2.0" in before["heart"] and "Maureese Williams" in before["heart"]
    assert "GPL-3.0-or-later" in before["eSpeak NG"]
    assert "kokoro-af_heart" not in before and "No voices downloaded" in before
    dialog.close()

    with Hub(hub_files(kokoro_voice_files)) as hub:
        store.hub = hub.url
        store.install(heart)
    dialog = open_about(qtbot, window)
    lines = voice_lines(dialog)
    assert "No voices downloaded" not in lines
    line = lines["kokoro-af_heart"]
    assert "Apache-2.0" in line and "Kokoro-82M v1.0 by hexgrad" in line
    # The licence's whole text is in the box, one link away: Tab to the line's licence
    # link and press Enter, and the text is what the box shows at its top.
    browser = dialog.voices
    assert APACHE_TERMS in browser.toPlainText()
    browser.setFocus()
    for _ in range(20):
        qtbot.keyClick(browser, Qt.Key.Key_Tab)
        if browser.textCursor().selectedText() == "Apache-2.0":
            break
    assert browser.textCursor().selectedText() == "Apache-2.0"
    qtbot.keyClick(browser, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: top_line(browser) == "Apache-2.0")
    dialog.close()

    store.remove(heart)
    dialog = open_about(qtbot, window)
    after = voice_lines(dialog)
    assert "kokoro-af_heart" not in after and "heart" in after
    dialog.close()
