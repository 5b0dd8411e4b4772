"""The voice menu: a provider's voices, listed off the GUI thread, searchable."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QMenu, QToolButton, QWidget, QWidgetAction

from reader.errors import ReaderError
from reader.providers.base import Provider, Voice

log = logging.getLogger(__name__)


class VoiceListLoader(QObject):
    """Makes a provider (its key comes from the keyring, which may ask to be unlocked)
    and asks it for its voices and models, all on a worker thread.

    The signals are emitted from that thread; Qt queues them to receivers living on the
    GUI thread, so the window never waits on a keyring or a server.
    """

    # provider key, the Provider, list[Voice], list[str] models
    loaded = Signal(str, object, object, object)
    # provider key, the Provider or None when it could not be made, one line to show
    failed = Signal(str, object, str)

    def load(self, key: str, make: Callable[[], Provider]) -> None:
        worker = threading.Thread(target=self._run, args=(key, make), name="voices", daemon=True)
        worker.start()

    def _run(self, key: str, make: Callable[[], Provider]) -> None:
        provider: Provider | None = None
        try:
            provider = make()
            voices = provider.voices()
            models = provider.models()
        except ReaderError as error:
            self.failed.emit(key, provider, str(error))
            return
        except Exception as error:  # a server's odd answer must not kill the thread silently
            log.exception("listing voices failed")
            self.failed.emit(key, provider, f"Listing voices failed: {error}")
            return
        self.loaded.emit(key, provider, voices, models)


class VoiceButton(QToolButton):
    """Shows the chosen voice; its menu lists voices with a search field on top."""

    chosen = Signal(str)  # voice id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Voice")
        self.setToolTip("Choose the voice (Ctrl+Shift+O)")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = QMenu(self)
        self._menu.setAccessibleName("Voices")
        self.setMenu(self._menu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search voices…")
        self.search.setAccessibleName("Search voices")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        search_action = QWidgetAction(self._menu)
        search_action.setDefaultWidget(self.search)
        self._menu.addAction(search_action)
        self._status = self._menu.addAction("")
        self._status.setEnabled(False)
        self._voices: list[tuple[Voice, QAction]] = []
        self._current = ""
        self._menu.aboutToShow.connect(self.search.setFocus)

    def set_loading(self) -> None:
        self._clear()
        self._status.setText("Loading voices…")
        self._status.setVisible(True)

    def set_failed(self, message: str) -> None:
        self._clear()
        self._status.setText(f"Could not list voices: {message}")
        self._status.setVisible(True)

    def set_voices(self, voices: list[Voice], current: str) -> None:
        self._clear()
        self._status.setVisible(not voices)
        self._status.setText("This provider lists no voices.")
        for voice in voices:
            details = ", ".join(part for part in (voice.language, voice.gender) if part)
            label = voice.name if voice.name == voice.id else f"{voice.name} ({voice.id})"
            action = self._menu.addAction(f"{label}  {details}".rstrip())
            action.setCheckable(True)
            action.setData(voice.id)
            action.triggered.connect(self._on_triggered)
            self._voices.append((voice, action))
        self.set_current(current)

    def set_current(self, voice_id: str) -> None:
        self._current = voice_id
        name = voice_id
        for voice, action in self._voices:
            action.setChecked(voice.id == voice_id)
            if voice.id == voice_id:
                name = voice.name
        self.setText(f"Voice: {name}" if name else "Voice")

    def voice_ids(self) -> list[str]:
        return [voice.id for voice, _ in self._voices]

    def visible_voice_ids(self) -> list[str]:
        return [voice.id for voice, action in self._voices if action.isVisible()]

    def _clear(self) -> None:
        for _, action in self._voices:
            self._menu.removeAction(action)
            action.deleteLater()
        self._voices = []
        self.search.clear()

    @Slot(str)
    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for voice, action in self._voices:
            haystack = f"{voice.id} {voice.name} {voice.language} {voice.gender}".lower()
            action.setVisible(all(word in haystack for word in words))

    @Slot()
    def _on_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            voice_id = str(action.data())
            self.set_current(voice_id)
            self.chosen.emit(voice_id)
