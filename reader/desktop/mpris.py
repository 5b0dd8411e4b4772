"""MPRIS on the session bus: media keys, headset buttons and the desktop's media widget.

Reader takes the name `org.mpris.MediaPlayer2.reader` only while a reading exists
(playing or paused) and gives it up after Stop, so while it is idle the Play key stays
with the person's music player. Next and Previous step by sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from jeepney import DBusAddress, Message, new_error, new_method_return, new_signal
from jeepney.low_level import HeaderFields
from PySide6.QtCore import QObject, Slot

from reader import APP_ID, APP_NAME
from reader.desktop.bus import SessionBus, field
from reader.reading.engine import Reading

log = logging.getLogger(__name__)

NAME = "org.mpris.MediaPlayer2.reader"
PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPERTIES = "org.freedesktop.DBus.Properties"
_TRACKS = "/io/github/reader/Reader/track"
_NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"

# The Player's states, as MPRIS names them; states not listed leave the status as it is.
_STATUS = {
    "connecting": "Playing",
    "playing": "Playing",
    "buffering": "Playing",
    "retrying": "Playing",
    "paused": "Paused",
    "stopped": "Stopped",
    "finished": "Stopped",
    "failed": "Stopped",
}

_INTROSPECTION = f"""<node>
 <interface name="{ROOT}">
  <method name="Raise"/><method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="DesktopEntry" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
 </interface>
 <interface name="{PLAYER}">
  <method name="Next"/><method name="Previous"/><method name="Pause"/>
  <method name="PlayPause"/><method name="Stop"/><method name="Play"/>
  <method name="Seek"><arg name="Offset" type="x" direction="in"/></method>
  <method name="SetPosition"><arg name="TrackId" type="o" direction="in"/>
   <arg name="Position" type="x" direction="in"/></method>
  <method name="OpenUri"><arg name="Uri" type="s" direction="in"/></method>
  <signal name="Seeked"><arg name="Position" type="x"/></signal>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="Rate" type="d" access="read"/>
  <property name="Metadata" type="a{{sv}}" access="read"/>
  <property name="Volume" type="d" access="read"/>
  <property name="Position" type="x" access="read"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
 </interface>
 <interface name="{PROPERTIES}">
  <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/>
  </method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{{sv}}"/><arg type="as"/>
  </signal>
 </interface>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg type="s" direction="out"/></method>
 </interface>
