"""Keyboard focus: the order Tab follows through a window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget


def chain_tabs(widgets: Sequence[QWidget]) -> None:
    """Tab visits `widgets` in this order (and Shift+Tab back), whatever order they were
    made in: a toolbar made before the window would otherwise come after its text."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)
