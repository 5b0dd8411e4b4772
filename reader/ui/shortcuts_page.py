"""Settings → Shortcuts: the keys Reader registers system-wide, and how to bind one by hand
where the desktop does not let it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.settings import SHORTCUT_ACTIONS, Settings
from reader.ui.announce import ValueLabel


def reader_command(action: str = "read-selection") -> str:
    """The command a desktop's own shortcut runs: it hands the request to the window."""
    program = shutil.which("reader") or f"{sys.executable} -m reader"
    return f"{program} gui --{action}"


_MEDIA_KEYS = "org.gnome.settings-daemon.plugins.media-keys"
_GNOME_PATH = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/reader/"


def add_gnome_shortcut(name: str, command: str, binding: str) -> str:
    """Add (or update) Reader's custom shortcut in GNOME's keyboard settings; the line to
    show. GNOME runs the command, which hands the request to the running window."""

    def gsettings(*args: str) -> str:
        done = subprocess.run(
            ["gsettings", *args], capture_output=True, text=True, timeout=5, check=True
        )
        return done.stdout.strip()

    try:
        listed = gsettings("get", _MEDIA_KEYS, "custom-keybindings").removeprefix("@as ")
        paths = list(ast.literal_eval(listed))
        if _GNOME_PATH not in paths:
            gsettings("set", _MEDIA_KEYS, "custom-keybindings", str([*paths, _GNOME_PATH]))
        schema = f"{_MEDIA_KEYS}.custom-keybinding:{_GNOME_PATH}"
        for key, value in (("name", name), ("command", command), ("binding", binding)):
            gsettings("set", schema, key, value)
    except (OSError, ValueError, SyntaxError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return f"GNOME's shortcut could not be added: {detail.strip()}"
    return "Added to GNOME's keyboard shortcuts: Ctrl+Alt+R reads the selection."


class ShortcutsPage(QWidget):
    """Edits `global_shortcuts` and `shortcuts`; `status` is what the desktop integration
    says about this desktop (the backend in use, or why there is none)."""

    def __init__(
        self,
        settings: Settings,
        status: str,
        configure: Callable[[], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("Reader registers these shortcuts for the whole desktop")
        self.enabled.setAccessibleName("System-wide shortcuts")
        self.enabled.setChecked(settings.global_shortcuts)
        self.status = ValueLabel("Shortcuts status", status)
        self.status.setWordWrap(True)
        form = QFormLayout()
        self.edits: dict[str, QKeySequenceEdit] = {}
        for action, label, default in SHORTCUT_ACTIONS:
            edit = QKeySequenceEdit(QKeySequence(settings.shortcuts.get(action, default)))
            edit.setMaximumSequenceLength(1)
            edit.setAccessibleName(label)
            # Its inner line edit is what takes the focus: a screen reader names that.
            for inner in edit.findChildren(QLineEdit):
                inner.setAccessibleName(label)
            clear = QToolButton()
            clear.setText("Clear")
            clear.setAccessibleName(f"Clear {label}")
            clear.clicked.connect(edit.clear)
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(clear)
            form.addRow(label, row)
            self.edits[action] = edit
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addLayout(form)
        layout.addWidget(self.status)
        if configure is not None:
            # The desktop keeps the real keys (the person may have changed them there).
            self.change = QPushButton("Change in the desktop's settings…")
            self.change.setAccessibleName("Change the shortcuts in the desktop's settings")
            self.change.clicked.connect(configure)
            layout.addWidget(self.change)
        layout.addWidget(self._manual_binding())
        layout.addStretch(1)

    def _manual_binding(self) -> QWidget:
        """The command to bind by hand, a line for Sway/Hyprland, and GNOME's button."""
        box = QWidget()
        form = QFormLayout(box)
        command = reader_command()
        self.command = QLineEdit(command)
        self.command.setReadOnly(True)
        self.command.setAccessibleName("Command to bind by hand")
        self.sway = QLineEdit(f"bindsym Ctrl+Alt+r exec {command}")
        self.sway.setReadOnly(True)
        self.sway.setAccessibleName("Sway line")
        self.hyprland = QLineEdit(f"bind = CTRL ALT, R, exec, {command}")
        self.hyprland.setReadOnly(True)
        self.hyprland.setAccessibleName("Hyprland line")
        self.gnome = QPushButton("Add to GNOME's shortcuts (Ctrl+Alt+R)")
        self.gnome.setAccessibleName("Add a GNOME shortcut")
        self.gnome.setEnabled(shutil.which("gsettings") is not None)
        self.gnome.clicked.connect(self._add_gnome_shortcut)
        form.addRow("Or bind a key to", self.command)
        form.addRow("Sway (~/.config/sway/config)", self.sway)
        form.addRow("Hyprland (hyprland.conf)", self.hyprland)
        form.addRow("", self.gnome)
        # Only GNOME reads these settings (its flavours say so too: "ubuntu:GNOME").
        on_gnome = "GNOME" in os.environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":")
        form.setRowVisible(self.gnome, on_gnome)
        return box

    @Slot()
    def _add_gnome_shortcut(self) -> None:
        self.status.setText(
            add_gnome_shortcut("Reader: read selection", self.command.text(), "<Ctrl><Alt>r")
        )

    def keys(self) -> dict[str, str]:
        portable = QKeySequence.SequenceFormat.PortableText
        return {
            action: edit.keySequence().toString(portable) for action, edit in self.edits.items()
        }
