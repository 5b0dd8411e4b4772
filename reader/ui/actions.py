"""The window's actions (one QAction per thing a person can do) and its menus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


def make_action(
    window: QMainWindow, label: str, tip: str, keys: list[str], slot: Callable[[], object]
) -> QAction:
    """An action with its shortcuts shown in its tooltip, active anywhere in the window."""
    action = QAction(label, window)
    action.setShortcuts([QKeySequence(key) for key in keys])
    shown = ", ".join(
        QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in keys
    )
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work wherever the focus is in the window
    return action


class WindowActions:
    """Every action of the main window, made once; menus, buttons and the tray share them."""

    def __init__(self, window: QMainWindow, slots: dict[str, Callable[[], object]]) -> None:
        def make(name: str, label: str, tip: str, keys: list[str]) -> QAction:
            return make_action(window, label, tip, keys, slots[name])

        self.play = make("play", "&Play / Pause", "Play or pause", ["Ctrl+Space", "Space"])
        self.stop = make("stop", "&Stop", "Stop reading", ["Esc"])
        self.previous = make("previous", "P&revious sentence", "Go back one sentence", ["Alt+Left"])
        self.next = make("next", "&Next sentence", "Skip to the next sentence", ["Alt+Right"])
        self.replay = make("replay", "Re&play sentence", "Hear this sentence again", ["Ctrl+R"])
        self.clipboard = make(
            "clipboard", "Read &clipboard", "Read the text on the clipboard", ["Ctrl+Shift+V"]
        )
        self.selection = make(
            "selection",
            "Read s&election",
            "Read the text selected in any application",
            ["Ctrl+Shift+R"],
        )
        self.export = make(
            "export", "&Export audio…", "Save the text (or selection) as audio", ["Ctrl+E"]
        )
        self.settings = make(
            "settings", "Se&ttings…", "Keys, servers, defaults, audio device", ["Ctrl+,"]
        )
        self.show_window = make("show", "Show &window", "Bring the window to the front", [])
        self.quit = make("quit", "&Quit", "Quit Reader", ["Ctrl+Q"])
        self.about = make_action(
            window,
            "&About Reader…",
            "Version, licences, and where Reader keeps its files",
            [],
            lambda: _show_about(window),
        )

    def transport(self) -> list[QAction]:
        """The actions that only make sense while a reading runs."""
        return [self.stop, self.previous, self.next, self.replay]

    def build_menus(
        self, window: QMainWindow, open_voice_menu: Callable[[], object] | None = None
    ) -> QMenu:
        """File, Reading and Help menus; with `open_voice_menu`, Reading → Choose voice…
        (Ctrl+Shift+O) opens the toolbar's voice menu. Returns the Reading menu."""
        file_menu = window.menuBar().addMenu("&File")
        for action in (self.export, self.settings):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        reading = window.menuBar().addMenu("&Reading")
        for action in (self.clipboard, self.selection):
            reading.addAction(action)
        reading.addSeparator()
        for action in (self.play, self.stop, self.previous, self.replay, self.next):
            reading.addAction(action)
        if open_voice_menu is not None:
            reading.addSeparator()
            keys = ["Ctrl+Shift+O"]
            tip = "Open the voice menu"
            reading.addAction(make_action(window, "Choose &voice…", tip, keys, open_voice_menu))
        window.menuBar().addMenu("&Help").addAction(self.about)
        return reading

    def for_tray(self) -> list[QAction | None]:
        return [self.clipboard, self.selection, None, self.play, self.stop, None, self.quit]


def _show_about(window: QMainWindow) -> None:
    from reader.ui.about import show_about  # read when asked: it lists every licence

    show_about(window)
