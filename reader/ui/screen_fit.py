"""Windows open within the screen's available area, whatever the scale factor."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window manager's frame and title bar, which Qt cannot know beforehand.
FRAME_ALLOWANCE = (16, 48)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Size `widget` to width × height, or to its screen's available area less the frame
    where that is smaller; and keep it inside that area."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    fits = (
        min(width, area.width() - FRAME_ALLOWANCE[0]),
        min(height, area.height() - FRAME_ALLOWANCE[1]),
    )
    widget.resize(*fits)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - fits[0] - FRAME_ALLOWANCE[0] + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - fits[1] - FRAME_ALLOWANCE[1] + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, area.x()), max(y, area.y()))
