"""Export as a person meets it with files already there: it asks before replacing one,
takes away the old subtitles that would no longer match, names a selection's file after
the selection, and after Cancel counts only what is still to synthesize."""

from __future__ import annotations

import soundfile
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.test_dialogs import TEXT, App


def answer_the_question(button: QMessageBox.StandardButton, asked: list[str]) -> None:
    """Press `button` in the message box once it is up (it runs its own event loop)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(20, press)


def export(qtbot, app: App, path, subtitles: str, answer=None, asked=None) -> None:
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    dialog.path.setText(str(path))
    dialog.path.editingFinished.emit()
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData(subtitles))
    if answer is not None:
        answer_the_question(answer, asked)
    if answer == QMessageBox.StandardButton.Cancel:
        dialog.export_button.click()
        assert "Nothing was exported" in dialog.status.text()
        dialog.reject()
        return
    with qtbot.waitSignal(dialog.finished, timeout=20_000):
        dialog.export_button.click()


def test_export_asks_before_replacing_and_removes_subtitles_that_no_longer_match(
    qtbot, app, tmp_path
) -> None:
    app.window.text.setPlainText(TEXT)
    out = tmp_path / "reading.wav"
    export(qtbot, app, out, ".srt")
    assert sorted(p.name for p in tmp_path.glob("reading.*")) == ["reading.srt", "reading.wav"]
    before = out.read_bytes()

    asked: list[str] = []
    export(qtbot, app, out, "", QMessageBox.StandardButton.Cancel, asked)
    assert asked and "reading.wav already exists" in asked[0]
    assert out.read_bytes() == before  # declined: untouched

    app.window.text.setPlainText("A different, shorter text.")
    asked.clear()
    export(qtbot, app, out, "", QMessageBox.StandardButton.Yes, asked)
    assert "reading.srt will be removed" in asked[0]
    assert sorted(p.name for p in tmp_path.glob("reading.*")) == ["reading.wav"]
    assert soundfile.info(out).duration < 4


def test_a_selection_export_is_named_after_the_selection(qtbot, app) -> None:
    app.window.text.setPlainText("Not this sentence. Only this one is exported. Nor this.")
    cursor = app.window.text.textCursor()
    start = app.window.text.toPlainText().index("Only")
    cursor.setPosition(start)
    cursor.setPosition(start + len("Only this one is exported."), cursor.MoveMode.KeepAnchor)
    app.window.text.setTextCursor(cursor)
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    assert dialog.selected.isChecked()
    assert dialog.targets()[0].name.startswith("Only-this-one")
    dialog.whole.setChecked(True)
    assert dialog.targets()[0].name.startswith("Not-this-sentence")
    dialog.reject()


def count(line: str) -> int:
    """The number in "1,234 characters to synthesize." (0 for another line)."""
    words = line.split()
    return int(words[0].replace(",", "")) if words and words[0][0].isdigit() else 0


def test_after_cancel_the_count_is_what_is_still_to_synthesize(qtbot, app, tmp_path) -> None:
    server = app.server
    server.mode, server.pace, server.first_byte_s = "paced", 1.0, 0.2
    app.window.text.setPlainText(TEXT)
    app.window.export_action.trigger()
    dialog = app.window.export_dialog
    dialog.path.setText(str(tmp_path / "count.ogg"))
    dialog.path.editingFinished.emit()
    qtbot.waitUntil(lambda: "characters" in dialog.cost.text(), timeout=5000)
    before = count(dialog.cost.text())
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 200, timeout=10_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.status.text(), timeout=5000)
    # The first sentence came whole into the cache: it is no longer counted.
    qtbot.waitUntil(lambda: 0 < count(dialog.cost.text()) < before, timeout=5000)
    dialog.reject()
