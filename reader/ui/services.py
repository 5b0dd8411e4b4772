"""What the window's dialogs need from the app (registry, keys, settings file) and how a
changed setting reaches the parts that use it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from reader.audio.output import OutputFactory
from reader.errors import ReaderError
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.registry import Registry
from reader.settings import Endpoint, Settings, SettingsFile
from reader.ui.player import Player

if TYPE_CHECKING:
    from reader.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


class Services(QObject):
    """Holds the settings in force, opens the settings dialog, and applies what it returns:
    saved to the file, then handed to the reading factory and the player's output. The
    window follows `settings_changed` itself (its tray behaviour, the voice bar's
    servers), so this knows no window.

    Signals:
        settings_changed(object, object): the Settings now in force, and the ones before.
        save_failed(str): a line saying why the settings could not be saved.
        keys_changed(): a key was set or removed in the dialog (it is in the keyring
            already, whether the dialog ends with OK or Cancel): providers made with the
            old one must be made again.
    """

    settings_changed = Signal(object, object)
    save_failed = Signal(str)
    keys_changed = Signal()

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
        self.dialog: SettingsDialog | None = None
        # What the Shortcuts page says about this desktop (set by the composition root).
        self.shortcut_status: Callable[[], str] = lambda: ""
        self.shortcut_configure: Callable[[], Callable[[], object] | None] = lambda: None

    def open_settings(
        self,
        parent: QWidget,
        page: str,
        key_place: tuple[str, str | None] | None = None,
        item: str | None = None,
    ) -> None:
        """Open the dialog at `page`; on the Keys page with `key_place`'s row (provider id,
        server address) selected, the key a rejection was about; on Servers or Voices with
        `item`'s row (a server's address, a voice's name)."""
        from reader.ui.settings_dialog import SettingsDialog  # not needed for the first frame

        if self.dialog is not None:
            self.dialog.show_page(page, key_place)
            self.dialog.raise_()
            self._select(page, item)
            return
        dialog = SettingsDialog(
            self.settings,
            self.registry,
            self.keys,
            self.redactor,
            self._player.readings.cache,
            self._devices,
            page,
            parent,
            self.shortcut_status(),
            self.shortcut_configure(),
            key_place,
        )
        dialog.accepted.connect(self._accepted)
        dialog.servers.endpoints_saved.connect(self._endpoints_saved)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()
        self._select(page, item)

    def _select(self, page: str, item: str | None) -> None:
        dialog = self.dialog
        if dialog is not None and item is not None and page == "servers":
            dialog.servers.select(item)
        elif dialog is not None and item is not None and page == "voices":
            dialog.voices.select(item)

    @Slot()
    def _accepted(self) -> None:
        if self.dialog is not None:
            self.apply(self.dialog.settings(self.settings))

    @Slot(object)
    def _endpoints_saved(self, endpoints: tuple[Endpoint, ...]) -> None:
        """ "Save server" keeps the server at once (the voice bar lists it), OK or not."""
        self.apply(dataclasses.replace(self.settings, endpoints=endpoints))

    @Slot()
    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
            if dialog.keys_changed:
                self.keys_changed.emit()

    def apply(self, settings: Settings) -> None:
        """Make `settings` the ones in force, and save them."""
        old, self.settings = self.settings, settings
        self._player.readings.update(settings)
        if settings.output_device != old.output_device:
            self._player.set_output(self._make_output(settings.output_device))
        self.save()
        self.settings_changed.emit(settings, old)

    def remember_voices(
        self,
        favourites: dict[str, list[str]],
        recent: dict[str, list[str]],
        chosen: dict[str, str] | None = None,
    ) -> None:
        """The voice menu's marks, and the voice last chosen per provider (`chosen`)."""
        self.settings = dataclasses.replace(
            self.settings,
            favourite_voices=favourites,
            recent_voices=recent,
            chosen_voices=self.settings.chosen_voices if chosen is None else dict(chosen),
        )
        self.save()

    def remember_choice(
        self, provider: str, base_url: str | None, model: str, voice: str, speed: float
    ) -> None:
        """The toolbar's choice of who reads: written through to the file at once, so it is
        the one in force at the next start."""
        chosen = dataclasses.replace(
            self.settings,
            provider=provider,
            base_url=base_url or "",
            model=model,
            voice=voice,
            speed=speed,
        )
        if chosen != self.settings:  # (the readings take these from the toolbar itself)
            self.settings = chosen
            self.save()

    def save(self) -> None:
        if self._file is None:
            return
        try:
            self._file.save(self.settings)
        except (OSError, ReaderError) as error:
            log.warning("The settings could not be saved: %s", error)
            self.save_failed.emit(f"The settings could not be saved: {error}")
