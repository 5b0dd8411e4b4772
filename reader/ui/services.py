"""What the window's dialogs need from the app (registry, keys, settings file) and how a
changed setting reaches the parts that use it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from reader.audio.output import OutputFactory
from reader.errors import ReaderError
from reader.keys import KeyStore
from reader.player import Player
from reader.providers.registry import Registry
from reader.redact import Redactor
from reader.settings import Settings, SettingsFile

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow
    from reader.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


class Services(QObject):
    """Holds the settings in force, opens the settings dialog, and applies what it returns:
    saved to the file, then handed to the reading factory, the player's output, the voice
    bar's servers and the window's tray behaviour.

    Signals:
        settings_changed(object): the Settings now in force.
    """

    settings_changed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        keys: KeyStore | None,
        redactor: Redactor,
        settings_file: SettingsFile | None,
        devices: Callable[[], list[str]],
        make_output: Callable[[str], OutputFactory],
        player: Player,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.registry = registry
        self.keys = keys
        self.redactor = redactor
        self._file = settings_file
        self._devices = devices
        self._make_output = make_output
        self._player = player
        self.window: MainWindow | None = None
        self.dialog: SettingsDialog | None = None

    def open_settings(self, window: MainWindow, page: str) -> None:
        from reader.ui.settings_dialog import SettingsDialog  # not needed for the first frame

        if self.dialog is not None:
            self.dialog.show_page(page)
            self.dialog.raise_()
            return
        self.window = window
        dialog = SettingsDialog(
            self.settings,
            self.registry,
            self.keys,
            self.redactor,
            self._player.readings.cache,
            self._devices,
            page,
            window,
        )
        dialog.accepted.connect(self._accepted)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _accepted(self) -> None:
        if self.dialog is not None:
            self.apply(self.dialog.settings())

    @Slot()
    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def apply(self, settings: Settings) -> None:
        """Make `settings` the ones in force, and save them."""
        old, self.settings = self.settings, settings
        self._player.readings.update(settings)
        if settings.output_device != old.output_device:
            self._player.set_output(self._make_output(settings.output_device))
        window = self.window
        if window is not None:
            window.keep_in_tray = settings.close_to_tray and window.tray_shown()
            if window.voice_bar is not None and settings.endpoints != old.endpoints:
                window.voice_bar.set_endpoints(settings.endpoints)
        self.save()
        self.settings_changed.emit(settings)

    def remember_voices(
        self, favourites: dict[str, list[str]], recent: dict[str, list[str]]
    ) -> None:
        self.settings = dataclasses.replace(
            self.settings, favourite_voices=favourites, recent_voices=recent
        )
        self.save()

    def save(self) -> None:
        if self._file is None:
            return
        try:
            self._file.save(self.settings)
        except (OSError, ReaderError) as error:
            log.warning("The settings could not be saved: %s", error)
            if self.window is not None:
                self.window.status.setText(f"The settings could not be saved: {error}")
