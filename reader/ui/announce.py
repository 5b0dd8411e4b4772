"""Telling a screen reader about changes it would not notice by itself.

A label's new text reaches assistive technology as a changed name, which Orca reads only
when the label has focus; an announcement is read wherever the person is. Status lines
announce politely (after what is being said), problems assertively (at once).
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QLabel, QWidget

# A status must stand this long to be announced: Play passes through "Preparing the
# text…" and "Starting…" in a moment, and only "Reading" is worth saying.
SETTLE_MS = 300


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Have a screen reader say `message`, if one is listening."""
    if not message or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


class ValueLabel(QLabel):
    """A label that carries a value (a status, a count): its text is its accessible name, and
    `what` (say "Status") its description, so a screen reader reads the value itself.

    A label given an accessible name exposes that name instead of its text and signals no
    change, so none of these has one.
    """

    def __init__(
        self, what: str, text: str = "", parent: QWidget | None = None, *, announced: bool = False
    ) -> None:
        super().__init__(text, parent)
        self.setAccessibleDescription(what)
        self._announced = announced

    def setText(self, text: str) -> None:
        changed = text != self.text()
        super().setText(text)
        if changed and self._announced:
            announce(self, text)
