"""The settings dialog: keys, servers, reading defaults, audio output and cache, window."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader.errors import ReaderError
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.settings import Settings
from reader.ui.announce import ValueLabel
from reader.ui.background import Background
from reader.ui.keys_page import KeysPage
from reader.ui.screen_fit import fit_to_screen
from reader.ui.servers_page import ServersPage
from reader.ui.shortcuts_page import ShortcutsPage
from reader.ui.voices_page import VoicesPage

PAGES = ("keys", "servers", "reading", "voices", "audio", "window", "shortcuts")


def _spin(low: int, high: int, value: int, suffix: str, name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccessibleName(name)
    return box


def _scrolling(page: QWidget) -> QScrollArea:
    """`page` in a frameless scroll area: a tall page scrolls on a small screen (at 2x on
    1366x800, say) rather than push OK and Cancel off it."""
    view = QScrollArea()
    view.setWidget(page)
    view.setWidgetResizable(True)
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


class SettingsDialog(QDialog):
    """Edits a copy of Settings; `settings()` is the result once accepted. Keys are saved
    to the keyring at once (they never pass through Settings)."""

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        store: KeyStore | None,
        redactor: Redactor,
        cache: AudioCache,
        devices: Callable[[], list[str]],
        page: str = "keys",
        parent: QWidget | None = None,
        shortcut_status: str = "",
        configure_shortcuts: Callable[[], object] | None = None,
        key_place: tuple[str, str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reader settings")
        self.setAccessibleName("Settings")
        fit_to_screen(self, 620, 480)
        self._settings = settings
        self._cache = cache
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings pages")
        names = {info.id: info.display_name for info in registry.infos()}
        names["openai"] = "OpenAI (speech and chat audio)"
        self.keys = KeysPage(store, settings.endpoints, names=names)
        self.servers = ServersPage(settings.endpoints, store, redactor)
        self.servers.endpoints_saved.connect(self.keys.set_endpoints)
        self.tabs.addTab(self.keys, "&Keys")
        # (The servers page scrolls its list and form itself, its buttons always in view.)
        self.tabs.addTab(self.servers, "&Servers")
        self.tabs.addTab(self._reading_page(settings), "&Reading")
        self.voices = VoicesPage(registry.voice_store())
        self.tabs.addTab(_scrolling(self.voices), "&Voices")
        self.tabs.addTab(self._audio_page(settings), "&Audio")
        self.tabs.addTab(self._window_page(settings), "&Window")
        self.shortcuts = ShortcutsPage(settings, shortcut_status, configure_shortcuts)
        self.tabs.addTab(_scrolling(self.shortcuts), "Sh&ortcuts")
        self.show_page(page, key_place)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._background = Background(self)
        self._background.finished.connect(self._on_finished)
        self._background.run("devices", devices, "Listing the audio devices")
        self._background.run("cache size", cache.size, "Measuring the cache")

    def show_page(self, page: str, key_place: tuple[str, str | None] | None = None) -> None:
        self.tabs.setCurrentIndex(PAGES.index(page) if page in PAGES else 0)
        if key_place is not None:
            self.keys.select(*key_place)

    @property
    def keys_changed(self) -> bool:
        """Whether a key was set or removed (on the Keys or the Servers page)."""
        return self.keys.changed or self.servers.key_saved

    def _reading_page(self, settings: Settings) -> QWidget:
        # Who reads (provider or server, model, voice) is chosen in the window's toolbar,
        # which remembers it; one place to choose, so the two can never disagree.
        chosen_there = QLabel(
            "The provider, model and voice are chosen in the window's toolbar; "
            "Reader remembers them."
        )
        chosen_there.setWordWrap(True)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.25, 4.0)
        self.speed.setSingleStep(0.05)
        self.speed.setValue(settings.speed)
        self.speed.setSuffix("×")
        self.speed.setAccessibleName("Speed")
        self.sentence_pause = _spin(0, 5000, settings.sentence_pause_ms, " ms", "Sentence pause")
        self.paragraph_pause = _spin(
            0, 10_000, settings.paragraph_pause_ms, " ms", "Paragraph pause"
        )
        self.markdown = QCheckBox("Read Markdown as prose (links by their text, skip code)")
        self.markdown.setChecked(settings.markdown)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(chosen_there)
        form.addRow("Speed", self.speed)
        form.addRow("Pause between sentences", self.sentence_pause)
        form.addRow("Pause between paragraphs", self.paragraph_pause)
        form.addRow("", self.markdown)
        return page

    def _audio_page(self, settings: Settings) -> QWidget:
        self.device = QComboBox()
        self.device.setAccessibleName("Output device")
        self.device.addItem("System default", "")
        if settings.output_device:
            self.device.addItem(settings.output_device, settings.output_device)
            self.device.setCurrentIndex(1)
        self.cache_mb = _spin(0, 1_000_000, settings.cache_mb, " MB", "Cache size limit")
        self.cache_info = ValueLabel("Cache size", "…")
        self.clear_cache = QPushButton("Clear cache")
        self.clear_cache.setAccessibleName("Clear cache")
        self.clear_cache.setToolTip("Delete every saved reading (they will be requested again)")
        self.clear_cache.clicked.connect(self._clear_cache)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_info, 1)
        cache_row.addWidget(self.clear_cache)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("Output device", self.device)
        form.addRow("Audio cache limit", self.cache_mb)
        form.addRow("Audio cache", cache_row)
        return page

    def _window_page(self, settings: Settings) -> QWidget:
        self.close_to_tray = QCheckBox("Closing the window keeps Reader in the tray")
        self.close_to_tray.setAccessibleName("Close to tray")
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.announce_sentences = QCheckBox("Screen readers announce each sentence as it is heard")
        self.announce_sentences.setToolTip(
            "Off by default, so a screen reader does not talk over the voice"
        )
        self.announce_sentences.setChecked(settings.announce_sentences)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("", self.close_to_tray)
        form.addRow("", self.announce_sentences)
        return page

    def settings(self, current: Settings | None = None) -> Settings:
        """The edited settings (what OK keeps), over `current` (those in force now: the
        toolbar and "Save server" may have changed some since the dialog opened)."""
        return dataclasses.replace(
            current or self._settings,
            speed=round(self.speed.value(), 2),
            sentence_pause_ms=self.sentence_pause.value(),
            paragraph_pause_ms=self.paragraph_pause.value(),
            markdown=self.markdown.isChecked(),
            output_device=str(self.device.currentData()),
            cache_mb=self.cache_mb.value(),
            close_to_tray=self.close_to_tray.isChecked(),
            announce_sentences=self.announce_sentences.isChecked(),
            endpoints=self.servers.endpoints,
            global_shortcuts=self.shortcuts.enabled.isChecked(),
            shortcuts=self.shortcuts.keys(),
        )

    @Slot()
    def _clear_cache(self) -> None:
        self.clear_cache.setEnabled(False)
        self.cache_info.setText("Clearing…")
        self._background.run("clear cache", self._cache.clear, "Clearing the cache")

    @Slot(str, object, object)
    def _on_finished(self, tag: str, result: Any, error: ReaderError | None) -> None:
        if error is not None:
            target = self.cache_info if "cache" in tag else self.device
            target.setToolTip(str(error))
            if target is self.cache_info:
                self.cache_info.setText(str(error))
            return
        if tag == "devices":
            current = self.device.currentData()
            for name in result:
                if self.device.findData(name) < 0:
                    self.device.addItem(name, name)
            self.device.setCurrentIndex(max(0, self.device.findData(current)))
        elif tag == "cache size":
            entries, size = result
            self.cache_info.setText(f"{entries} readings, {size / 1_048_576:.1f} MB")
        elif tag == "clear cache":
            self.clear_cache.setEnabled(True)
            self.cache_info.setText(f"Cleared ({result / 1_048_576:.1f} MB freed).")
