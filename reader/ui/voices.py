"""The voice menu: a provider's voices by language, searchable, each with a preview and a
star (the list itself comes from voice_loader, off the GUI thread)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from reader.providers.base import Provider, Voice
from reader.providers.openai import takes_any_voice

log = logging.getLogger(__name__)

# Providers whose voices are the ones installed in Settings → Voices, by their engine's name.
INSTALLED_IN_SETTINGS = {"kokoro": "Kokoro"}


def language_groups(voices: list[Voice]) -> list[tuple[str, list[Voice]]]:
    """The voices by language (its name in English), languages in alphabetical order, the
    voices in each by name; one group when they share a language or are few."""
    named: dict[str, list[Voice]] = {}
    for voice in voices:
        named.setdefault(language_name(voice.language), []).append(voice)
    if len(named) < 2 or len(voices) <= 12:
        return [("", list(voices))]
    return [
        (title, sorted(members, key=lambda voice: voice.name.lower()))
        for title, members in sorted(named.items(), key=lambda item: item[0].lower())
    ]


def language_name(code: str) -> str:
    """ "Spanish" for "es-419"; the code itself where Qt knows no name for it."""
    if not code:
        return "Other"
    language = QLocale(code.replace("_", "-")).language()
    if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    return QLocale.languageToString(language)


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
        typed = event.text()
        if not control and typed.isprintable() and typed.strip():
            # Letters go to the search field, even after the arrows moved into the list.
            self._owner.search.setFocus()
            self._owner.search.insert(typed)
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
    install_requested = Signal()  # "Install voices…": Settings → Voices, where they are added

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # No accessible name: the text ("Voice: Heart") names the chosen voice.
        self.setToolTip("Choose the voice (Ctrl+Shift+O)")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # A button's frame (not a label's look), and one width whatever the voice's name,
        # so the toolbar does not shift as voices change; a longer name ends in "…".
        self.setAutoRaise(False)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("Voice: English (America)") + 32)
        self._menu = _VoiceMenu(self)
        self._menu.setAccessibleName("Voices")
        self._menu.setToolTipsVisible(True)
        # A long list scrolls under the button instead of spreading over the screen in
        # columns (141 offline voices would cover it, the last ones out of reach).
        self._menu.setStyleSheet("QMenu { menu-scrollable: 1; }")
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
        self._note = ""  # what the status line says of the list when nothing is searched
        # For a server that lists no voices: any name the person types is sent as given.
        self.other_action = QAction("Other voice…", self._menu)
        self.other_action.setToolTip("Type the name of a voice the server knows")
        self.other_action.setVisible(False)
        self.other_action.triggered.connect(self._ask_other)
        # For a provider whose voices are downloaded, and none is yet: the way to get some.
        self.install_action = QAction("Install voices…", self._menu)
        self.install_action.setToolTip("Open Settings → Voices to download voices")
        self.install_action.setVisible(False)
        self.install_action.triggered.connect(self.install_requested)
        self._menu.addAction(self.install_action)
        self._voices: list[tuple[Voice, QAction]] = []  # the full list
        self._extras: list[QAction] = []  # section titles and favourite/recent copies
        self._groups: list[tuple[QAction, list[QAction]]] = []  # language titles, voices
        self._current = ""
        self._favourites: list[str] = []
        self._recent: list[str] = []
        self._menu.aboutToShow.connect(self._about_to_show)

    @property
    def favourites(self) -> list[str]:
        return list(self._favourites)

    @property
    def recent(self) -> list[str]:
        return list(self._recent)

    def set_loading(self) -> None:
        self._clear()
        self.other_action.setVisible(False)
        self.install_action.setVisible(False)
        self._status.setText("Loading voices…")
        self._status.setVisible(True)

    def set_failed(self, message: str) -> None:
        self._clear()
        self.other_action.setVisible(False)
        self.install_action.setVisible(False)
        self._status.setText(f"Could not list voices: {message}")
        self._status.setVisible(True)

    def set_voices(
        self,
        voices: list[Voice],
        current: str,
        favourites: list[str] | None = None,
        recent: list[str] | None = None,
        offered: bool = False,
        provider: Provider | None = None,
    ) -> None:
        """`offered`, or a `provider` that takes any voice: the server lists no voices, so
        these are suggestions (OpenAI's standard voices and names typed before) and "Other
        voice…" takes any name. A `provider` whose voices are installed in Settings → Voices
        says so when it has none yet, with an "Install voices…" entry."""
        self._clear()
        offered = offered or takes_any_voice(provider)
        engine = INSTALLED_IN_SETTINGS.get(provider.id, "") if provider is not None else ""
        self._note = (
            "This server lists no voices: OpenAI's standard ones, or type one"
            if offered
            else f"No {engine} voices installed yet: Settings → Voices adds them."
            if engine and not voices
            else "This provider lists no voices."
            if not voices
            else ""
        )
        self.install_action.setVisible(bool(engine) and not voices)
        self._status.setText(self._note)
        self._status.setVisible(bool(self._note))
        self._favourites = list(favourites or [])
        self._recent = list(recent or [])
        groups = language_groups(voices)
        for title, members in groups:
            # A heading over a language's several voices; one voice names its language.
            heading = self._menu.addAction(title) if len(groups) > 1 < len(members) else None
            actions = []
            for voice in members:
                action = self._voice_action(voice)
                self._menu.addAction(action)
                self._voices.append((voice, action))
                actions.append(action)
            if heading is not None:
                heading.setEnabled(False)
                self._groups.append((heading, actions))
        self._menu.removeAction(self.other_action)
        self._menu.addAction(self.other_action)  # last, below every voice
        self.other_action.setVisible(offered)
        self._rebuild_sections()
        self.set_current(current)

    @Slot()
    def _ask_other(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Other voice", "The voice's name, as the server knows it:"
        )
        name = name.strip()
        if ok and name:
            self.set_current(name)
            self.note_used(name)
            self.chosen.emit(name)

    def set_current(self, voice_id: str) -> None:
        self._current = voice_id
        name = voice_id
        for voice, action in self._voices:
            action.setChecked(voice.id == voice_id)
            if voice.id == voice_id:
                name = voice.name
        for action in self._extras:  # the copies under Favourites and Recent too
            if action.data() is not None:
                action.setChecked(action.data() == voice_id)
        label = f"Voice: {name}" if name else "Voice"
        room = self.width() - 24
        self.setText(self.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, room))
        self.setAccessibleName(label)  # the whole name, however the button cuts it
        self.setToolTip(f"{label}. Choose the voice (Ctrl+Shift+O)")

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
        said = voice.id.lower() in voice.name.lower()  # the id `-v` takes, unless named
        label = voice.name if said else f"{voice.name} ({voice.id})"
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
        first = self._groups[0][0] if self._groups else self._voices[0][1]
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
        for heading, _ in self._groups:
            self._menu.removeAction(heading)
            heading.deleteLater()
        self._voices = []
        self._extras = []
        self._groups = []
        self.search.clear()

    @Slot(str)
    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for voice, action in self._voices:
            haystack = f"{voice.id} {voice.name} {voice.language} {voice.gender}".lower()
            action.setVisible(all(word in haystack for word in words))
        for action in self._extras:  # sections only when not searching
            action.setVisible(not words)
        for heading, members in self._groups:
            heading.setVisible(any(member.isVisible() for member in members))
        if not words:  # the search emptied: the list's own note again, if any
            self._status.setText(self._note)
            self._status.setVisible(bool(self._note))
        elif self._voices:
            matches = any(action.isVisible() for _, action in self._voices)
            self._status.setText(f"No voice matches “{text.strip()}”")
            self._status.setVisible(not matches)

    @Slot()
    def _about_to_show(self) -> None:
        """Open with an empty search, and under the button once shown."""
        self.search.clear()
        self.search.setFocus()
        QTimer.singleShot(0, self._anchor)

    @Slot()
    def _anchor(self) -> None:
        """A list taller than the screen scrolls (Qt's scroller, set up as it opened), but
        Qt opens it at the top of the screen: it is moved under the button and made as
        tall as the room there, its scrolling kept."""
        menu = self._menu
        anchor = self.mapToGlobal(self.rect().bottomLeft()).y() + 1
        area = menu.screen().availableGeometry()
        room = area.bottom() + 1 - anchor
        if menu.isVisible() and menu.y() < anchor and room >= 160:
            menu.setGeometry(menu.x(), anchor, menu.width(), min(menu.height(), room))

    @Slot()
    def _on_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            voice_id = str(action.data())
            self.set_current(voice_id)
            self.note_used(voice_id)
            self.chosen.emit(voice_id)
