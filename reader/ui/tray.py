"""The tray icon: the reading actions and the window, a click away from any application."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget


class Tray(QSystemTrayIcon):
    """A tray icon whose menu carries the window's own actions (one source of truth for
    their state and shortcuts) plus Show window."""

    def __init__(
        self, icon: QIcon, actions: list[QAction | None], show_action: QAction, parent: QWidget
    ) -> None:
        super().__init__(icon, parent)
        self.setToolTip("Reader")
        menu = QMenu(parent)
        menu.setAccessibleName("Reader tray menu")
        menu.addAction(show_action)
        menu.addSeparator()
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        self.setContextMenu(menu)
        self._show_action = show_action
        self.activated.connect(self._on_activated)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self._show_action.trigger()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()
