"""Keys as Qt writes them ("Ctrl+Alt+R", portable text) in the names the platforms use."""

from __future__ import annotations

# Qt's portable names that differ from X keysym names (also the portal's key names).
_KEYSYMS = {
    "Space": "space",
    "Esc": "Escape",
    "Enter": "Return",
    "Backspace": "BackSpace",
    "Del": "Delete",
    "Ins": "Insert",
    "PgUp": "Prior",
    "PgDown": "Next",
    "Media Play": "XF86AudioPlay",
    "Toggle Media Play/Pause": "XF86AudioPlay",
    "Media Pause": "XF86AudioPause",
    "Media Stop": "XF86AudioStop",
    "Media Next": "XF86AudioNext",
    "Media Previous": "XF86AudioPrev",
    ",": "comma",
    ".": "period",
    "/": "slash",
    ";": "semicolon",
    "'": "apostrophe",
    "[": "bracketleft",
    "]": "bracketright",
    "-": "minus",
    "=": "equal",
    "+": "plus",
    "\\": "backslash",
    "`": "grave",
}

# Qt's modifier names in the XDG shortcuts specification (the portal's triggers).
_PORTAL_MODIFIERS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}


def parse_key(text: str) -> tuple[set[str], str]:
    """("Ctrl+Alt+R") → ({"Ctrl", "Alt"}, "R"); a "+" key is written "Ctrl++"."""
    if text.endswith("++"):
        parts, key = text[:-2].split("+"), "+"
    else:
        *parts, key = text.split("+")
    return {part for part in parts if part}, key


def keysym_name(key: str) -> str:
    """An X keysym name for Qt's key name: "R" → "r", "," → "comma", "F9" → "F9"."""
    if key in _KEYSYMS:
        return _KEYSYMS[key]
    return key.lower() if len(key) == 1 else key


def portal_trigger(text: str) -> str:
    """The XDG shortcuts spec's form of a key: "Ctrl+Alt+R" → "CTRL+ALT+r"."""
    modifiers, key = parse_key(text)
    names = [_PORTAL_MODIFIERS[m] for m in ("Ctrl", "Alt", "Shift", "Meta") if m in modifiers]
    return "+".join([*names, keysym_name(key)])
