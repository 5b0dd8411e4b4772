"""A non-modal line above the text for a problem, with the button that fixes it."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from reader.errors import (
    AudioOutputError,
    KeyProblem,
    NotFound,
    ProviderError,
    ReaderError,
)
from reader.ui.announce import ValueLabel, announce

# What fixes each kind of problem: the banner's button text and where it leads.
FIX_SETTINGS_KEYS = "Open settings"
FIX_DEVICE = "Choose a device"
FIX_VOICE = "Choose a voice"
FIX_RETRY = "Try again"
# An error whose remedy names a Settings page (the voices to install, a server's address)
# gets a second button that opens it there.
FIX_SETTINGS_PAGE = "Open settings"

Fix = tuple[str, Callable[[], None]]  # a button's label, what it does


def fix_for(error: ReaderError) -> str | None:
    """The fixing action's label for `error` (None: nothing better than reading it)."""
    if isinstance(error, KeyProblem):
        return FIX_SETTINGS_KEYS
    if isinstance(error, AudioOutputError):
        return FIX_DEVICE
    if isinstance(error, NotFound):
        return FIX_VOICE
    if isinstance(error, ProviderError):
        return FIX_RETRY
    return None


def breakable(text: str, longest: int = 24) -> str:
    """`text` with a zero-width space every `longest` characters of a long word (a URL, a
    path), where a line may then wrap."""
    return re.sub(rf"(\S{{{longest}}})(?=\S)", "\\1\u200b", text)


class Banner(QFrame):
    """Hidden until `show_problem`; its button runs the fix and hides the banner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Problem")
        self.setAutoFillBackground(True)
        self.message = ValueLabel("Problem")
        self.message.setWordWrap(True)
        # However long the message, it wraps in the width the window has: it asks for none.
        policy = self.message.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.message.setSizePolicy(policy)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.fix_button = QPushButton("")
        self.fix_button.setAccessibleName("Fix the problem")
        # A second way to mend it, when there is one ("Try again" beside "Open settings").
        self.other_fix_button = QPushButton("")
        self.other_fix_button.setAccessibleName("Fix the problem another way")
        self.close_button = QPushButton("Dismiss")
        self.close_button.setAccessibleName("Dismiss the problem")
        self.close_button.setToolTip("Hide this message")
        layout = QHBoxLayout(self)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.fix_button)
        layout.addWidget(self.other_fix_button)
        layout.addWidget(self.close_button)
        self._fixes: list[Callable[[], None]] = []
        self.fix_button.clicked.connect(lambda: self._run_fix(0))
        self.other_fix_button.clicked.connect(lambda: self._run_fix(1))
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def buttons(self) -> list[QPushButton]:
        """Its buttons in Tab order."""
        return [self.fix_button, self.other_fix_button, self.close_button]

    def show_problem(
        self,
        message: str,
        fix_label: str | None = None,
        fix: Callable[[], None] | None = None,
        other: Fix | None = None,
    ) -> None:
        """`message` with up to two buttons: `fix_label` running `fix`, and `other`."""
        # "Settings → Servers" is one place: it wraps as a whole, never at its arrow.
        self.message.setText(breakable(message).replace(" → ", "\u00a0→\u00a0"))
        self.message.setToolTip(message)
        announce(self.message, message, assertive=True)
        shown: list[Fix] = [(fix_label, fix)] if fix_label and fix else []
        shown += [other] if other is not None else []
        self._fixes = [run for _, run in shown]
        for index, button in enumerate((self.fix_button, self.other_fix_button)):
            label = shown[index][0] if index < len(shown) else ""
            button.setText(label)
            button.setAccessibleName(label or "Fix the problem")
            button.setToolTip(label)
            button.setVisible(bool(label))
        self.show()

    @Slot()
    def _run_fix(self, which: int) -> None:
        fixes = self._fixes
        self.hide()
        if which < len(fixes):
            fixes[which]()
