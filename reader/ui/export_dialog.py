"""Export audio…: where, which format, subtitles, whole text or selection; then progress."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.errors import ReaderError, in_window
from reader.providers.base import Provider
from reader.reading.cost import Estimate
from reader.reading.events import State, Voicing
from reader.reading.exporting import Export, check_targets, title_of
from reader.reading.factory import ReadingFactory
from reader.ui.announce import ValueLabel
from reader.ui.background import Background, emit_from_worker

FORMATS = (
    ("MP3", ".mp3"),
    ("Ogg Opus", ".opus"),
    ("Ogg Vorbis", ".ogg"),
    ("FLAC", ".flac"),
    ("WAV", ".wav"),
)
SUBTITLES = (("No subtitles", ""), ("SRT subtitles", ".srt"), ("WebVTT subtitles", ".vtt"))


class _Relay(QObject):
    """Carries the export's end from its thread to the dialog on the GUI thread."""

    done = Signal(object, object)  # Path | None, ReaderError | None

    def deliver(self, path: Path | None, error: ReaderError | None) -> None:
        emit_from_worker(self.done, path, error)


def default_folder() -> Path:
    music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
    return Path(music) if music and Path(music).is_dir() else Path.home()


def file_name_for(text: str) -> str:
    words = re.sub(r"[^\w\- ]+", "", title_of(text)).split()[:6]
    return "-".join(words)[:48] or "reading"


