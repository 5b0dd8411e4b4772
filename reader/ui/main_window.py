"""The main window: a text box, transport controls and menus, the heard sentence highlighted."""

from __future__ import annotations

import bisect
import logging

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QClipboard,
    QGuiApplication,
    QKeySequence,
    QMouseEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.events import Progress, State, Voicing
from reader.player import Player
from reader.providers.base import Provider
from reader.ui.voice_bar import VoiceBar

log = logging.getLogger(__name__)

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

    def __init__(
        self,
        player: Player,
        provider: Provider,
        voicing: Voicing,
        voice_bar: VoiceBar | None = None,
    ) -> None:
        super().__init__()
        self._player = player
        self._provider = provider
        self._voicing = voicing
        self.voice_bar = voice_bar
        self._sentences: list[tuple[int, int]] = []
        self.setWindowTitle(APP_NAME)
        self.resize(720, 460)

        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text to read")
        self.text.setPlaceholderText("Paste or type text here, then press Play.")
        self.text.setToolTip("The text to read aloud")

        self.play_action = self._action(
            "&Play / Pause", "Play or pause", ["Ctrl+Space", "Space"], self._play_or_pause
        )
        self.stop_action = self._action("&Stop", "Stop reading", ["Esc"], player.stop)
        self.previous_action = self._action(
            "P&revious sentence", "Go back one sentence", ["Alt+Left"], player.previous_sentence
        )
        self.next_action = self._action(
            "&Next sentence", "Skip to the next sentence", ["Alt+Right"], player.next_sentence
        )
        self.replay_action = self._action(
            "Re&play sentence", "Hear this sentence again", ["Ctrl+R"], player.replay_sentence
        )
        self.clipboard_action = self._action(
            "Read &clipboard",
            "Read the text on the clipboard",
            ["Ctrl+Shift+V"],
            self.read_clipboard,
        )
        self.selection_action = self._action(
            "Read s&election",
            "Read the text selected in any application",
            ["Ctrl+Shift+R"],
            self.read_selection,
        )
        self.quit_action = self._action("&Quit", "Quit Reader", ["Ctrl+Q"], self.close)
        for action in self._transport():
            action.setEnabled(False)

        self.play_button = QPushButton("Play")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.setToolTip("Play or pause (Ctrl+Space, or Space outside the text)")
        self.play_button.clicked.connect(self.play_action.trigger)

        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop reading (Esc)")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_action.trigger)

        self.previous_button = self._tool_button(self.previous_action)
        self.replay_button = self._tool_button(self.replay_action)
        self.next_button = self._tool_button(self.next_action)
        self._build_menus()
        # While a reading runs, a click on a sentence reads from there.
        self.text.viewport().installEventFilter(self)
        self.text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text.customContextMenuRequested.connect(self._context_menu)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sentence progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.status = QLabel("Ready")
        self.status.setAccessibleName("Status")

        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.replay_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout()
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        if voice_bar is not None:
            self.addToolBar(voice_bar)
            voice_bar.problem.connect(self._on_error)
            voice_action = self._action(
                "Choose &voice…",
                "Open the voice menu",
                ["Ctrl+Shift+O"],
                voice_bar.voice_button.showMenu,
            )
            self._reading_menu.addSeparator()
            self._reading_menu.addAction(voice_action)
            self.voice_action = voice_action

        player.state_changed.connect(self._on_state)
        player.sentence_changed.connect(self._on_sentence)
        player.progress_changed.connect(self._on_progress)
        player.retrying.connect(self._on_retrying)
        player.error_occurred.connect(self._on_error)
        player.finished.connect(self._on_finished)

    # -- building -----------------------------------------------------------------------

    def _action(self, label: str, tip: str, keys: list[str], slot: object) -> QAction:
        action = QAction(label, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        shown = ", ".join(
            QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in keys
        )
        action.setToolTip(f"{tip} ({shown})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)  # shows the action's words: no glyph a font may lack
        button.setAccessibleName(action.text().replace("&", ""))
        button.setToolTip(action.toolTip())
        return button

    def _transport(self) -> list[QAction]:
        return [self.stop_action, self.previous_action, self.next_action, self.replay_action]

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.quit_action)
        reading = self._reading_menu = self.menuBar().addMenu("&Reading")
        for action in (self.clipboard_action, self.selection_action):
            reading.addAction(action)
        reading.addSeparator()
        for action in (
            self.play_action,
            self.stop_action,
            self.previous_action,
            self.replay_action,
            self.next_action,
        ):
            reading.addAction(action)

    # -- reading --------------------------------------------------------------------------

    def read(self, text: str, start_sentence: int = 0) -> None:
        """Put `text` in the box and read it (from its first sentence by default)."""
        self.text.setPlainText(text)
        self._start(start_sentence)

    @Slot()
    def read_clipboard(self) -> None:
        self._read_from(QClipboard.Mode.Clipboard)

    @Slot()
    def read_selection(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if not clipboard.supportsSelection():
            self.status.setText("This system has no selection; reading the clipboard.")
            self._read_from(QClipboard.Mode.Clipboard)
            return
        self._read_from(QClipboard.Mode.Selection)

    def _read_from(self, mode: QClipboard.Mode) -> None:
        text = QGuiApplication.clipboard().text(mode)
        log.debug("read %d characters from the %s", len(text), mode.name)
        if not text.strip():
            where = "selection" if mode is QClipboard.Mode.Selection else "clipboard"
            self.status.setText(f"The {where} holds no text to read.")
            return
        self.read(text)

    @Slot(str)
    def handle_request(self, action: str) -> None:
        """A request from another `reader gui` start (see reader.ui.instance)."""
        self.show()
        self.raise_()
        self.activateWindow()
        if action == "read-clipboard":
            self.read_clipboard()
        elif action == "read-selection":
            self.read_selection()

    def sentence_at(self, position: int) -> int | None:
        """The sentence whose text holds character `position` (or the next one after it)."""
        starts = [start for start, _ in self._sentences]
        if not starts:
            return None
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and position < self._sentences[index][1]:
            return index
        return min(index + 1, len(starts) - 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self._player.reading is not None
            and self.text.isReadOnly()
        ):
            position = self.text.cursorForPosition(event.position().toPoint()).position()
            sentence = self.sentence_at(position)
            if sentence is not None:
                self._player.seek(sentence)
                return True
        return super().eventFilter(watched, event)

    @Slot(QPoint)
    def _context_menu(self, point: QPoint) -> None:
        menu = self.text.createStandardContextMenu()
        position = self.text.cursorForPosition(point).position()
        read_here = QAction("Read from here", menu)
        read_here.triggered.connect(lambda: self._read_from_position(position))
        first = menu.actions()[0] if menu.actions() else None
        if first is None:
            menu.addAction(read_here)
        else:
            menu.insertAction(first, read_here)
        menu.exec(self.text.viewport().mapToGlobal(point))
        menu.deleteLater()

    def _read_from_position(self, position: int) -> None:
        if self._player.reading is not None and self.text.isReadOnly():
            sentence = self.sentence_at(position)
            if sentence is not None:
                self._player.seek(sentence)
            return
        spans = [(s.start, s.end) for s in self._player.sentences(self.text.toPlainText())]
        self._sentences = spans
        self._start(self.sentence_at(position) or 0)

    @Slot()
    def _play_or_pause(self) -> None:
        if self._player.state in (State.PLAYING, State.BUFFERING, State.CONNECTING, State.PAUSED):
            self._player.toggle_pause()
        else:
            self._start()

    def _start(self, start_sentence: int = 0) -> None:
        text = self.text.toPlainText()
        if self.voice_bar is not None:
            self._provider, self._voicing = self.voice_bar.provider, self.voice_bar.voicing
        self._player.play(text, self._provider, self._voicing, start_sentence)
        reading = self._player.reading
        self._sentences = [(s.start, s.end) for s in reading.sentences] if reading else []
        self.text.setReadOnly(reading is not None)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self.status.setText(_STATUS.get(state, state))
        active = state in ("connecting", "playing", "buffering", "paused")
        self.play_button.setText("Resume" if state == "paused" else "Pause" if active else "Play")
        self.stop_button.setEnabled(active)
        for action in self._transport():
            action.setEnabled(active)

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
        for action in self._transport():
            action.setEnabled(False)
