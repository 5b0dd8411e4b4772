"""System-wide shortcuts: one interface, and the backend this platform offers.

Every backend takes the person's keys (action id → key in Qt's portable text, see
`reader.settings.SHORTCUT_ACTIONS`) and calls back with the action id on the GUI thread
when one is pressed. What cannot be had (a key taken by another program, a portal that
refused) comes back as lines a person can act on.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

# The line the Shortcuts page shows where no backend works.
NO_BACKEND = (
    "This desktop does not let Reader register shortcuts itself. Bind a key to the "
    "command below in your desktop's keyboard settings."
)


class Backend(Protocol):
    """A platform's system-wide shortcuts."""

    name: str

    def bind(self, keys: Mapping[str, str]) -> list[str]:
        """Register `keys` (replacing earlier ones); one line per key that failed now.
        Backends that answer later report through their `report` callback."""
        ...

    def close(self) -> None: ...


def platform_kind() -> str:
    """ "x11", "wayland", "windows", "macos" or "" (offscreen, unknown)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    platform = QGuiApplication.platformName()
    if platform == "xcb":
        return "x11"
    if platform.startswith("wayland"):
        return "wayland"
    return ""


def make_backend(
    on_activated: Callable[[str], None], report: Callable[[str], None], parent: QObject
) -> tuple[Backend | None, str]:
    """The backend for this platform, or None and a line saying why there is none."""
    kind = platform_kind()
    try:
        if kind == "x11":
            from reader.desktop.x11 import X11Shortcuts

            return X11Shortcuts(on_activated, os.environ.get("DISPLAY"), parent), ""
        if kind == "wayland":
            from reader.desktop.portal import PortalShortcuts

            portal = PortalShortcuts(on_activated, report, parent)
            if portal.available():
                return portal, ""
            portal.close()
            return None, NO_BACKEND
        if kind == "windows":
            from reader.desktop.windows import WindowsShortcuts

            return WindowsShortcuts(on_activated, parent), ""
        if kind == "macos":
            from reader.desktop.macos import MacShortcuts

            return MacShortcuts(on_activated, parent), ""
    except Exception as error:  # a missing library or display: say so, keep the window
        log.warning("system-wide shortcuts are unavailable: %s", error)
        return None, f"System-wide shortcuts are unavailable here ({error})."
    return None, NO_BACKEND
