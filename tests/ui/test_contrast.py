"""The heard sentence and the timeline stay readable in a light and a dark palette: WCAG's
4.5:1 for text, 3:1 for shapes, measured on what the widgets paint."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reader.reading.events import Progress, State
from reader.ui.contrast import contrast
from reader.ui.progress_view import TimelineBar
from reader.ui.reading_text import ReadingText


def dark_palette() -> QPalette:
    """A dark palette as desktops ship them (Breeze Dark's main colours)."""
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202326"),
        (QPalette.ColorRole.WindowText, "#fcfcfc"),
        (QPalette.ColorRole.Base, "#141618"),
        (QPalette.ColorRole.Text, "#fcfcfc"),
        (QPalette.ColorRole.Button, "#292c30"),
        (QPalette.ColorRole.ButtonText, "#fcfcfc"),
        (QPalette.ColorRole.Highlight, "#3daee9"),
        (QPalette.ColorRole.HighlightedText, "#fcfcfc"),
        (QPalette.ColorRole.Mid, "#3a3e44"),
    ):
        palette.setColor(role, QColor(color))
    return palette


def light_palette() -> QPalette:
    style = QApplication.style()
    assert style is not None
    return style.standardPalette()


PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.mark.parametrize("name", PALETTES)
def test_the_heard_sentence_is_readable(qtbot, name: str) -> None:
    text = ReadingText()
    qtbot.addWidget(text)
    text.setPalette(PALETTES[name]())
    text.setPlainText("First sentence. Second one.")
    text.set_sentences([(0, 15), (16, 27)])
    text.highlight(1)
    background, foreground = text.highlight_colors()
    assert contrast(background, foreground) >= 4.5
    assert text.textCursor().selectedText() == "Second one."
    text.resize(300, 80)
    text.show()
    qtbot.waitExposed(text)
    image = text.viewport().grab().toImage()
    painted = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }
    assert background.name() in painted, "the heard sentence is painted in those colours"


@pytest.mark.parametrize("name", PALETTES)
def test_the_timeline_tells_heard_ready_and_ahead_apart(qtbot, name: str) -> None:
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.setPalette(PALETTES[name]())
    bar.resize(400, 16)
    bar.show_progress(
        Progress(
            state=State.PLAYING,
            sentence=2,
            sentence_count=10,
            heard_s=3.0,
            synthesized_s=7.0,
            level=0.0,
            underruns=0,
            heard_char=300,
            synthesized_char=700,
            text_length=1000,
            chars_per_second=15.0,
        )
    )
    image = bar.grab().toImage()
    middle = image.height() // 2

    def at(share: float) -> QColor:
        return image.pixelColor(int(image.width() * share), middle)

    heard, ready, ahead = at(0.15), at(0.5), at(0.85)
    assert contrast(heard, ready) >= 3.0, (heard.name(), ready.name())
    assert contrast(ready, ahead) >= 3.0, (ready.name(), ahead.name())
    assert bar.value() == 3 and bar.maximum() == 10, "its value: sentence 3 of 10"
