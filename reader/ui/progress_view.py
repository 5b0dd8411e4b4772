"""The live view under the text: heard versus synthesized, times, sentence count, level."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from reader.reading.events import Progress


def clock(seconds: float) -> str:
    """0:07, 3:41, 1:02:03."""
    whole = max(0, int(round(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TimelineBar(QWidget):
    """The whole text as a bar, like a video's: heard filled, synthesized shaded.

    Signals:
        position_clicked(int): a character offset in the text, where the bar was clicked.
    """

    position_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heard = 0.0
        self._synthesized = 0.0
        self._length = 0
        self.setAccessibleName("Timeline: heard and synthesized")
        self.setToolTip("Dark: heard. Light: synthesized, ready to play. Click to read from there.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    @property
    def fractions(self) -> tuple[float, float]:
        """(heard, synthesized), each a share of the text from 0 to 1."""
        return self._heard, self._synthesized

    def show_progress(self, progress: Progress) -> None:
        length = max(1, progress.text_length)
        heard = min(1.0, progress.heard_char / length)
        synthesized = max(heard, min(1.0, progress.synthesized_char / length))
        if (heard, synthesized, length) != (self._heard, self._synthesized, self._length):
            self._heard, self._synthesized, self._length = heard, synthesized, length
            self.update()

    def clear(self) -> None:
        self._heard = self._synthesized = 0.0
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, max(10, self.fontMetrics().height() // 2))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = area.height() / 2
        # The track drawn from the text colour, faint: visible on light and dark palettes
        # alike (Mid on Base all but vanishes in a dark one).
        outline = palette.color(QPalette.ColorRole.Text)
        outline.setAlphaF(0.6)
        track = palette.color(QPalette.ColorRole.Text)
        track.setAlphaF(0.15)
        painter.setPen(outline)
        painter.setBrush(track)
        painter.drawRoundedRect(area, radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        shaded = QColor(highlight)
        shaded.setAlphaF(0.35)
        for share, color in ((self._synthesized, shaded), (self._heard, highlight)):
            if share > 0:
                filled = QRectF(area.left(), area.top(), area.width() * share, area.height())
                painter.setBrush(color)
                painter.drawRoundedRect(filled, radius, radius)
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._length > 0 and self.width() > 0:
            share = min(1.0, max(0.0, event.position().x() / self.width()))
            self.position_clicked.emit(int(share * self._length))
        super().mouseReleaseEvent(event)


class LevelMeter(QWidget):
    """The loudness of what is being heard now, 0 to 1, as a short bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = 0.0
        self.setAccessibleName("Output level")
        self.setToolTip("The loudness of what you hear now")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    @property
    def level(self) -> float:
        return self._level

    def set_level(self, level: float) -> None:
        level = min(1.0, max(0.0, level))
        if abs(level - self._level) > 0.01:
            self._level = level
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("0") * 8, self.fontMetrics().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        area = self.rect().adjusted(0, 2, -1, -3)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRect(area)
        if self._level > 0:
            filled = area.adjusted(1, 1, 0, 0)
            filled.setWidth(round((area.width() - 1) * self._level))
            painter.fillRect(filled, palette.color(QPalette.ColorRole.Highlight))
        painter.end()


class ProgressView(QWidget):
    """The timeline with elapsed / estimated total time, "sentence n of N" and the level.

    Signals:
        position_clicked(int): a character offset in the text (from the timeline).
    """

    position_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reading progress")
        self.timeline = TimelineBar()
        self.timeline.position_clicked.connect(self.position_clicked)
        self.times = QLabel("")
        self.times.setAccessibleName("Elapsed and estimated total time")
        self.sentence = QLabel("")
        self.sentence.setAccessibleName("Sentence being heard")
        self.meter = LevelMeter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.times)
        layout.addWidget(self.sentence)
        layout.addWidget(self.meter)

    def show_progress(self, progress: Progress) -> None:
        self.timeline.show_progress(progress)
        elapsed = progress.seconds(progress.heard_char)
        total = progress.seconds(progress.text_length)
        self.times.setText(f"{clock(elapsed)} / ~{clock(total)}")
        number = (progress.sentence or 0) + 1
        self.sentence.setText(f"sentence {number} of {progress.sentence_count}")
        self.meter.set_level(progress.level)

    def clear(self) -> None:
        self.timeline.clear()
        self.meter.set_level(0)
        self.times.setText("")
        self.sentence.setText("")
