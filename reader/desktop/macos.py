"""System-wide shortcuts on macOS: Carbon's `RegisterEventHotKey`, through ctypes.

Carbon's hot keys need no Accessibility permission (an event tap would). Their handler
runs on the main run loop, which Qt's event loop drives: the GUI thread. As in Qt on the
Mac, "Ctrl" is the Command key and "Meta" the Control key. Key codes are the US layout's
(kVK_ANSI_*), as Carbon's are. Untested on macOS so far (the test bed is Linux); the
README says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject

from reader.desktop.keys import parse_key

log = logging.getLogger(__name__)

_CMD, _SHIFT, _OPTION, _CONTROL = 0x100, 0x200, 0x800, 0x1000
_MODIFIERS = {"Ctrl": _CMD, "Shift": _SHIFT, "Alt": _OPTION, "Meta": _CONTROL}
_HOT_KEY_EXISTS = -9878  # eventHotKeyExistsErr


def _four(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


_KEYBOARD, _HOT_KEY_PRESSED = _four("keyb"), 5
_DIRECT_OBJECT, _HOT_KEY_ID = _four("----"), _four("hkid")
_SIGNATURE = _four("Rdr ")
_LETTERS = "asdfhgzxcv?bqweryt"  # kVK_ANSI_A (0x00) … kVK_ANSI_T (0x11); 0x0A is not a letter
_KEYS = {ch: code for code, ch in enumerate(_LETTERS) if ch != "?"} | {
    "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "=": 0x18, "9": 0x19,
    "7": 0x1A, "-": 0x1B, "8": 0x1C, "0": 0x1D, "]": 0x1E, "o": 0x1F, "u": 0x20, "[": 0x21,
    "i": 0x22, "p": 0x23, "l": 0x25, "j": 0x26, "'": 0x27, "k": 0x28, ";": 0x29, "\\": 0x2A,
    ",": 0x2B, "/": 0x2C, "n": 0x2D, "m": 0x2E, ".": 0x2F, "`": 0x32,
    "Return": 0x24, "Enter": 0x24, "Tab": 0x30, "Space": 0x31, "Backspace": 0x33,
    "Esc": 0x35, "Left": 0x7B, "Right": 0x7C, "Down": 0x7D, "Up": 0x7E, "Home": 0x73,
    "End": 0x77, "PgUp": 0x74, "PgDown": 0x79, "Del": 0x75,
    "F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61, "F7": 0x62,
    "F8": 0x64, "F9": 0x65, "F10": 0x6D, "F11": 0x67, "F12": 0x6F,
}  # fmt: skip


class _HotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class _EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def key_code(key: str) -> int | None:
    return _KEYS.get(key.lower() if len(key) == 1 else key)


class MacShortcuts(QObject):
    """Registers the keys with Carbon; `on_activated(action)` runs on the GUI thread."""

    name = "macOS hot keys"

    def __init__(self, on_activated: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        path = ctypes.util.find_library("Carbon")
        if path is None:
            raise OSError("Carbon is not available")
        self._carbon: Any = ctypes.CDLL(path)
        self._carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        self._carbon.RegisterEventHotKey.argtypes = [
            ctypes.c_uint32, ctypes.c_uint32, _HotKeyID, ctypes.c_void_p, ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        self._carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        self._on_activated = on_activated
        self._refs: dict[int, tuple[str, ctypes.c_void_p]] = {}
        self._handler = _HANDLER(self._on_event)  # kept: Carbon holds only the pointer
        spec = _EventTypeSpec(_KEYBOARD, _HOT_KEY_PRESSED)
        target = self._carbon.GetApplicationEventTarget()
        status = self._carbon.InstallEventHandler(
            ctypes.c_void_p(target), self._handler, 1, ctypes.byref(spec), None, None
        )
        if status != 0:
            raise OSError(f"InstallEventHandler failed ({status})")
        self._target = target

    def _on_event(self, _call: object, event: object, _data: object) -> int:
        hot_key = _HotKeyID()
        self._carbon.GetEventParameter(
            ctypes.c_void_p(event),  # type: ignore[arg-type]
            _DIRECT_OBJECT, _HOT_KEY_ID, None, ctypes.sizeof(hot_key), None,
            ctypes.byref(hot_key),
        )  # fmt: skip
        found = self._refs.get(hot_key.id)
        if found is not None:
            self._on_activated(found[0])
        return 0

    def bind(self, keys: Mapping[str, str]) -> list[str]:
        self._unregister()
        problems = []
        for number, (action, key) in enumerate(keys.items(), start=1):
            modifier_names, key_name = parse_key(key)
            code = key_code(key_name)
            if code is None or modifier_names - set(_MODIFIERS):
                problems.append(f"{key}: this Mac has no such key; choose another.")
                continue
            modifiers = 0
            for name in modifier_names:
                modifiers |= _MODIFIERS[name]
            ref = ctypes.c_void_p()
            status = self._carbon.RegisterEventHotKey(
                code, modifiers, _HotKeyID(_SIGNATURE, number), self._target, 0, ctypes.byref(ref)
            )
            if status == _HOT_KEY_EXISTS:
                problems.append(
                    f"{key} is already taken by another program; choose another key for it."
                )
            elif status != 0:
                problems.append(f"{key} could not be registered (Carbon error {status}).")
            else:
                self._refs[number] = (action, ref)
        return problems

    def _unregister(self) -> None:
        for _, ref in self._refs.values():
            self._carbon.UnregisterEventHotKey(ref)
        self._refs.clear()

    def close(self) -> None:
        self._unregister()
