"""The line under the controls: what the reading is doing, and what this session sent.
However long a message, it is cut with an ellipsis (the whole of it in the tooltip and
for screen readers) and never widens the window."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from reader.reading.cost import Tally
from reader.ui.announce import ValueLabel
from reader.ui.player import PREPARING

READY = "Ready"  # nothing under way, and nothing wrong that still holds
STATUS_TEXT = {
    PREPARING: "Preparing the text…",
    "connecting": "Starting…",
    "playing": "Reading",
    "buffering": "Waiting for audio…",
    "paused": "Paused",
    "finished": "Finished",
    "retrying": "Retrying…",
    "stopped": "Stopped",
    "failed": "Failed",
}


class ElidedLabel(ValueLabel):
    """A one-line label that asks for no width of its own: the layout gives it what is
    left, and text that does not fit ends in "…". Its whole text is what a screen reader
    reads (see ValueLabel)."""

    def __init__(
        self, what: str, text: str = "", natural: bool = False, announced: bool = False
    ) -> None:
        super().__init__(what, text, announced=announced)
        # `natural`: asks for its text's width when there is room (but can still shrink).
        self._natural = natural
        horizontal = QSizePolicy.Policy.Preferred if natural else QSizePolicy.Policy.Ignored
        self.setSizePolicy(horizontal, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text if len(text) > 40 else "")

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return hint if self._natural else QSize(0, hint.height())

    def elided(self) -> str:
        """The text as drawn at the label's present width."""
        line = " ".join(self.text().split())
        return self.fontMetrics().elidedText(
            line, Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        horizontal = self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask
        flags = horizontal | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), int(flags.value), self.elided())


class StatusLine(QWidget):
    """The status on the left (elided), the session's tally on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = ElidedLabel("Status", READY, announced=True)
        self.tally = ElidedLabel("Characters sent this session", natural=True)
        self.tally.setAlignment(Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.tally)

    def show_ready(self) -> None:
        self.status.setText(READY)

    @Slot(float, str)
    def show_retrying(self, seconds: float, reason: str) -> None:
        wait = f"Retrying in {seconds:.0f} s" if seconds >= 0.5 else "Retrying"
        self.status.setText(f"{wait}: {reason}")

    def show_tally(self, tally: Tally) -> None:
        """What this session sent to servers (nothing shown while it is nothing)."""
        if tally.characters:
            cost = f", about ${tally.dollars:.2f}" if tally.dollars >= 0.005 else ""
            self.tally.setText(f"This session: {tally.characters:,} characters sent{cost}")
