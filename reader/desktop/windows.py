"""System-wide shortcuts on Windows: `RegisterHotKey` and a native event filter.

Registered with no window, each key posts WM_HOTKEY to the GUI thread's queue, which
Qt's event dispatcher hands to native event filters. MOD_NOREPEAT: a held key posts once.
Untested on Windows so far (the test bed is Linux); the README says so.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, QObject

from reader.desktop.keys import parse_key

log = logging.getLogger(__name__)

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_MODIFIERS = {"Ctrl": MOD_CONTROL, "Alt": MOD_ALT, "Shift": MOD_SHIFT, "Meta": MOD_WIN}
_KEYS = {
    "Space": 0x20, "Esc": 0x1B, "Return": 0x0D, "Enter": 0x0D, "Tab": 0x09,
    "Left": 0x25, "Up": 0x26, "Right": 0x27, "Down": 0x28, "Home": 0x24, "End": 0x23,
    "PgUp": 0x21, "PgDown": 0x22, "Ins": 0x2D, "Del": 0x2E,
    ",": 0xBC, ".": 0xBE, "-": 0xBD, "=": 0xBB, ";": 0xBA, "/": 0xBF, "`": 0xC0,
    "[": 0xDB, "\\": 0xDC, "]": 0xDD, "'": 0xDE,
    "Media Play": 0xB3, "Toggle Media Play/Pause": 0xB3, "Media Stop": 0xB2,
    "Media Next": 0xB0, "Media Previous": 0xB1,
}  # fmt: skip


def virtual_key(key: str) -> int:
    """The Windows virtual-key code for Qt's key name, 0 if none."""
    if key in _KEYS:
        return _KEYS[key]
    if len(key) == 1 and key.isascii() and key.isalnum():
        return ord(key.upper())
    if key.startswith("F") and key[1:].isdigit() and 1 <= int(key[1:]) <= 24:
        return 0x70 + int(key[1:]) - 1
    return 0


def _user32() -> Any:
    loader = getattr(ctypes, "WinDLL", None)  # Windows only
    if loader is None:
        raise OSError("RegisterHotKey exists only on Windows")
    return loader("user32", use_last_error=True)


class _MSG(ctypes.Structure):
    _fields_ = [
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint),
        ("wParam", ctypes.c_size_t),
        ("lParam", ctypes.c_ssize_t),
        ("time", ctypes.c_ulong),
        ("pt_x", ctypes.c_long),
        ("pt_y", ctypes.c_long),
    ]


class _HotKeyFilter(QAbstractNativeEventFilter):
    def __init__(self, on_hotkey: Callable[[int], None]) -> None:
        super().__init__()
        self._on_hotkey = on_hotkey

    def nativeEventFilter(
        self, eventType: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> object:
        kind = eventType.data() if isinstance(eventType, QByteArray) else bytes(eventType)
        if kind in (b"windows_generic_MSG", b"windows_dispatcher_MSG"):
            msg = _MSG.from_address(int(message))
            if msg.message == WM_HOTKEY:
                self._on_hotkey(int(msg.wParam))
                return True, 0
        return False, 0


class WindowsShortcuts(QObject):
    """Registers the keys with Windows; `on_activated(action)` runs on the GUI thread."""

    name = "Windows hotkeys"

    def __init__(self, on_activated: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._user32 = _user32()
        self._on_activated = on_activated
        self._ids: dict[int, str] = {}
        self._filter = _HotKeyFilter(self._hotkey)
        application = QCoreApplication.instance()
        if application is not None:
            application.installNativeEventFilter(self._filter)

    def bind(self, keys: Mapping[str, str]) -> list[str]:
        self._unregister()
        problems = []
        for number, (action, key) in enumerate(keys.items(), start=1):
            modifier_names, key_name = parse_key(key)
            code = virtual_key(key_name)
            if not code or modifier_names - set(_MODIFIERS):
                problems.append(f"{key}: Windows has no such key; choose another.")
                continue
            modifiers = MOD_NOREPEAT
            for name in modifier_names:
                modifiers |= _MODIFIERS[name]
            if not self._user32.RegisterHotKey(None, number, modifiers, code):
                error = getattr(ctypes, "get_last_error")()  # noqa: B009 (Windows only)
                if error == ERROR_HOTKEY_ALREADY_REGISTERED:
                    problems.append(
                        f"{key} is already taken by another program; choose another key for it."
                    )
                else:
                    problems.append(f"{key} could not be registered (Windows error {error}).")
                continue
            self._ids[number] = action
        return problems

    def _hotkey(self, number: int) -> None:
        action = self._ids.get(number)
        if action is not None:
            self._on_activated(action)

    def _unregister(self) -> None:
        for number in self._ids:
            self._user32.UnregisterHotKey(None, number)
        self._ids.clear()

    def close(self) -> None:
        self._unregister()
        application = QCoreApplication.instance()
        if application is not None:
            application.removeNativeEventFilter(self._filter)
