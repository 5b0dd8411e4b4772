"""The main window: a text box, Play/Pause and Stop, the heard sentence highlighted."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.events import Progress, State, Voicing
from reader.player import Player
from reader.providers.base import Provider

_STATUS = {
    "connecting": "Starting…",
    "playing": "Reading",
    "buffering": "Waiting for audio…",
    "paused": "Paused",
    "finished": "Finished",
    "stopped": "Stopped",
    "failed": "Failed",
}


class MainWindow(QMainWindow):
    """Binds widgets to a Player; does no audio, network or disk work itself."""

    def __init__(self, player: Player, provider: Provider, voicing: Voicing) -> None:
        super().__init__()
        self._player = player
        self._provider = provider
        self._voicing = voicing
        self._sentences: list[tuple[int, int]] = []
        self.setWindowTitle(APP_NAME)
        self.resize(720, 460)

        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text to read")
        self.text.setPlaceholderText("Paste or type text here, then press Play.")
        self.text.setToolTip("The text to read aloud")

        self.play_button = QPushButton("Play")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.setToolTip("Play or pause (Ctrl+Space)")
        self.play_button.setShortcut(QKeySequence("Ctrl+Space"))
        self.play_button.clicked.connect(self._play_or_pause)

        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop reading (Esc)")
        self.stop_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(player.stop)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sentence progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.status = QLabel("Ready")
        self.status.setAccessibleName("Status")

        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout()
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        player.state_changed.connect(self._on_state)
        player.sentence_changed.connect(self._on_sentence)
        player.progress_changed.connect(self._on_progress)
        player.retrying.connect(self._on_retrying)
        player.error_occurred.connect(self._on_error)
        player.finished.connect(self._on_finished)

    def read(self, text: str) -> None:
        """Put `text` in the box and read it from the start."""
        self.text.setPlainText(text)
        self._start()

    @Slot()
    def _play_or_pause(self) -> None:
        if self._player.state in (State.PLAYING, State.BUFFERING, State.CONNECTING, State.PAUSED):
            self._player.toggle_pause()
        else:
            self._start()

    def _start(self) -> None:
        text = self.text.toPlainText()
        self._player.play(text, self._provider, self._voicing)
        reading = self._player.reading
        self._sentences = [(s.start, s.end) for s in reading.sentences] if reading else []
        self.text.setReadOnly(reading is not None)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self.status.setText(_STATUS.get(state, state))
        active = state in ("connecting", "playing", "buffering", "paused")
        self.play_button.setText("Resume" if state == "paused" else "Pause" if active else "Play")
        self.stop_button.setEnabled(active)

    @Slot(int)
    def _on_sentence(self, index: int) -> None:
        if not 0 <= index < len(self._sentences):
            return
        start, end = self._sentences[index]
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        highlight = QTextEdit.ExtraSelection()
        highlight.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(self.palette().highlight())
        fmt.setForeground(self.palette().highlightedText())
        highlight.format = fmt
        self.text.setExtraSelections([highlight])
        view = QTextCursor(cursor)
        view.setPosition(start)
        self.text.setTextCursor(view)
        self.text.ensureCursorVisible()

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        sentence = (progress.sentence or 0) + (1 if progress.sentence is not None else 0)
        self.progress.setMaximum(progress.sentence_count)
        self.progress.setValue(sentence)
        minutes, seconds = divmod(int(progress.heard_s), 60)
        self.progress.setFormat(
            f"sentence {sentence} of {progress.sentence_count}   {minutes}:{seconds:02d}"
        )

    @Slot(float, str)
    def _on_retrying(self, seconds: float, reason: str) -> None:
        self.status.setText(f"Retrying in {seconds:.0f} s: {reason}")

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.status.setText(message)

    @Slot()
    def _on_finished(self) -> None:
        self.text.setReadOnly(False)
        self.play_button.setText("Play")
        self.stop_button.setEnabled(False)
