"""Opening Export audio… for the window's text, and saying where it went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from reader.providers.base import Provider
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.ui.status_line import StatusLine

if TYPE_CHECKING:
    from reader.ui.export_dialog import ExportDialog


class Exports(QObject):
    """The one export dialog a window may have open; its result goes to the status line."""

    def __init__(self, window: QWidget, readings: ReadingFactory, status: StatusLine) -> None:
        super().__init__(window)
        self._window = window
        self._readings = readings
        self._status = status
        self.dialog: ExportDialog | None = None

    def open(self, text: str, selection: str, provider: Provider, voicing: Voicing) -> None:
        from reader.ui.export_dialog import ExportDialog  # the first frame does not need it

        if not text.strip():
            self._status.status.setText("Nothing to export: type or paste some text first.")
            return
        dialog = ExportDialog(
            self._readings, text, selection, provider, voicing, parent=self._window
        )
        self.dialog = dialog
        dialog.finished.connect(self._closed)
        dialog.open()

    def abandon(self) -> None:
        """The window is closing: no partial file is left behind."""
        if self.dialog is not None:
            self.dialog.abandon()

    @Slot()
    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        if dialog.saved is not None:
            self._status.status.setText(f"Saved to {dialog.saved}")
        # A reading may still be playing: its controls stay as they are.
        self._status.show_tally(self._readings.tally)
        dialog.deleteLater()
