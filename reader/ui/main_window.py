"""The main window: the text, transport and menus, the heard sentence highlighted, the
progress view, the problem banner; dialogs and the tray hang off it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import (
    QCloseEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME
from reader.providers.base import Provider
from reader.reading.engine import Reading
from reader.reading.events import Progress, State, Voicing
from reader.settings import Settings
from reader.ui.actions import WindowActions
from reader.ui.announce import announce
from reader.ui.banner import FIX_DEVICE, FIX_RETRY, FIX_SETTINGS_KEYS, FIX_VOICE, Banner
from reader.ui.clipboard import system_text
from reader.ui.exports import Exports
from reader.ui.focus import chain_tabs
from reader.ui.player import Player
from reader.ui.problems import Problems
from reader.ui.progress_view import ProgressView
from reader.ui.reader_choice import follow_choice
from reader.ui.reading_text import ReadingText
from reader.ui.screen_fit import fit_to_screen
from reader.ui.services import Services
from reader.ui.status_line import STATUS_TEXT, StatusLine
from reader.ui.transport import Transport
from reader.ui.tray import Tray
from reader.ui.voice_bar import VoiceBar

if TYPE_CHECKING:
    from reader.ui.export_dialog import ExportDialog

log = logging.getLogger(__name__)


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
        self._last_heard = 0  # where "Try again" starts after a failure
        self._previewing = False
        self.keep_in_tray = False  # closing hides the window (set from settings)
        # Where "Read selection" gets its text when Qt cannot (Wayland: set by the app).
        self.selection_reader: Callable[[], tuple[str, str]] | None = None
        self.tray: Tray | None = None
        self.setWindowTitle(APP_NAME)
        fit_to_screen(self, 760, 500)

        self.text = ReadingText()
        self.text.sentence_clicked.connect(self._on_sentence_clicked)
        self.text.read_from_requested.connect(self._read_from_position)
        self.text.textChanged.connect(self._text_edited)

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
        actions.build_menus(self, voice_bar.voice_button.showMenu if voice_bar else None)

        self.progress = ProgressView()
        self.progress.position_clicked.connect(self._seek_to_position)
        self.progress.sentence_requested.connect(self._on_sentence_clicked)
        self.status_line = status_line = StatusLine()
        self.status, self.tally = status_line.status, status_line.tally
        if services is not None:
            services.settings_changed.connect(self._follow_settings)
            services.save_failed.connect(self.status.setText)
        self._exports = Exports(self, player.readings, status_line)
        self.banner = Banner()
        self.problems = Problems(
            self.banner,
            self.status,
            {
                FIX_SETTINGS_KEYS: lambda: self.open_settings("keys", with_key_in_use=True),
                FIX_DEVICE: lambda: self.open_settings("audio"),
                FIX_VOICE: lambda: voice_bar.voice_button.showMenu() if voice_bar else None,
                FIX_RETRY: lambda: self._start(self._last_heard),
            },
            lambda page, item: services.open_settings(self, page, None, item) if services else None,
        )

        layout = QVBoxLayout()
        layout.addWidget(self.banner)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.transport)
        layout.addWidget(status_line)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        if voice_bar is not None:
            self.addToolBar(voice_bar)
            voice_bar.problem.connect(self._on_error)
            voice_bar.preview_requested.connect(self.preview)
            follow_choice(voice_bar, services, self.problems, status_line, player)
        self._order_tabs()

        player.state_changed.connect(self._on_state)
        player.reading_started.connect(self._on_reading_started)
        player.sentence_changed.connect(self._on_sentence)
        player.progress_changed.connect(self._on_progress)
        player.retrying.connect(status_line.show_retrying)
        player.error_occurred.connect(self._on_error)
        player.finished.connect(self._on_finished)

    @property
    def player(self) -> Player:
        return self._player

    def _order_tabs(self) -> None:
        """Tab follows the layout, top to bottom."""
        toolbar = self.voice_bar.controls() if self.voice_bar is not None else []
        chain = [*toolbar, *self.banner.buttons(), self.text, *self.transport.buttons()]
        chain_tabs([*chain, self.progress.timeline])

    # -- reading --------------------------------------------------------------------------

    def read(self, text: str, start_sentence: int = 0) -> None:
        """Put `text` in the box and read it (from its first sentence by default); Ctrl+Z
        brings back what the box held."""
        self.text.replace_text(text)
        self._start(start_sentence)

    @Slot()
    def read_clipboard(self) -> None:
        self._read_system_text(selection=False)

    @Slot()
    def read_selection(self) -> None:
        self._read_system_text(selection=True)

    def _read_system_text(self, selection: bool) -> None:
        if selection and self.selection_reader is not None:
            text, note = self.selection_reader()
        else:
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

    @Slot()
    def _text_edited(self) -> None:
        """The person changed the text: what was shown of the last reading is stale."""
        if self.text.isReadOnly():
            return
        self.text.clear_highlight()
        self.progress.clear()
        self.problems.text_typed()
        self.transport.set_has_text(bool(self.text.toPlainText().strip()))

    def _start(self, start_sentence: int = 0, start_position: int | None = None) -> None:
        if self.voice_bar is not None:  # (a key just changed: with the new one)
            self.voice_bar.when_ready(lambda: self._play(start_sentence, start_position))
        else:
            self._play(start_sentence, start_position)

    def _play(self, start_sentence: int, start_position: int | None) -> None:
        text = self.text.toPlainText()
        self.banner.hide()
        self.text.clear_highlight()
        self.progress.clear()
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
        self.status.setText(STATUS_TEXT.get(state, state))
        self.transport.show_state(state)
        if state not in ("playing", "buffering"):
            self.progress.meter.set_level(0)  # nothing is heard: the meter rests

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
            if self._player.state not in (State.PLAYING, State.BUFFERING):
                self.progress.meter.set_level(0)  # paused: nothing is heard

    @Slot(int)
    def _seek_to_position(self, position: int) -> None:
        sentence = self.sentence_at(position)
        if sentence is None:
            return
        if self._player.reading is not None and not self._previewing:
            self._player.seek(sentence)
        else:
            self._read_from_position(position)

    @Slot(object)
    def _on_error(self, error: object) -> None:
        self.problems.show(error)

    @Slot()
    def _on_finished(self) -> None:
        self._previewing = False
        self.text.clear_highlight()  # typing must not replace the last sentence heard
        self.text.setReadOnly(False)
        self.transport.show_state("stopped")
        self.status_line.show_tally(self._player.readings.tally)

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
        if self.voice_bar is not None:  # (with a new key; not without the reader chosen)
            self.voice_bar.when_ready(self._export)
        else:
            self._export()

    def _export(self) -> None:
        if self.voice_bar is not None:
            self._provider, self._voicing = self.voice_bar.provider, self.voice_bar.voicing
        text, selection = self.text.toPlainText(), self.text.selected_text()
        self._exports.open(text, selection, self._provider, self._voicing)

    @property
    def export_dialog(self) -> ExportDialog | None:
        return self._exports.dialog

    @Slot()
    def open_settings(self, page: str = "keys", with_key_in_use: bool = False) -> None:
        """Settings at `page`; on Keys with the row of the key in use selected, when it is
        the one a server rejected."""
        if self.services is None:
            self.status.setText("Settings are not available in this window.")
            return
        bar = self.voice_bar
        place = bar.key_place if with_key_in_use and bar is not None else None
        self.services.open_settings(self, page, place)

    @Slot(object, object)
    def _follow_settings(self, settings: Settings, old: Settings) -> None:
        self.keep_in_tray = settings.close_to_tray and self.tray_shown()
        if self.voice_bar is not None and settings.endpoints != old.endpoints:
            self.voice_bar.set_endpoints(settings.endpoints)
        if self.voice_bar is not None and settings.speed != old.speed:
            self.voice_bar.set_speed(settings.speed)

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

    def shut_down(self) -> None:
        """Stop any reading (the app is ending)."""
        self._player.stop()

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
        self._exports.abandon()
        super().closeEvent(event)
