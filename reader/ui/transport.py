"""The transport row: previous, play/pause, replay, next and stop, following the reading."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QPushButton, QToolButton, QWidget

from reader.ui.actions import WindowActions

ACTIVE_STATES = ("preparing", "connecting", "playing", "buffering", "paused")


def _tool_button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)  # shows the action's words: no glyph a font may lack
    button.setAccessibleName(action.text().replace("&", ""))
    button.setToolTip(action.toolTip())
    return button


class Transport(QWidget):
    """Buttons bound to the window's actions; `show_state` enables what a state allows."""

    def __init__(self, actions: WindowActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        # No accessible name: the button's text (Play, Pause, Resume, Cancel) is its name,
        # so a screen reader says what pressing it does now.
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause (Ctrl+Space, or Space outside the text)")
        self.play_button.clicked.connect(actions.play.trigger)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop reading (Esc)")
        self.stop_button.clicked.connect(actions.stop.trigger)
        self.previous_button = _tool_button(actions.previous)
        self.replay_button = _tool_button(actions.replay)
        self.next_button = _tool_button(actions.next)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in self.buttons():
            layout.addWidget(widget)
        layout.addStretch(1)
        self._state = "stopped"
        self._has_text = False
        self.show_state("stopped")

    def buttons(self) -> list[QAbstractButton]:
        """Left to right, as Tab visits them."""
        return [
            self.previous_button,
            self.play_button,
            self.replay_button,
            self.next_button,
            self.stop_button,
        ]

    def set_has_text(self, has_text: bool) -> None:
        """Whether the box holds words: with none, Play has nothing to do and is greyed."""
        self._has_text = has_text
        self.show_state(self._state)

    def show_state(self, state: str) -> None:
        """A reading's State value ("playing", "paused", "finished"…)."""
        self._state = state
        active = state in ACTIVE_STATES
        self._actions.play.setEnabled(active or self._has_text)
        self.play_button.setEnabled(active or self._has_text)
        # While the text is prepared there is nothing to pause or skip yet: the button
        # cancels (MainWindow._play_or_pause).
        preparing = state == "preparing"
        label = "Resume" if state == "paused" else "Cancel" if preparing else "Pause"
        self.play_button.setText(label if active else "Play")
        self.stop_button.setEnabled(active)
        for action in self._actions.transport():
            action.setEnabled(active and (action is self._actions.stop or not preparing))
