"""Settings page: the voices to download: licence first, then Install with a progress
bar and Cancel, Install from files, Remove, and the disk they take."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.errors import Interrupted, ReaderError, in_window
from reader.ui.background import emit_from_worker
from reader.voices.catalogue import CatalogueVoice, VoiceFile
from reader.voices.store import VoiceStore

_COLUMNS = ("Voice", "Engine", "Language", "Grade", "Size", "Here")


class _Relay(QObject):
    """Carries a download's progress and end from its worker to the GUI thread."""

    progress = Signal(int, int)  # bytes so far, bytes in all
    ended = Signal(str, object)  # the voice's name, the ReaderError (None: installed)


class VoicesPage(QWidget):
    def __init__(self, store: VoiceStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._voices = list(store.catalogue.voices)
        self._cancel: threading.Event | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.ended.connect(self._on_ended)

        self.table = QTableWidget(len(self._voices), len(_COLUMNS))
        self.table.setAccessibleName("Voices to download")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Each column as wide as its longest entry, names on one line ("hibari-emma" was
        # wrapped at the hyphen); the last column takes what is left.
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.licence = QLabel("Choose a voice to see its licence.")
        self.licence.setWordWrap(True)
        self.licence.setAccessibleName("The chosen voice's licence")
        self.install_button = QPushButton("&Install")
        self.install_button.setAccessibleName("Download and install the chosen voice")
        self.from_file_button = QPushButton("Install from &file…")
        self.remove_button = QPushButton("&Remove")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setAccessibleName("Cancel the download")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Download progress")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.disk = QLabel("")
        self.disk.setWordWrap(True)  # a long folder wraps (at its slashes) rather than widen
        self.install_button.clicked.connect(self._install)
        self.from_file_button.clicked.connect(self._install_from_files)
        self.remove_button.clicked.connect(self._remove)
        self.cancel_button.clicked.connect(self._cancel_download)

        buttons = QHBoxLayout()
        for button in (
            self.install_button,
            self.from_file_button,
            self.remove_button,
            self.cancel_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.licence)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.disk)
        self._fill()
        self._update_buttons()

    def select(self, name: str) -> None:
        for row, voice in enumerate(self._voices):
            if voice.name == name:
                self.table.selectRow(row)

    def _selected(self) -> CatalogueVoice | None:
        rows = self.table.selectionModel().selectedRows()
        return self._voices[rows[0].row()] if rows else None

    def _fill(self) -> None:
        for row, voice in enumerate(self._voices):
            here = "installed" if self._store.installed(voice) else ""
            cells = (
                voice.name,
                voice.engine,
                f"{voice.language} {voice.gender}",
                voice.grade,
                f"{voice.size / 1e6:.1f} MB",
                here,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        said = f"Downloaded voices take {self._store.disk_use() / 1e6:.1f} MB in {self._store.root}"
        # A zero-width space after each slash lets the path wrap there.
        self.disk.setText(said.replace("/", "/\u200b"))
        self.disk.setAccessibleName(said)

    @Slot()
    def _show_selected(self) -> None:
        voice = self._selected()
        if voice is not None:
            note = (
                " Kokoro makes speech at about 1.5x real time on two cores: a slower "
                "machine will pause between sentences."
                if voice.engine == "kokoro"
                else ""
            )
            self.licence.setText(f"{voice.licence}. {voice.attribution}{note}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        voice = self._selected()
        busy = self._cancel is not None
        installed = voice is not None and self._store.installed(voice)
        self.install_button.setEnabled(voice is not None and not busy and not installed)
        self.from_file_button.setEnabled(voice is not None and not busy and not installed)
        self.remove_button.setEnabled(voice is not None and not busy and installed)
        self.cancel_button.setEnabled(busy)

    @Slot()
    def _install(self) -> None:
        voice = self._selected()
        if voice is None:
            return
        cancel = threading.Event()
        self._cancel = cancel
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status.setText(f"Downloading {voice.name}…")
        self._update_buttons()
        threading.Thread(
            target=self._download, args=(voice, cancel), name="voice-download", daemon=True
        ).start()

    def _download(self, voice: CatalogueVoice, cancel: threading.Event) -> None:
        def progress(file: VoiceFile, done: int, total: int) -> None:
            emit_from_worker(self._relay.progress, done, total)

        error: ReaderError | None = None
        try:
            self._store.install(voice, progress, cancel)
        except ReaderError as problem:
            error = problem
        except Exception as problem:  # one line, never a traceback in a dialog
            error = ReaderError(f"Installing {voice.name} failed: {problem}")
        emit_from_worker(self._relay.ended, voice.name, error)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(round(1000 * done / total) if total else 1000)

    @Slot(str, object)
    def _on_ended(self, name: str, error: ReaderError | None) -> None:
        self._cancel = None
        if error is None:
            self.progress.setValue(1000)
            self.status.setText(f"Installed {name}.")
        elif isinstance(error, Interrupted):
            self.progress.setValue(0)
            self.status.setText(f"Cancelled: {name} was not installed.")
        else:
            self.status.setText(in_window(error))
        self._fill()
        self._update_buttons()

    @Slot()
    def _cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @Slot()
    def _install_from_files(self) -> None:
        voice = self._selected()
        if voice is None:
            return
        names, _ = QFileDialog.getOpenFileNames(self, f"The files of {voice.name}")
        if names:
            self.install_files(voice, [Path(name) for name in names])

    def install_files(self, voice: CatalogueVoice, files: list[Path]) -> None:
        try:
            self._store.install_from(voice, files)
            self.status.setText(f"Installed {voice.name} from files.")
        except (ReaderError, OSError) as error:
            self.status.setText(in_window(error))
        self._fill()
        self._update_buttons()

    @Slot()
    def _remove(self) -> None:
        voice = self._selected()
        if voice is None:
            return
        freed = self._store.remove(voice)
        self.status.setText(f"Removed {voice.name} ({freed / 1e6:.1f} MB freed).")
        self._fill()
        self._update_buttons()
