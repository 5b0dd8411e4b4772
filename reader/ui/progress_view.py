"""The live view under the text: heard versus synthesized, times, sentence count, level."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QHBoxLayout, QSizePolicy, QSlider, QWidget

from reader.reading.events import Progress
from reader.ui.announce import ValueLabel
from reader.ui.contrast import SHAPE_RATIO, luminance, stepped


def clock(seconds: float) -> str:
    """0:07, 3:41, 1:02:03."""
    whole = max(0, int(round(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TimelineBar(QSlider):
    """The whole text as a bar, like a video's: heard filled, synthesized shaded.

    A slider to assistive technology and the keyboard: its value is the sentence heard (1 to
    the number of sentences), and the arrow keys, Page Up/Down, Home and End ask to read
    from another sentence.

    Signals:
        position_clicked(int): a character offset in the text, where the bar was clicked.
        sentence_requested(int): a sentence (from 0) chosen with the keyboard.
    """

    position_clicked = Signal(int)
    sentence_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._heard = 0.0
        self._synthesized = 0.0
        self._length = 0
        self.setRange(0, 0)
        self.setPageStep(5)
        self.setAccessibleName("Timeline")
        self.setToolTip(
            "Dark: heard. Light: synthesized, ready to play. Click, or use the arrow keys,"
            " to read from there."
        )
        self.setAccessibleDescription("Sentence heard, of all sentences; arrows move by one")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.actionTriggered.connect(self._on_action)

    @property
    def fractions(self) -> tuple[float, float]:
        """(heard, synthesized), each a share of the text from 0 to 1."""
        return self._heard, self._synthesized

    def colors(self) -> tuple[QColor, QColor, QColor]:
        """(empty, synthesized, heard): each at 3:1 or more against its neighbour, so the
        bar reads in any palette, dark ones included."""
        palette = self.palette()
        # The track: the text colour, faint, over the window's: visible on light and dark
        # palettes alike (Mid on Base all but vanishes in a dark one).
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        empty = QColor.fromRgbF(
            window.redF() + (text.redF() - window.redF()) * 0.15,
            window.greenF() + (text.greenF() - window.greenF()) * 0.15,
            window.blueF() + (text.blueF() - window.blueF()) * 0.15,
        )
        empty = QColor(empty.rgb())  # as painted: whole 8-bit channels
        highlight = palette.color(QPalette.ColorRole.Highlight)
        darker = luminance(empty) > 0.18  # light palettes fill darker, dark ones lighter
        synthesized = stepped(highlight, empty, SHAPE_RATIO, darker)
        heard = stepped(highlight, synthesized, SHAPE_RATIO, darker)
        return empty, synthesized, heard

    def show_progress(self, progress: Progress) -> None:
        length = max(1, progress.text_length)
        heard = min(1.0, progress.heard_char / length)
        synthesized = max(heard, min(1.0, progress.synthesized_char / length))
        if self.maximum() != progress.sentence_count:
            self.setRange(1, max(1, progress.sentence_count))
        if progress.sentence is not None and not self.isSliderDown():
            self.setValue(progress.sentence + 1)
        if (heard, synthesized, length) != (self._heard, self._synthesized, self._length):
            self._heard, self._synthesized, self._length = heard, synthesized, length
            self.update()

    def clear(self) -> None:
        self._heard = self._synthesized = 0.0
        self.setRange(0, 0)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, max(10, self.fontMetrics().height() // 2))

    def minimumSizeHint(self) -> QSize:
        return QSize(40, max(10, self.fontMetrics().height() // 2))

    @Slot(int)
    def _on_action(self, action: int) -> None:
        # Keyboard and wheel steps only: the value set from progress triggers no action.
        if action != QAbstractSlider.SliderAction.SliderMove.value and self.maximum() > 0:
            self.sentence_requested.emit(self.sliderPosition() - 1)

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # scrolling the page over the bar must not jump in the reading

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # a click reads from where it lands (on release), not a page step

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        empty, shaded, heard_color = self.colors()
        area = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = area.height() / 2
        outline = palette.color(QPalette.ColorRole.Text)
        outline.setAlphaF(0.6)
        if self.hasFocus():  # where the keyboard is
            outline = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(outline)
        painter.setBrush(empty)
        painter.drawRoundedRect(area, radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        for share, color in ((self._synthesized, shaded), (self._heard, heard_color)):
            if share > 0:
                filled = QRectF(area.left(), area.top(), area.width() * share, area.height())
                painter.setBrush(color)
                painter.drawRoundedRect(filled, radius, radius)
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._length > 0 and self.width() > 0:
            share = min(1.0, max(0.0, event.position().x() / self.width()))
            self.position_clicked.emit(int(share * self._length))
        event.accept()


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
        sentence_requested(int): a sentence (from 0) chosen on the timeline by keyboard.
    """

    position_clicked = Signal(int)
    sentence_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reading progress")
        self.timeline = TimelineBar()
        self.timeline.position_clicked.connect(self.position_clicked)
        self.timeline.sentence_requested.connect(self.sentence_requested)
        self.times = ValueLabel("Elapsed and estimated total time")
        self.sentence = ValueLabel("Sentence being heard")
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
