"""The voice menu: a provider's voices, listed off the GUI thread, searchable."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QMenu, QToolButton, QWidget, QWidgetAction

from reader.errors import ReaderError
from reader.providers.base import Provider, Voice
from reader.ui.background import emit_from_worker

log = logging.getLogger(__name__)


class VoiceListLoader(QObject):
    """Makes a provider (its key comes from the keyring, which may ask to be unlocked)
    and asks it for its voices and models, all on a worker thread.

    The signals are emitted from that thread; Qt queues them to receivers living on the
    GUI thread, so the window never waits on a keyring or a server.
    """

    # provider key, the Provider, list[Voice], list[str] models
    loaded = Signal(str, object, object, object)
    # provider key, the Provider or None when it could not be made, the ReaderError
    failed = Signal(str, object, object)

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
            emit_from_worker(self.failed, key, provider, error)
            return
        except Exception as error:  # a server's odd answer must not kill the thread silently
            log.exception("listing voices failed")
            emit_from_worker(
                self.failed, key, provider, ReaderError(f"Listing voices failed: {error}")
            )
            return
        emit_from_worker(self.loaded, key, provider, voices, models)


class _VoiceMenu(QMenu):
    """A menu whose voice entries also answer a right-click and two keys: Ctrl+P plays a
    preview of the highlighted voice, Ctrl+D makes it a favourite (or not)."""

    def __init__(self, owner: VoiceButton) -> None:
        super().__init__(owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        voice = action.data() if action is not None else None
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if isinstance(voice, str) and control and event.key() == Qt.Key.Key_P:
            self._owner.preview_requested.emit(voice)
            return
        if isinstance(voice, str) and control and event.key() == Qt.Key.Key_D:
            self._owner.toggle_favourite(voice)
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.actionAt(event.position().toPoint())
        voice = action.data() if action is not None else None
        if event.button() == Qt.MouseButton.RightButton and isinstance(voice, str):
            self._owner.voice_menu(voice).popup(event.globalPosition().toPoint())
            return
        super().mouseReleaseEvent(event)


class VoiceButton(QToolButton):
    """Shows the chosen voice; its menu lists favourites, recent voices and then every
    voice, with a search field on top. Each voice can be previewed and starred.

    Signals:
        chosen(str): a voice id was picked.
        preview_requested(str): play a short sample in this voice.
        favourites_changed(object): the list of favourite voice ids, after a change.
    """

    chosen = Signal(str)
    preview_requested = Signal(str)
    favourites_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # No accessible name: the text ("Voice: Heart") names the chosen voice.
        self.setToolTip("Choose the voice (Ctrl+Shift+O)")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = _VoiceMenu(self)
        self._menu.setAccessibleName("Voices")
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search voices…")
        self.search.setAccessibleName("Search voices")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        search_action = QWidgetAction(self._menu)
        search_action.setDefaultWidget(self.search)
        search_action.setText("Search voices")  # the menu item's name for a screen reader
        self._menu.addAction(search_action)
        self._hint = self._menu.addAction(
            "Right-click a voice (or Ctrl+P, Ctrl+D) to preview or star it"
        )
        self._hint.setEnabled(False)
        self._status = self._menu.addAction("")
        self._status.setEnabled(False)
        self._voices: list[tuple[Voice, QAction]] = []  # the full list
        self._extras: list[QAction] = []  # section titles and favourite/recent copies
        self._current = ""
        self._favourites: list[str] = []
        self._recent: list[str] = []
        self._menu.aboutToShow.connect(self.search.setFocus)

    @property
    def favourites(self) -> list[str]:
        return list(self._favourites)

    @property
    def recent(self) -> list[str]:
        return list(self._recent)

    def set_loading(self) -> None:
        self._clear()
        self._status.setText("Loading voices…")
        self._status.setVisible(True)

    def set_failed(self, message: str) -> None:
        self._clear()
        self._status.setText(f"Could not list voices: {message}")
        self._status.setVisible(True)

    def set_voices(
        self,
        voices: list[Voice],
        current: str,
        favourites: list[str] | None = None,
        recent: list[str] | None = None,
    ) -> None:
        self._clear()
        self._status.setVisible(not voices)
        self._status.setText("This provider lists no voices.")
        self._favourites = list(favourites or [])
        self._recent = list(recent or [])
        for voice in voices:
            action = self._voice_action(voice)
            self._menu.addAction(action)
            self._voices.append((voice, action))
        self._rebuild_sections()
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

    def section_ids(self, title: str) -> list[str]:
        """The voice ids listed under a section ("Favourites", "Recent"), in order."""
        found: list[str] = []
        inside = False
        for action in self._extras:
            if action.data() is None:
                inside = action.text() == title
            elif inside:
                found.append(str(action.data()))
        return found

    def voice_menu(self, voice_id: str) -> QMenu:
        """The small menu for one voice: preview it, star or unstar it."""
        menu = QMenu(self._menu)
        preview = menu.addAction("Preview")
        preview.triggered.connect(lambda: self.preview_requested.emit(voice_id))
        starred = voice_id in self._favourites
        star = menu.addAction("Remove from favourites" if starred else "Add to favourites")
        star.triggered.connect(lambda: self.toggle_favourite(voice_id))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def toggle_favourite(self, voice_id: str) -> None:
        if voice_id in self._favourites:
            self._favourites.remove(voice_id)
        else:
            self._favourites.append(voice_id)
        self._rebuild_sections()
        self.favourites_changed.emit(list(self._favourites))

    def note_used(self, voice_id: str, keep: int = 5) -> None:
        """Put `voice_id` first among the recent voices."""
        self._recent = [voice_id, *(v for v in self._recent if v != voice_id)][:keep]
        self._rebuild_sections()

    def _voice_action(self, voice: Voice) -> QAction:
        details = ", ".join(part for part in (voice.language, voice.gender) if part)
        label = voice.name if voice.name == voice.id else f"{voice.name} ({voice.id})"
        star = "★ " if voice.id in self._favourites else ""
        action = QAction(f"{star}{label}  {details}".rstrip(), self._menu)
        action.setCheckable(True)
        action.setData(voice.id)
        action.setToolTip(f"{label}: right-click to preview or star")
        action.triggered.connect(self._on_triggered)
        return action

    def _rebuild_sections(self) -> None:
        """Favourites and recent voices above the full list (copies of its entries)."""
        for action in self._extras:
            self._menu.removeAction(action)
            action.deleteLater()
        self._extras = []
        if not self._voices:
            return
        by_id = {voice.id: voice for voice, _ in self._voices}
        first = self._voices[0][1]
        sections = (
            ("Favourites", [v for v in self._favourites if v in by_id]),
            ("Recent", [v for v in self._recent if v in by_id and v not in self._favourites]),
        )
        for title, ids in sections:
            if not ids:
                continue
            self._extras.append(self._title(title, first))
            for voice_id in ids:
                action = self._voice_action(by_id[voice_id])
                self._menu.insertAction(first, action)
                self._extras.append(action)
        if self._extras:
            self._extras.append(self._title("All voices", first))
        for voice, action in self._voices:  # the stars in the full list
            fresh = self._voice_action(voice)
            action.setText(fresh.text())
            fresh.deleteLater()
        self._filter(self.search.text())
        self.set_current(self._current)

    def _title(self, text: str, before: QAction) -> QAction:
        action = QAction(text, self._menu)
        action.setEnabled(False)
        self._menu.insertAction(before, action)
        return action

    def _clear(self) -> None:
        for _, action in self._voices:
            self._menu.removeAction(action)
            action.deleteLater()
        for action in self._extras:
            self._menu.removeAction(action)
            action.deleteLater()
        self._voices = []
        self._extras = []
        self.search.clear()

    @Slot(str)
    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for voice, action in self._voices:
            haystack = f"{voice.id} {voice.name} {voice.language} {voice.gender}".lower()
            action.setVisible(all(word in haystack for word in words))
        for action in self._extras:  # sections only when not searching
            action.setVisible(not words)

    @Slot()
    def _on_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            voice_id = str(action.data())
            self.set_current(voice_id)
            self.note_used(voice_id)
            self.chosen.emit(voice_id)
