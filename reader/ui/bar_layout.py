"""The voice bar's layout: the labels of its controls, the Alt+letter keys that go to
them (whether the labels show or not), and how the bar's width is shared as it narrows."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QStyleOptionComboBox, QToolBar, QWidget

_ANY_WIDTH = 16_777_215  # Qt's QWIDGETSIZE_MAX: no maximum
_ROOM = 40  # the bar's handle and margins


class BarLayout:
    """Puts `labelled` (a label or None, then its control) into `bar`, left to right.

    Each label is tied to its control (a screen reader names a combo box by the label it
    is labelled by: Qt on Linux gives a combo box its value as its name) and shows its
    letter underlined. The letter's Alt+key is a shortcut of the bar's own, not the
    label's mnemonic: Qt drops a hidden label's mnemonic, and the labels are the first to
    go when the bar is narrow, after which Alt+P typed "p" into the text.
    """

    def __init__(self, bar: QToolBar, labelled: list[tuple[str | None, QWidget]]) -> None:
        self._bar = bar
        self.labels: list[QLabel] = []
        self._places: list[QAction] = []  # the labels' actions in the bar (hidden to hide them)
        for label, control in labelled:
            if label is not None:
                tag = QLabel(f"<u>{label[0]}</u>{label[1:]}")
                tag.setTextFormat(Qt.TextFormat.RichText)  # no "&": no mnemonic of its own
                tag.setAccessibleName(label)
                tag.setBuddy(control)
                tag.setContentsMargins(6, 0, 2, 0)
                self.labels.append(tag)
                self._places.append(bar.addWidget(tag))
                key = QShortcut(QKeySequence(f"Alt+{label[0]}"), bar)
                key.activated.connect(
                    lambda control=control: control.setFocus(Qt.FocusReason.ShortcutFocusReason)
                )
            bar.addWidget(control)

    def share_width(self, boxes: tuple[QComboBox, ...], others: int) -> None:
        """Each box as wide as its current choice (not its longest one). At narrow widths
        the labels go first (the Alt+letter keys stay), then the boxes give way (their
        whole names in the list and the tooltip), before the controls taking `others`
        pixels would go into the overflow menu."""
        wanted = [fitting_width(box) for box in boxes]
        labels = sum(label.sizeHint().width() for label in self.labels)
        shown = sum(wanted) + others + labels + _ROOM <= self._bar.width()
        for place in self._places:
            place.setVisible(shown)
        room = self._bar.width() - others - (labels if shown else 0) - _ROOM
        for box, width in zip(boxes, wanted, strict=True):
            share = width if sum(wanted) <= room else room * width // max(1, sum(wanted))
            box.setMaximumWidth(max(box.fontMetrics().horizontalAdvance("M" * 5) + 24, share))
            box.setToolTip(box.currentText() or box.accessibleName())


def fitting_width(box: QComboBox) -> int:
    """The width `box` needs to show its current text whole (frame and arrow included)."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    metrics = box.fontMetrics()
    text = QSize(metrics.horizontalAdvance(box.currentText() or " "), metrics.height())
    size = box.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, box)
    return size.width() + 4
