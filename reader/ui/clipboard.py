"""Text from the system: the clipboard, or the primary selection where the system has one."""

from __future__ import annotations

import logging

from PySide6.QtGui import QClipboard, QGuiApplication

log = logging.getLogger(__name__)


def system_text(selection: bool) -> tuple[str, str]:
    """(the text, a line to show or ""). Without a primary selection (Windows, macOS,
    some Wayland compositors) the clipboard is read instead, and the line says so."""
    clipboard = QGuiApplication.clipboard()
    note = ""
    mode = QClipboard.Mode.Selection if selection else QClipboard.Mode.Clipboard
    if selection and not clipboard.supportsSelection():
        mode = QClipboard.Mode.Clipboard
        note = "This system has no selection; reading the clipboard."
    text = clipboard.text(mode)
    log.debug("read %d characters from the %s", len(text), mode.name)
    if not text.strip():
        where = "selection" if mode is QClipboard.Mode.Selection else "clipboard"
        return "", f"The {where} holds no text to read."
    return text, note
