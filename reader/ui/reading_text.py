"""The text box: it knows the reading's sentences, highlights the heard one, and turns a
click on a sentence (or "Read from here") into a request to read from there."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QMouseEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from reader.text.sentences import sentence_at
from reader.ui.contrast import TEXT_RATIO, distinct


class ReadingText(QPlainTextEdit):
    """Editable until a reading starts; read-only while it runs.

    Signals:
        sentence_clicked(int): a sentence was clicked while reading (read-only).
        read_from_requested(int): "Read from here" at this character offset.
    """

    sentence_clicked = Signal(int)
    read_from_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Text to read")
        # Tab moves on to the next control, as everywhere else in the window: a reader's
        # text box has no use for typed tab characters (pasted ones are kept).
        self.setTabChangesFocus(True)
        self.setPlaceholderText(
            "Paste or type text here, then press Play (Ctrl+Space).\n"
            "Ctrl+Shift+V reads the clipboard; Ctrl+Shift+R the text selected in any "
            "application."
        )
        self.setToolTip("The text to read aloud")
        self._spans: Sequence[tuple[int, int]] = ()
        self._heard: tuple[int, int] | None = None  # the span selected as the one heard
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def replace_text(self, text: str) -> None:
        """Put `text` in the box. What was there before can be brought back with Ctrl+Z
        (the clipboard read over someone's typing must not lose it)."""
        if not self.document().isEmpty() and text != self.toPlainText():
            cursor = QTextCursor(self.document())
            cursor.beginEditBlock()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(text)
            cursor.endEditBlock()
        elif text != self.toPlainText():
            self.setPlainText(text)

    def set_sentences(self, spans: Sequence[tuple[int, int]]) -> None:
        """The (start, end) character offsets of the reading's sentences."""
        self._spans = spans

    def sentence_at(self, position: int) -> int | None:
        """The sentence whose text holds character `position` (or the next one after it)."""
        return sentence_at(self._spans, position)

    def highlight(self, index: int) -> None:
        """Mark sentence `index` as the one heard, and keep it in view.

        The heard sentence is the text box's selection, so assistive technology can tell
        where the reading is and read it (a highlight drawn on top would be invisible to
        it); it is painted in colours with at least 4.5:1 contrast in any palette.
        """
        if not 0 <= index < len(self._spans):
            return
        start, end = self._spans[index]
        self._paint_heard_in_readable_colours()
        cursor = QTextCursor(self.document())
        cursor.setPosition(end)
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)  # in view from its start
        self._heard = (start, end)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def sentence_text(self, index: int) -> str:
        start, end = self._spans[index]
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

    def clear_highlight(self) -> None:
        if self._heard is not None and self._is_heard_selection():
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        self._heard = None

    def highlight_colors(self) -> tuple[QColor, QColor]:
        """(background, text) of the heard sentence."""
        palette = self.palette()
        return (
            palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight),
            palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText),
        )

    def _paint_heard_in_readable_colours(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
        highlight = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
        background = distinct(highlight, text, TEXT_RATIO)
        inactive = palette.color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
        if background == highlight == inactive:
            return
        # The same colours with or without focus: the heard sentence looks the same
        # whether the person is in the text box or on the Play button.
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, background)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, text)
        self.setPalette(palette)

    def _is_heard_selection(self) -> bool:
        cursor = self.textCursor()
        return self._heard == (cursor.selectionStart(), cursor.selectionEnd())

    def selected_text(self) -> str:
        """What the person selected (not the heard sentence, which the reading selects)."""
        if self._heard is not None and self._is_heard_selection():
            return ""
        # Qt marks paragraph ends in a selection with U+2029.
        return self.textCursor().selectedText().replace("\u2029", "\n")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and self.isReadOnly() and self._spans:
            cursor = self.cursorForPosition(point)
            if point.y() > self.cursorRect(cursor).bottom():
                return  # the empty space below the text: no sentence is there
            sentence = self.sentence_at(cursor.position())
            if sentence is not None:
                self.sentence_clicked.emit(sentence)
                return
        super().mouseReleaseEvent(event)

    @Slot(QPoint)
    def _context_menu(self, point: QPoint) -> None:
        menu = self.createStandardContextMenu()
        position = self.cursorForPosition(point).position()
        read_here = QAction("Read from here", menu)
        read_here.triggered.connect(lambda: self.read_from_requested.emit(position))
        first = menu.actions()[0] if menu.actions() else None
        if first is None:
            menu.addAction(read_here)
        else:
            menu.insertAction(first, read_here)
            menu.insertSeparator(first)
        menu.exec(self.viewport().mapToGlobal(point))
        menu.deleteLater()
