"""What the composition root wires: the person's shortcuts and the media player, kept in
step with the settings and the player."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Slot

from reader.desktop.bus import SessionBus
from reader.desktop.mpris import MediaPlayer
from reader.desktop.portal import PortalShortcuts, portal_version
from reader.desktop.shortcuts import NO_BACKEND, Backend, make_backend, platform_kind
from reader.reading.engine import Reading
from reader.settings import SHORTCUT_ACTIONS, Settings

log = logging.getLogger(__name__)

# What each desktop offers, shown while the shortcuts are off.
_OFFERED = {
    "x11": "On X11 Reader grabs these keys itself.",
    "wayland": "Reader asks the desktop for these keys (its GlobalShortcuts portal); the "
    "desktop may ask you to confirm them.",
    "windows": "Reader registers these keys with Windows.",
    "macos": "Reader registers these keys with macOS.",
}


class Desktop(QObject):
    """Registers the shortcuts the settings ask for and runs `actions[id]` when one is
    pressed; `show_line` shows a line a person should read (a key that could not be had).
    `status()` is what the Shortcuts page says about this desktop. Where there is a
    session bus it is also the MPRIS player, whose buttons run the same actions ("raise"
    too) and whose artist is `voice()`."""

    def __init__(
        self,
        actions: Mapping[str, Callable[[], object]],
        show_line: Callable[[str], None],
        voice: Callable[[], str] = lambda: "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._actions = actions
        self._media = _media_player(actions, voice, self)
        self._show_line = show_line
        self._backend: Backend | None = None
        self._why_none = ""
        self._problems: list[str] = []
        self._keys: dict[str, str] = {}

    @Slot(str)
    def follow_state(self, state: str) -> None:
        """The player's state (reader.ui.player.Player.state_changed)."""
        if self._media is not None:
            self._media.follow_state(state)

    @Slot(object)
    def follow_reading(self, reading: Reading) -> None:
        """A reading just started (reader.ui.player.Player.reading_started)."""
        if self._media is not None:
            self._media.follow_reading(reading)

    def configure_action(self) -> Callable[[], object] | None:
        """What opens the desktop's own dialog for Reader's shortcuts, where it has one
        (the GlobalShortcuts portal from version 2)."""
        backend = self._backend
        if isinstance(backend, PortalShortcuts) and backend.version >= 2:
            return backend.configure
        return None

    def status(self) -> str:
        if self._backend is not None:
            lines = [f"Registered through {self._backend.name}.", *self._problems]
            return "\n".join(lines)
        if self._why_none:
            return self._why_none
        kind = platform_kind()
        if kind == "wayland" and portal_version() == 0:
            return NO_BACKEND  # GNOME 47 and older, Sway, Cinnamon…
        return _OFFERED.get(kind, NO_BACKEND)

    @Slot(object, object)
    def apply(self, settings: Settings, old: Settings | None = None) -> None:
        """Follow the settings: register, change or drop the shortcuts."""
        doubled: list[str] = []
        keys = _unique(settings.shortcuts, doubled.append) if settings.global_shortcuts else {}
        if keys == self._keys:
            return
        self._keys = keys
        if not keys:
            self._close_backend()
            return
        if self._backend is None:
            self._backend, self._why_none = make_backend(self._activated, self._report, self)
            if self._backend is None:
                self._show_line(self._why_none)
                return
        self._problems = []
        for line in [*doubled, *self._backend.bind(keys)]:
            self._report(line)

    def _report(self, line: str) -> None:
        log.warning("shortcuts: %s", line)
        if line not in self._problems:
            self._problems.append(line)
        self._show_line(line)

    def _activated(self, action: str) -> None:
        run = self._actions.get(action)
        if run is not None:
            run()

    def _close_backend(self) -> None:
        if self._backend is not None:
            self._backend.close()
        self._backend = None
        self._problems = []

    def close(self) -> None:
        self._close_backend()
        if self._media is not None:
            self._media.close()


def _unique(shortcuts: Mapping[str, str], report: Callable[[str], None]) -> dict[str, str]:
    """The chosen keys, each once: a key given to two actions stays with the first."""
    labels = {action: label for action, label, _ in SHORTCUT_ACTIONS}
    owner: dict[str, str] = {}  # key → the action it went to
    for action, key in shortcuts.items():
        if not key:
            continue
        if key in owner:
            first, second = labels.get(owner[key], owner[key]), labels.get(action, action)
            report(f"{key} is set for both {first} and {second}; it stays with {first}.")
            continue
        owner[key] = action
    return {action: key for key, action in owner.items()}


def _media_player(
    actions: Mapping[str, Callable[[], object]], voice: Callable[[], str], parent: QObject
) -> MediaPlayer | None:
    """MPRIS where there is a session bus (Linux, the BSDs); None elsewhere."""
    if sys.platform in ("win32", "darwin"):
        return None
    try:
        bus = SessionBus(parent=parent)
    except Exception as error:  # no session bus: media keys are simply not offered
        log.info("no session bus, so no media keys: %s", error)
        return None
    return MediaPlayer(bus, actions, voice, parent)
