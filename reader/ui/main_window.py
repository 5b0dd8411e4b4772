"""The main window: the text, transport and menus, the heard sentence highlighted, the
progress view, the problem banner; dialogs and the tray hang off it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import (
    QCloseEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.errors import ReaderError
from reader.providers.base import Provider
from reader.reading.engine import Reading
from reader.reading.events import Progress, State, Voicing
from reader.settings import Settings
from reader.ui.actions import WindowActions, make_action
from reader.ui.announce import ValueLabel, announce
from reader.ui.banner import FIX_DEVICE, FIX_RETRY, FIX_SETTINGS_KEYS, FIX_VOICE, Banner, fix_for
from reader.ui.clipboard import system_text
from reader.ui.focus import chain_tabs
from reader.ui.player import PREPARING, Player
from reader.ui.progress_view import ProgressView
from reader.ui.reading_text import ReadingText
from reader.ui.services import Services
from reader.ui.transport import Transport
from reader.ui.tray import Tray
from reader.ui.voice_bar import VoiceBar

if TYPE_CHECKING:
    from reader.ui.export_dialog import ExportDialog

log = logging.getLogger(__name__)

_STATUS = {
    PREPARING: "Preparing the text…",
    "connecting": "Starting…",
    "playing": "Reading",
    "buffering": "Waiting for audio…",
    "paused": "Paused",
    "finished": "Finished",
    "retrying": "Retrying…",
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
        services: Services | None = None,
    ) -> None:
        super().__init__()
        self._player = player
        self._provider = provider
        self._voicing = voicing
        self.voice_bar = voice_bar
        self.services = services
        if services is not None:
            services.settings_changed.connect(self._follow_settings)
            services.save_failed.connect(self._show_save_failure)
        self._last_heard = 0  # where "Try again" starts after a failure
        self._previewing = False
        self.keep_in_tray = False  # closing hides the window (set from settings)
        self.tray: Tray | None = None
        self.export_dialog: ExportDialog | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(760, 500)

        self.text = ReadingText()
        self.text.sentence_clicked.connect(self._on_sentence_clicked)
        self.text.read_from_requested.connect(self._read_from_position)

        self.actions_ = WindowActions(
            self,
            {
                "play": self._play_or_pause,
                "stop": player.stop,
                "previous": player.previous_sentence,
                "next": player.next_sentence,
                "replay": player.replay_sentence,
                "clipboard": self.read_clipboard,
                "selection": self.read_selection,
                "export": self.export_audio,
                "settings": self.open_settings,
                "show": self.bring_to_front,
                "quit": self.quit,
            },
        )
        actions = self.actions_
        self.play_action, self.stop_action = actions.play, actions.stop
        self.previous_action, self.next_action = actions.previous, actions.next
        self.replay_action = actions.replay
        self.clipboard_action, self.selection_action = actions.clipboard, actions.selection
        self.export_action, self.settings_action = actions.export, actions.settings
        self.quit_action = actions.quit

        self.transport = Transport(actions)
        self.play_button, self.stop_button = self.transport.play_button, self.transport.stop_button
        self.previous_button = self.transport.previous_button
        self.replay_button = self.transport.replay_button
        self.next_button = self.transport.next_button
        self._reading_menu = actions.build_menus(self)

        self.progress = ProgressView()
        self.progress.position_clicked.connect(self._seek_to_position)
        self.progress.sentence_requested.connect(self._on_sentence_clicked)
        self.status = ValueLabel("Status", "Ready", announced=True)
        self.tally = ValueLabel("Characters sent this session")
        self.banner = Banner()

        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.tally)
        layout = QVBoxLayout()
        layout.addWidget(self.banner)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.transport)
        layout.addLayout(status_row)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        if voice_bar is not None:
            self.addToolBar(voice_bar)
            voice_bar.problem.connect(self._on_error)
            voice_bar.preview_requested.connect(self.preview)
            self.voice_action = make_action(
                self,
                "Choose &voice…",
                "Open the voice menu",
                ["Ctrl+Shift+O"],
                voice_bar.voice_button.showMenu,
            )
            self._reading_menu.addSeparator()
            self._reading_menu.addAction(self.voice_action)
        self._order_tabs()

        player.state_changed.connect(self._on_state)
        player.reading_started.connect(self._on_reading_started)
        player.sentence_changed.connect(self._on_sentence)
        player.progress_changed.connect(self._on_progress)
        player.retrying.connect(self._on_retrying)
        player.error_occurred.connect(self._on_error)
        player.finished.connect(self._on_finished)

    def _order_tabs(self) -> None:
        """Tab follows the layout, top to bottom."""
        toolbar = self.voice_bar.controls() if self.voice_bar is not None else []
        banner, row = self.banner, self.transport
        chain = [*toolbar, banner.fix_button, banner.close_button, self.text, *row.buttons()]
        chain_tabs([*chain, self.progress.timeline])

    # -- reading --------------------------------------------------------------------------

    def read(self, text: str, start_sentence: int = 0) -> None:
        """Put `text` in the box and read it (from its first sentence by default)."""
        self.text.setPlainText(text)
        self._start(start_sentence)

    @Slot()
    def read_clipboard(self) -> None:
        self._read_system_text(selection=False)

    @Slot()
    def read_selection(self) -> None:
        self._read_system_text(selection=True)

    def _read_system_text(self, selection: bool) -> None:
        text, note = system_text(selection)
        if note:
            self.status.setText(note)
        if text:
            self.read(text)

    @Slot(str)
    def handle_request(self, action: str) -> None:
        """A request from another `reader gui` start (see reader.ui.instance)."""
        self.bring_to_front()
        if action == "read-clipboard":
            self.read_clipboard()
        elif action == "read-selection":
            self.read_selection()

    def sentence_at(self, position: int) -> int | None:
        return self.text.sentence_at(position)

    @Slot(int)
    def _on_sentence_clicked(self, sentence: int) -> None:
        # While a reading runs, a click on a sentence reads from there.
        if self._player.reading is not None and not self._previewing:
            self._player.seek(sentence)

    @Slot(int)
    def _read_from_position(self, position: int) -> None:
        if self._player.reading is not None and self.text.isReadOnly() and not self._previewing:
            sentence = self.sentence_at(position)
            if sentence is not None:
                self._player.seek(sentence)
            return
        self._start(start_position=position)

    @Slot()
    def _play_or_pause(self) -> None:
        if self._player.preparing:
            self._player.stop()  # pressed again before it could start: never mind
        elif self._player.state in (State.PLAYING, State.BUFFERING, State.CONNECTING, State.PAUSED):
            self._player.toggle_pause()
        else:
            self._start()

    def _start(self, start_sentence: int = 0, start_position: int | None = None) -> None:
        text = self.text.toPlainText()
        self.banner.hide()
        if self.voice_bar is not None:
            self._provider, self._voicing = self.voice_bar.provider, self.voice_bar.voicing
        self._player.play(text, self._provider, self._voicing, start_sentence, start_position)
        self._previewing = False  # after play(), whose stop() ends any preview
        # Read-only from now: the sentences being prepared point into this very text.
        self.text.set_sentences([])
        self.text.setReadOnly(True)

    @Slot(object)
    def _on_reading_started(self, reading: Reading) -> None:
        if not self._previewing:
            self.text.set_sentences(reading.spans)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self.status.setText(_STATUS.get(state, state))
        self.transport.show_state(state)

    @Slot(int)
    def _on_sentence(self, index: int) -> None:
        if not self._previewing:
            self._last_heard = index
            self.text.highlight(index)
            settings = self.services.settings if self.services is not None else None
            if settings is not None and settings.announce_sentences:
                announce(self.text, self.text.sentence_text(index))

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        if not self._previewing:
            self.progress.show_progress(progress)

    @Slot(int)
    def _seek_to_position(self, position: int) -> None:
        sentence = self.sentence_at(position)
        if sentence is None:
            return
        if self._player.reading is not None and not self._previewing:
            self._player.seek(sentence)
        else:
            self._read_from_position(position)

    @Slot(float, str)
    def _on_retrying(self, seconds: float, reason: str) -> None:
        wait = f"Retrying in {seconds:.0f} s" if seconds >= 0.5 else "Retrying"
        self.status.setText(f"{wait}: {reason}")

    @Slot(object)
    def _on_error(self, error: object) -> None:
        problem = error if isinstance(error, ReaderError) else ReaderError(str(error))
        self.status.setText(str(problem))
        label = fix_for(problem)
        fixes = {
            FIX_SETTINGS_KEYS: lambda: self.open_settings("keys"),
            FIX_DEVICE: lambda: self.open_settings("audio"),
            FIX_VOICE: self._open_voice_menu,
            FIX_RETRY: lambda: self._start(self._last_heard),
        }
        self.banner.show_problem(str(problem), label, fixes.get(label or ""))

    def _open_voice_menu(self) -> None:
        if self.voice_bar is not None:
            self.voice_bar.voice_button.showMenu()

    @Slot()
    def _on_finished(self) -> None:
        self._previewing = False
        self.text.clear_highlight()  # typing must not replace the last sentence heard
        self.text.setReadOnly(False)
        self.transport.show_state("stopped")
        self._show_tally()

    def _show_tally(self) -> None:
        tally = self._player.readings.tally
        if tally.characters:
            cost = f", about ${tally.dollars:.2f}" if tally.dollars >= 0.005 else ""
            self.tally.setText(f"This session: {tally.characters:,} characters sent{cost}")

    # -- voices, dialogs, tray ----------------------------------------------------------

    @Slot(object, object)
    def preview(self, provider: Provider, voicing: Voicing) -> None:
        """Play a short sample in `voicing`'s voice, leaving the text box alone."""
        self._player.play(
            f"Hello, I am {voicing.voice}, and this is how I sound reading to you.",
            provider,
            voicing,
        )
        self._previewing = True
        self.status.setText(f"Preview: {voicing.voice}")

    @Slot()
    def export_audio(self) -> None:
        from reader.ui.export_dialog import ExportDialog  # the first frame does not need it

        text = self.text.toPlainText()
        if not text.strip():
            self.status.setText("Nothing to export: type or paste some text first.")
            return
        if self.voice_bar is not None:
            self._provider, self._voicing = self.voice_bar.provider, self.voice_bar.voicing
        selection = self.text.selected_text()
        dialog = ExportDialog(
            self._player.readings, text, selection, self._provider, self._voicing, parent=self
        )
        self.export_dialog = dialog
        dialog.finished.connect(self._export_closed)
        dialog.open()

    @Slot()
    def _export_closed(self) -> None:
        dialog = self.export_dialog
        if dialog is None:
            return
        if dialog.saved is not None:
            self.status.setText(f"Saved to {dialog.saved}")
        self._show_tally()  # a reading may still be playing: its controls stay as they are
        dialog.deleteLater()
        self.export_dialog = None

    @Slot()
    def open_settings(self, page: str = "keys") -> None:
        if self.services is None:
            self.status.setText("Settings are not available in this window.")
            return
        self.services.open_settings(self, page)

    @Slot(object, object)
    def _follow_settings(self, settings: Settings, old: Settings) -> None:
        self.keep_in_tray = settings.close_to_tray and self.tray_shown()
        if self.voice_bar is not None and settings.endpoints != old.endpoints:
            self.voice_bar.set_endpoints(settings.endpoints)

    @Slot(str)
    def _show_save_failure(self, line: str) -> None:
        self.status.setText(line)

    def add_tray(self, icon: QIcon) -> Tray | None:
        """A tray icon with the reading actions, where the desktop has a tray."""
        if not Tray.available():
            return None
        self.tray = Tray(icon, self.actions_.for_tray(), self.actions_.show_window, self)
        self.tray.show()
        return self.tray

    def tray_shown(self) -> bool:
        return self.tray is not None and self.tray.isVisible()

    @Slot()
    def bring_to_front(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    @Slot()
    def quit(self) -> None:
        self.keep_in_tray = False
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.keep_in_tray:
            event.ignore()
            self.hide()
            return
        self._player.stop()
        if self.export_dialog is not None:
            self.export_dialog.abandon()  # no partial file left behind by quitting
        super().closeEvent(event)
