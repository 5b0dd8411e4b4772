"""The primary selection on Wayland, where Qt cannot read it from the background.

A Wayland app sees the selection only while it has keyboard focus, and a shortcut pressed
in another window leaves it without. `wl-paste` (wl-clipboard) reads it through the
compositor's data-control protocol (KDE, wlroots, Hyprland, COSMIC); where that is
missing, or wl-paste is not installed or does not answer, the clipboard is read
instead, and the first time a line says why.
"""

from __future__ import annotations

import logging
import subprocess

from PySide6.QtGui import QClipboard, QGuiApplication

log = logging.getLogger(__name__)

COMMAND = ("wl-paste", "--primary", "--no-newline")
TIMEOUT_S = 1.0  # it answers in milliseconds; a compositor that never does costs this much
EMPTY = "The selection holds no text to read."


class WaylandSelection:
    """`read()` → (the text, a line to show or ""), like reader.ui.clipboard.system_text."""

    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self._timeout_s = timeout_s
        self._noted = False

    def read(self) -> tuple[str, str]:
        try:
            done = subprocess.run(
                COMMAND, capture_output=True, timeout=self._timeout_s, stdin=subprocess.DEVNULL
            )
        except FileNotFoundError:
            return self._clipboard("install wl-clipboard to read the selection on Wayland")
        except subprocess.TimeoutExpired:
            return self._clipboard(f"wl-paste did not answer within {self._timeout_s:g} s")
        except OSError as error:
            return self._clipboard(f"wl-paste could not run ({error.strerror})")
        problem = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode == 0:
            text = done.stdout.decode("utf-8", "replace")
            log.debug("read %d characters from the selection through wl-paste", len(text))
            return (text, "") if text.strip() else ("", EMPTY)
        if "No selection" in problem:
            return "", EMPTY
        return self._clipboard(problem.splitlines()[-1] if problem else "wl-paste failed")

    def _clipboard(self, why: str) -> tuple[str, str]:
        log.info("reading the clipboard instead of the selection: %s", why)
        note = ""
        if not self._noted:
            self._noted = True
            note = f"Reading the clipboard: the selection cannot be read here ({why})."
        text = QGuiApplication.clipboard().text(QClipboard.Mode.Clipboard)
        if not text.strip():
            return "", "The clipboard holds no text to read."
        return text, note
