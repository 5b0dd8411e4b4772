"""System-wide shortcuts on X11: `XGrabKey` on the root window, read on Qt's event loop.

The grabs live on a display connection of their own (python-xlib), whose socket a
QSocketNotifier watches, so key events arrive on the GUI thread with no thread of ours.
Each key is grabbed four times, with and without CapsLock and NumLock, since X matches
modifiers exactly and a person's NumLock is usually on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QSocketNotifier, Slot

from reader.desktop.keys import keysym_name, parse_key

log = logging.getLogger(__name__)


class X11Shortcuts(QObject):
    """Grabs keys on the root window of `display_name` (None: $DISPLAY) and calls
    `on_activated(action)` on the GUI thread when one is pressed."""

    name = "X11 key grabs"

    def __init__(
        self,
        on_activated: Callable[[str], None],
        display_name: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from Xlib import XK, X, display

        XK.load_keysym_group("xf86")
        self._on_activated = on_activated
        self._display = display.Display(display_name)  # Xlib.error.DisplayError if none
        self._root = self._display.screen().root
        self._modifiers = {
            "Ctrl": X.ControlMask,
            "Alt": X.Mod1Mask,
            "Shift": X.ShiftMask,
            "Meta": X.Mod4Mask,
        }
        # CapsLock is Lock; NumLock is whichever modifier holds the Num_Lock key.
        self._ignored = [0, X.LockMask]
        numlock = self._numlock_mask()
        if numlock:
            self._ignored += [numlock, numlock | X.LockMask]
        self._modifier_mask = X.ControlMask | X.Mod1Mask | X.ShiftMask | X.Mod4Mask
        self._grabbed: dict[tuple[int, int], str] = {}
        self._held: set[int] = set()
        self._notifier = QSocketNotifier(self._display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    def _numlock_mask(self) -> int:
        from Xlib import XK

        numlock = self._display.keysym_to_keycode(XK.string_to_keysym("Num_Lock"))
        for index, keycodes in enumerate(self._display.get_modifier_mapping()):
            if numlock and numlock in keycodes:
                return int(1 << index)
        return 0

    def _keycode(self, key: str) -> int:
        from Xlib import XK

        keysym = XK.string_to_keysym(keysym_name(key))
        return int(self._display.keysym_to_keycode(keysym)) if keysym else 0

    def bind(self, keys: Mapping[str, str]) -> list[str]:
        """Grab `keys` (action → key), releasing the previous ones; one line per key that
        could not be had."""
        from Xlib import X, error

        self._ungrab()
        problems = []
        for action, key in keys.items():
            if not key:
                continue
            modifier_names, key_name = parse_key(key)
            unknown = modifier_names - set(self._modifiers)
            keycode = self._keycode(key_name)
            if unknown or not keycode:
                problems.append(f"{key}: this keyboard has no such key; choose another.")
                continue
            mask = 0
            for name in modifier_names:
                mask |= self._modifiers[name]
            caught = error.CatchError(error.BadAccess)
            for extra in self._ignored:
                self._root.grab_key(
                    keycode, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=caught
                )
            self._display.sync()  # the grabs' errors arrive now, not later
            if caught.get_error() is not None:
                for extra in self._ignored:
                    self._root.ungrab_key(keycode, mask | extra)
                problems.append(
                    f"{key} is already taken by another program; choose another key for it."
                )
                continue
            self._grabbed[(keycode, mask)] = action
        self._display.sync()
        self._read()  # sync() may have queued events the notifier will not announce again
        log.debug("grabbed %d shortcuts on X11", len(self._grabbed))
        return problems

    def _ungrab(self) -> None:
        for keycode, mask in self._grabbed:
            for extra in self._ignored:
                self._root.ungrab_key(keycode, mask | extra)
        self._grabbed.clear()
        self._display.sync()

    @Slot()
    def _read(self) -> None:
        from Xlib import X, error

        events = []
        try:
            while self._display.pending_events():
                events.append(self._display.next_event())
        except error.ConnectionClosedError as closed:  # the X server went away
            log.warning("X11 shortcuts stopped: %s", closed)
            self._notifier.setEnabled(False)
            return
        for index, event in enumerate(events):
            if event.type == X.KeyRelease:
                following = events[index + 1] if index + 1 < len(events) else None
                # Auto-repeat sends release and press with one timestamp: still held.
                repeat = (
                    following is not None
                    and following.type == X.KeyPress
                    and following.detail == event.detail
                    and following.time == event.time
                )
                if not repeat:
                    self._held.discard(event.detail)
            elif event.type == X.KeyPress:
                if event.detail in self._held:
                    continue  # the key is held down: one press, one action
                self._held.add(event.detail)
                action = self._grabbed.get((event.detail, event.state & self._modifier_mask))
                if action is not None:
                    log.debug("shortcut %s pressed", action)
                    self._on_activated(action)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        self._ungrab()
        self._display.close()
