"""Colours that stay readable in any palette: WCAG contrast, and nudging a colour until it has
enough (4.5:1 for text, 3:1 for shapes such as the timeline's bars)."""

from __future__ import annotations

from PySide6.QtGui import QColor

TEXT_RATIO = 4.5
SHAPE_RATIO = 3.0


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def contrast(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def distinct(color: QColor, against: QColor, ratio: float) -> QColor:
    """`color`, made darker or lighter (away from `against`, keeping its hue) until it has
    `ratio` contrast with `against`; as far as black or white go if even they do not."""
    if contrast(color, against) >= ratio:
        return QColor(color)
    darken = luminance(against) > 0.18  # the side with room for the contrast asked
    hue, saturation, lightness = color.hslHueF(), color.hslSaturationF(), color.lightnessF()
    alpha = color.alphaF()
    best = QColor(color)
    for step in range(1, 101):
        shade = lightness * (1 - step / 100) if darken else lightness + (1 - lightness) * step / 100
        candidate = QColor(QColor.fromHslF(max(hue, 0.0), saturation, shade, 1.0).rgb())
        candidate.setAlphaF(alpha)
        best = candidate
        if contrast(candidate, against) >= ratio:
            break
    return best


def stepped(color: QColor, against: QColor, ratio: float, darker: bool) -> QColor:
    """`color`'s hue at the lightness nearest `against`'s, on the `darker` (or lighter)
    side of it, that still has `ratio` contrast with `against`: the least change that is
    enough, leaving room for a further step (the timeline's heard part beyond its ready
    part). Black or white if nothing on that side is enough."""
    hue, saturation = max(color.hslHueF(), 0.0), color.hslSaturationF()
    start = against.lightnessF()
    for step in range(201):
        shade = start * (1 - step / 200) if darker else start + (1 - start) * step / 200
        # Measured as painted: in whole 8-bit channels.
        candidate = QColor(QColor.fromHslF(hue, saturation, shade, 1.0).rgb())
        if contrast(candidate, against) >= ratio:
            return candidate
    return QColor.fromHslF(hue, saturation, 0.0 if darker else 1.0, 1.0)
