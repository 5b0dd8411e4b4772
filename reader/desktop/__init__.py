"""Platform integration: what Reader registers with the desktop around it (Qt allowed).

It owns the system-wide shortcuts Reader registers itself (one small backend per
platform behind `shortcuts.Backend`: X11 key grabs, the XDG GlobalShortcuts portal,
Windows' RegisterHotKey, macOS's RegisterEventHotKey), the MPRIS media player on the
session bus (media keys, headset buttons, the desktop's media widget), and reading the
selection on Wayland through `wl-paste`.

It sits beside `ui` on the same step: it may import the layers below (`reading`,
`settings`, `text`, `errors`…) and Qt, never `ui` (nor `ui` it). It does not know the
window: the composition root (`reader.app`) hands it the window's actions as callables
and connects the player's signals to it.
"""
