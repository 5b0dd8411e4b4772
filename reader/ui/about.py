"""Help → About: the version, where Reader keeps its files, and every component's licence."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME, __version__
from reader.errors import ReaderError
from reader.files import cache_dir, config_dir, data_dir
from reader.licences import bundled_text, components, full_text
from reader.ui.background import Background

SUMMARY = (
    "Reader is free software under the MIT licence. It runs on the components listed "
    "below, each under its own licence; eSpeak NG, the offline voice, is GPL-3.0, so "
    "Reader as distributed with it (the bundle, the Flatpak) is under the GPL-3.0's terms."
)


def offline_voice_data() -> str:
    """Where eSpeak NG's voices are (inside its wheel, or the bundle)."""
    try:
        import espeakng_loader

        return str(espeakng_loader.get_data_path())
    except (ImportError, OSError):  # pragma: no cover - the wheel is a dependency
        return "(eSpeak NG is not installed)"


def licences_text() -> str:
    """The bundle's generated list when this is the bundle, else the installed one's."""
    return bundled_text() or full_text(components())


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.resize(720, 560)
        title = QLabel(f"<b>{APP_NAME} {__version__}</b>: hear text read aloud.")
        title.setAccessibleName("Version")
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        places = QFormLayout()
        self.places: dict[str, str] = {
            "Settings": str(config_dir() / "settings.json"),
            "Cache": str(cache_dir()),
            "Voices": f"{data_dir()} (downloaded); offline voice: {offline_voice_data()}",
        }
        for label, where in self.places.items():
            field = QLabel(where)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(f"{label} folder")
            places.addRow(f"{label}:", field)
        # Some hundred files to read (about 0.3 s): on a worker, while the box is shown.
        self.licences = QPlainTextEdit("Reading the licences…")
        self.licences.setReadOnly(True)
        self._background = Background(self)
        self._background.finished.connect(self._show_licences)
        self._background.run("licences", licences_text, "Reading the licences")
        self.licences.setAccessibleName("Licences")
        self.licences.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(places)
        layout.addWidget(QLabel("Licences:"))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)

    @Slot(str, object, object)
    def _show_licences(self, _tag: str, text: object, error: ReaderError | None) -> None:
        self.licences.setPlainText(str(text) if error is None else str(error))


def show_about(parent: QWidget) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()  # window-modal, without a nested event loop
    return dialog