class ExportDialog(QDialog):
    """Asks where and how, then exports with a progress bar and Cancel.

    Only what the cache lacks is synthesized; a cancelled export leaves no file, and
    what it had fetched is reused by the next one. `saved` is the file once done.
    """

    def __init__(
        self,
        readings: ReadingFactory,
        text: str,
        selection: str,
        provider: Provider,
        voicing: Voicing,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export audio")
        self.setAccessibleName("Export audio")
        self.setMinimumWidth(560)
        self._readings = readings
        self._text = text
        self._selection = selection
        self._provider = provider
        self._voicing = voicing
        self._export: Export | None = None
        self._preparing = False  # an Export is being built on the worker
        self._cost_request = 0
        self._worker = Background(self)
        self._worker.finished.connect(self._on_worker)
        self.saved: Path | None = None
        self._stale: list[Path] = []  # an older export's subtitles, removed once replaced
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)

        self.whole = QRadioButton("The whole text")
        self.whole.setAccessibleName("Export the whole text")
        self.selected = QRadioButton("The selection")
        self.selected.setAccessibleName("Export the selection")
        self.selected.setEnabled(bool(selection.strip()))
        (self.selected if selection.strip() else self.whole).setChecked(True)
        self._suggested = (folder or default_folder()) / f"{file_name_for(self.chosen_text())}.mp3"
        self.path = QLineEdit(str(self._suggested))
        self.path.setAccessibleName("File name")
        self.browse = QPushButton("Browse…")
        self.browse.setAccessibleName("Choose the file")
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        for label, extension in FORMATS:
            self.format.addItem(label, extension)
        self.subtitles = QComboBox()
        self.subtitles.setAccessibleName("Subtitles")
        for label, extension in SUBTITLES:
            self.subtitles.addItem(label, extension)
        self.cost = ValueLabel("What the export will synthesize")
        self.cost.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = ValueLabel("Export status", announced=True)
        self.status.setWordWrap(True)

        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        scope = QHBoxLayout()
        scope.addWidget(self.whole)
        scope.addWidget(self.selected)
        scope.addStretch(1)
        form = QFormLayout()
        form.addRow("Export", scope)
        form.addRow("File", where)
        form.addRow("Format", self.format)
        form.addRow("Subtitles", self.subtitles)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setAccessibleName("Start the export")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.cost)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._format_chosen)
        self.path.editingFinished.connect(self._path_edited)
        self.whole.toggled.connect(self._show_cost)
        self.whole.toggled.connect(self._suggest_name)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)
        self._show_cost()

    @property
    def running(self) -> bool:
        return self._export is not None or self._preparing

    def chosen_text(self) -> str:
        return self._selection if self.selected.isChecked() else self._text

    def targets(self) -> tuple[Path, Path | None]:
        audio = Path(self.path.text().strip()).expanduser()
        extension = str(self.subtitles.currentData())
        return audio, (audio.with_suffix(extension) if extension else None)

    @Slot()
    def start(self) -> None:
        if self.running:
            return
        audio, subtitles = self.targets()
        try:
            check_targets(audio, subtitles)
        except ReaderError as error:
            self.status.setText(str(error))
            return
        # An older export's subtitles beside a file exported without them would not match.
        others = [audio.with_suffix(ext) for _, ext in SUBTITLES if ext]
        self._stale = [p for p in others if p != subtitles and p.exists()] if audio.exists() else []
        existing = [p for p in (audio, subtitles) if p is not None and p.exists()]
        if existing and not self.confirm_replace(existing, self._stale):
            self.status.setText("Nothing was exported: choose another file name.")
            return
        readings, text = self._readings, self.chosen_text()
        provider, voicing = self._provider, self._voicing
        self._preparing = True
        self._set_editing(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Preparing the text…")
        # Preparing a long text takes a while; the dialog keeps drawing meanwhile.
        self._worker.run(
            "export",
            lambda: Export(readings, text, provider, voicing, audio, subtitles),
            "Preparing the export",
        )

    def _begin(self, export: Export) -> None:
        self._export = export
        self.status.setText("Exporting…")
        export.run(self._relay.deliver)
        self._timer.start()

    @Slot()
    def cancel(self) -> None:
        if self._preparing:
            self._preparing = False  # the Export being built is dropped unstarted
            self._on_done(None, None)
            return
        export = self._export
        if export is None:
            self.reject()
            return
        # The export's own thread sees the stop, removes the partial file, then reports.
        self.status.setText("Cancelling…")
        self.cancel_button.setEnabled(False)
        export.reading.stop()

    def abandon(self) -> None:
        """Reader is closing: stop an export under way and remove its partial file."""
        self._preparing = False
        export = self._export
        if export is not None:
            self._timer.stop()
            export.cancel()

    def reject(self) -> None:
        if self.running:
            self.cancel()  # Esc or the close button while exporting: cancel first
            return
        super().reject()

    @Slot()
    def _poll(self) -> None:
        export = self._export
        if export is None:
            return
        progress = export.reading.progress()
        length = max(1, progress.text_length)
        self.progress.setValue(round(1000 * progress.synthesized_char / length))
        if progress.state is State.CONNECTING:
            self.status.setText("Connecting…")
        else:
            self.status.setText(
                f"Exporting… sentence {(progress.sentence or 0) + 1} of {progress.sentence_count}"
            )

    @Slot(object, object)
    def _on_done(self, path: Path | None, error: ReaderError | None) -> None:
        self._timer.stop()
        self._export = None
        self.cancel_button.setEnabled(True)
        self._set_editing(True)
        self.progress.setVisible(False)
        if error is not None:
            self.status.setText(in_window(error))
            return
        if path is None:
            self.status.setText(
                "Cancelled. Nothing was saved; what was fetched is kept for next time."
            )
            self._show_cost()  # what was fetched is cached now: less is left to synthesize
            return
        for stale in self._stale:
            stale.unlink(missing_ok=True)
        self.saved = path
        self.status.setText(f"Saved to {path}.")
        self.accept()

    def _set_editing(self, editing: bool) -> None:
        for widget in (self.path, self.browse, self.format, self.subtitles, self.whole):
            widget.setEnabled(editing)
        self.selected.setEnabled(editing and bool(self._selection.strip()))
        self.export_button.setEnabled(editing)

    @Slot()
    def _show_cost(self) -> None:
        self._cost_request += 1
        readings, text = self._readings, self.chosen_text()
        provider, voicing = self._provider, self._voicing

        def estimate() -> Estimate:
            reading = readings.reading(text, provider, voicing, None)
            return readings.estimate(reading, provider, voicing.model)

        self.cost.setText("Counting what the export will synthesize…")
        self._worker.run(f"cost-{self._cost_request}", estimate, "Counting the characters")

    @Slot(str, object, object)
    def _on_worker(self, tag: str, result: object, error: object) -> None:
        if tag == "export":
            if not self._preparing:
                return  # cancelled or closing while it was prepared
            self._preparing = False
            if isinstance(result, Export):
                self._begin(result)
            else:
                self._on_done(None, error if isinstance(error, ReaderError) else None)
        elif tag == f"cost-{self._cost_request}":
            self._show_estimate(result, error)

    def _show_estimate(self, estimate: object, error: object) -> None:
        if not isinstance(estimate, Estimate):
            self.cost.setText(in_window(error))
            self.export_button.setEnabled(False)
            return
        self.export_button.setEnabled(not self.running)
        if estimate.characters == 0:
            self.cost.setText("Everything is in the cache: nothing will be requested.")
        elif estimate.dollars > 0:
            self.cost.setText(
                estimate.describe(f"{self._provider.display_name} {self._voicing.model}")
            )
        else:
            self.cost.setText(f"{estimate.characters:,} characters to synthesize.")

    def confirm_replace(self, existing: list[Path], stale: list[Path]) -> bool:
        """Ask before files already there are replaced (and old subtitles removed)."""
        names = ", ".join(path.name for path in existing)
        extra = (
            f" The older subtitles {', '.join(p.name for p in stale)} will be removed."
            if stale
            else ""
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"{names} already exists in {existing[0].parent}. Replace it?{extra}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    @Slot()
    def _suggest_name(self) -> None:
        """A name from the words exported (selection or whole), unless one was typed."""
        current = Path(self.path.text().strip()).expanduser()
        if current.with_suffix("") != self._suggested.with_suffix(""):
            return
        self._suggested = current.with_name(
            f"{file_name_for(self.chosen_text())}{current.suffix or '.mp3'}"
        )
        self.path.setText(str(self._suggested))

    @Slot()
    def _browse(self) -> None:
        current = Path(self.path.text()).expanduser()
        filters = ";;".join(f"{label} (*{ext})" for label, ext in FORMATS)
        chosen, _ = QFileDialog.getSaveFileName(self, "Export audio", str(current), filters)
        if chosen:
            self.path.setText(chosen)
            self._path_edited()

    @Slot(int)
    def _format_chosen(self, index: int) -> None:
        path = Path(self.path.text().strip())
        self.path.setText(str(path.with_suffix(str(self.format.itemData(index)))))

    @Slot()
    def _path_edited(self) -> None:
        suffix = Path(self.path.text().strip()).suffix.lower()
        index = self.format.findData(suffix)
        if index >= 0 and index != self.format.currentIndex():
            self.format.blockSignals(True)  # the path already has its extension
            self.format.setCurrentIndex(index)
            self.format.blockSignals(False)