</node>"""


def title_of(text: str, limit: int = 80) -> str:
    """The text's start, on one line, as a media widget's title."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class MediaPlayer(QObject):
    """Reader as an MPRIS player. `controls` holds "play-pause", "stop", "next",
    "previous" and "raise"; `voice()` names the voice reading now (the artist)."""

    def __init__(
        self,
        bus: SessionBus,
        controls: Mapping[str, Callable[[], object]],
        voice: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bus = bus
        self._controls = controls
        self._voice = voice
        self._status = "Stopped"
        self._metadata: dict[str, tuple[str, Any]] = {"mpris:trackid": ("o", _NO_TRACK)}
        self._tracks = 0
        self._owned = False
        bus.export(PATH, self._handle)

    # -- following the player ---------------------------------------------------------

    @Slot(object)
    def follow_reading(self, reading: Reading) -> None:
        self._tracks += 1
        self._metadata = {
            "mpris:trackid": ("o", f"{_TRACKS}/{self._tracks}"),
            "xesam:title": ("s", title_of(reading.text)),
            "xesam:artist": ("as", [self._voice()]),
        }
        self._changed(PLAYER, ["Metadata", *self._capabilities()])

    @Slot(str)
    def follow_state(self, state: str) -> None:
        status = _STATUS.get(state)
        if status is None or status == self._status:
            return
        self._status = status
        if status == "Stopped":
            self._changed(PLAYER, ["PlaybackStatus", *self._capabilities()])
            self._release()
            return
        self._claim()
        self._changed(PLAYER, ["PlaybackStatus", "Metadata", *self._capabilities()])

    def _claim(self) -> None:
        if not self._owned:
            self._owned = True
            # DO_NOT_QUEUE: another Reader holding it keeps it; nothing waits in line.
            self._bus.call_bus("RequestName", "su", (NAME, 4))
            log.debug("MPRIS: claimed %s", NAME)

    def _release(self) -> None:
        if self._owned:
            self._owned = False
            self._bus.call_bus("ReleaseName", "s", (NAME,))
            log.debug("MPRIS: released %s", NAME)

    # -- properties -------------------------------------------------------------------

    @staticmethod
    def _capabilities() -> list[str]:
        return ["CanGoNext", "CanGoPrevious", "CanPlay", "CanPause"]

    def _properties(self, interface: str) -> dict[str, tuple[str, Any]]:
        reading = self._status != "Stopped"
        if interface == ROOT:
            return {
                "CanQuit": ("b", False),
                "CanRaise": ("b", True),
                "HasTrackList": ("b", False),
                "Identity": ("s", APP_NAME),
                "DesktopEntry": ("s", APP_ID),
                "SupportedUriSchemes": ("as", []),
                "SupportedMimeTypes": ("as", []),
            }
        if interface == PLAYER:
            return {
                "PlaybackStatus": ("s", self._status),
                "Rate": ("d", 1.0),
                "Metadata": ("a{sv}", dict(self._metadata)),
                "Volume": ("d", 1.0),
                "Position": ("x", 0),
                "MinimumRate": ("d", 1.0),
                "MaximumRate": ("d", 1.0),
                "CanGoNext": ("b", reading),
                "CanGoPrevious": ("b", reading),
                "CanPlay": ("b", reading),
                "CanPause": ("b", reading),
                "CanSeek": ("b", False),
                "CanControl": ("b", True),
            }
        return {}

    def _changed(self, interface: str, names: list[str]) -> None:
        if not self._owned:
            return
        values = self._properties(interface)
        changed = {name: values[name] for name in names}
        # Exactly `sa{sv}as`, the invalidated list empty: GLib drops any other signature.
        self._bus.send(
            new_signal(
                DBusAddress(PATH, interface=PROPERTIES),
                "PropertiesChanged",
                "sa{sv}as",
                (interface, changed, []),
            )
        )

    # -- method calls ------------------------------------------------------------------

    def _handle(self, message: Message) -> Message:
        interface = str(field(message, HeaderFields.interface) or "")
        member = str(field(message, HeaderFields.member))
        if interface in ("", PROPERTIES) and member == "Get":
            name, prop = message.body
            values = self._properties(name)
            if prop not in values:
                return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty")
            return new_method_return(message, "v", (values[prop],))
        if interface in ("", PROPERTIES) and member == "GetAll":
            return new_method_return(message, "a{sv}", (self._properties(message.body[0]),))
        if interface in ("", PROPERTIES) and member == "Set":
            return new_error(message, "org.freedesktop.DBus.Error.PropertyReadOnly")
        if member == "Introspect":
            return new_method_return(message, "s", (_INTROSPECTION,))
        action = self._action_for(member)
        if action is None and member not in ("Quit", "Seek", "SetPosition", "OpenUri"):
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")
        if action is not None:
            log.debug("MPRIS: %s", member)
            self._controls[action]()
        return new_method_return(message)

    def _action_for(self, member: str) -> str | None:
        if member == "Play":
            return "play-pause" if self._status == "Paused" else None
        if member == "Pause":
            return "play-pause" if self._status == "Playing" else None
        return {
            "PlayPause": "play-pause",
            "Stop": "stop",
            "Next": "next",
            "Previous": "previous",
            "Raise": "raise",
        }.get(member)

    def close(self) -> None:
        """Give up the name and close the bus connection this player was given."""
        self._release()
        self._bus.close()
