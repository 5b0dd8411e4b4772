"""System-wide shortcuts on Wayland: the XDG GlobalShortcuts portal, over jeepney.

The order the portal wants: `Registry.Register` of the app id first (xdg-desktop-portal
1.21 and later take the app id from it for an unsandboxed app; older ones answer
UnknownMethod, which is fine), then `CreateSession`, then `BindShortcuts` once per
session. Both answer through a Request object's `Response` signal. The keys are bound at
every start, again with a new session whenever they change (a session binds only once),
and again when the portal itself restarts. "Read selection" acts on the key's release,
when the person's modifiers are up; key repeat acts once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from itertools import count
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields
from PySide6.QtCore import QObject

from reader import APP_ID
from reader.desktop.bus import SessionBus
from reader.desktop.keys import portal_trigger
from reader.settings import SHORTCUT_ACTIONS

log = logging.getLogger(__name__)

PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
REGISTRY = "org.freedesktop.host.portal.Registry"
ON_RELEASE = {"read-selection"}
REPEAT_S = 0.3  # an activation this soon after the last of the same key is its repeat

_LABELS = {action: label for action, label, _ in SHORTCUT_ACTIONS}


def portal_version(timeout_s: float = 2.0) -> int:
    """The GlobalShortcuts portal's version on the session bus; 0 where there is none."""
    try:
        with open_dbus_connection("SESSION") as connection:
            reply = connection.send_and_get_reply(
                new_method_call(
                    DBusAddress(PORTAL_PATH, PORTAL, "org.freedesktop.DBus.Properties"),
                    "Get",
                    "ss",
                    (SHORTCUTS, "version"),
                ),
                timeout=timeout_s,
            )
    except Exception as error:  # no bus, no portal, no answer: no portal shortcuts
        log.info("no GlobalShortcuts portal: %s", error)
        return 0
    if reply.header.message_type is MessageType.error:
        log.info("no GlobalShortcuts portal: %s", reply.body)
        return 0
    return int(reply.body[0][1])


class PortalShortcuts(QObject):
    """Binds the keys through the portal and calls `on_activated(action)` on the GUI
    thread; `report(line)` says what went wrong later (the portal answers later)."""

    name = "the desktop's GlobalShortcuts portal"

    def __init__(
        self,
        on_activated: Callable[[str], None],
        report: Callable[[str], None],
        parent: QObject | None = None,
        app_id: str = APP_ID,
    ) -> None:
        super().__init__(parent)
        self._on_activated = on_activated
        self._report = report
        self._app_id = app_id
        self.version = portal_version()
        self._bus = SessionBus(parent=self)
        self._sender = self._bus.unique_name.lstrip(":").replace(".", "_")
        self._tokens = count(1)
        self._keys: dict[str, str] = {}
        self._session: str | None = None
        self._registered = False
        self._requests: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self._down: set[str] = set()
        self._last: dict[str, float] = {}
        self.bound: dict[str, str] = {}  # action → the trigger the desktop describes
        self._bus.subscribe(MatchRule(type="signal", interface=REQUEST), self._on_response)
        self._bus.subscribe(
            MatchRule(type="signal", interface=SHORTCUTS, path=PORTAL_PATH),
            self._on_key,
        )
        self._bus.subscribe(MatchRule(type="signal", interface=SESSION), self._on_closed)
        owner = MatchRule(
            type="signal", interface="org.freedesktop.DBus", member="NameOwnerChanged"
        )
        owner.add_arg_condition(0, PORTAL)
        self._bus.subscribe(owner, self._on_portal_restart)

    def available(self) -> bool:
        return self.version > 0

    def bind(self, keys: Mapping[str, str]) -> list[str]:
        self._keys = {action: key for action, key in keys.items() if key}
        self._close_session()
        self._register(self._create_session)
        return []  # the portal answers later; problems go to `report`

    def configure(self) -> bool:
        """Open the desktop's own dialog for these shortcuts (portal version 2)."""
        if self.version < 2 or self._session is None:
            return False
        self._call("ConfigureShortcuts", "osa{sv}", (self._session, "", {}))
        return True

    # -- the calls, in order ------------------------------------------------------------

    def _call(
        self,
        method: str,
        signature: str,
        body: tuple[object, ...],
        on_reply: Callable[[Message], None] | None = None,
        interface: str = SHORTCUTS,
        path: str = PORTAL_PATH,
    ) -> None:
        address = DBusAddress(path, PORTAL, interface)
        self._bus.call(new_method_call(address, method, signature, body), on_reply)

    def _register(self, then: Callable[[], None]) -> None:
        if self._registered:
            then()
            return

        def registered(reply: Message) -> None:
            self._registered = True
            if reply.header.message_type is MessageType.error:
                log.debug("portal registry: %s", reply.body)  # older portals lack it
            then()

        self._call("Register", "sa{sv}", (self._app_id, {}), registered, REGISTRY)

    def _request(
        self,
        method: str,
        signature: str,
        body: tuple[object, ...],
        then: Callable[[int, dict[str, Any]], None],
    ) -> None:
        """A call answered by a Request's Response: listen on its path before calling."""
        token = f"reader{next(self._tokens)}"
        path = f"{PORTAL_PATH}/request/{self._sender}/{token}"
        self._requests[path] = then
        options = body[-1]
        assert isinstance(options, dict)
        options["handle_token"] = ("s", token)

        def replied(reply: Message) -> None:
            if reply.header.message_type is MessageType.error:
                self._requests.pop(path, None)
                self._report(f"The desktop refused Reader's shortcuts ({_error(reply)}).")
                return
            handle = str(reply.body[0])
            if handle != path:  # a portal older than handle_token: follow its path
                self._requests[handle] = self._requests.pop(path, then)

        self._call(method, signature, body, replied)

    def _create_session(self) -> None:
        if not self._keys:
            return
        token = f"reader_session{next(self._tokens)}"
        self._request(
            "CreateSession", "a{sv}", ({"session_handle_token": ("s", token)},), self._created
        )

    def _created(self, code: int, results: dict[str, Any]) -> None:
        if code != 0:
            self._report("The desktop did not open a shortcuts session for Reader.")
            return
        self._session = str(results["session_handle"][1])
        shortcuts = [
            (
                action,
                {
                    "description": ("s", _LABELS.get(action, action)),
                    "preferred_trigger": ("s", portal_trigger(key)),
                },
            )
            for action, key in self._keys.items()
        ]
        self._request(
            "BindShortcuts", "oa(sa{sv})sa{sv}", (self._session, shortcuts, "", {}), self._bound
        )

    def _bound(self, code: int, results: dict[str, Any]) -> None:
        if code == 1:
            self._report(
                "The shortcuts were not confirmed; turn them off and on in "
                "Settings → Shortcuts to be asked again."
            )
            return
        if code != 0:
            self._report("The desktop could not bind Reader's shortcuts.")
            return
        shortcuts = results.get("shortcuts", ("", []))[1]
        self.bound = {
            action: str(info.get("trigger_description", ("s", ""))[1]) for action, info in shortcuts
        }
        log.info("portal bound %d shortcuts: %s", len(self.bound), self.bound)

    # -- what the portal sends ----------------------------------------------------------

    def _on_response(self, message: Message) -> None:
        path = str(message.header.fields.get(HeaderFields.path))
        then = self._requests.pop(path, None)
        if then is not None and message.header.fields.get(HeaderFields.member) == "Response":
            code, results = message.body
            then(int(code), dict(results))

    def _on_key(self, message: Message) -> None:
        member = message.header.fields.get(HeaderFields.member)
        if member not in ("Activated", "Deactivated") or message.body[0] != self._session:
            return
        action = str(message.body[1])
        if member == "Activated":
            now = time.monotonic()
            repeat = action in self._down or now - self._last.get(action, -1e9) < REPEAT_S
            self._down.add(action)
            self._last[action] = now
            if not repeat and action not in ON_RELEASE:
                self._on_activated(action)
        elif action in self._down:
            self._down.discard(action)
            if action in ON_RELEASE:
                self._on_activated(action)

    def _on_closed(self, message: Message) -> None:
        if message.header.fields.get(HeaderFields.path) == self._session:
            log.info("the portal closed the shortcuts session; binding again")
            self._session = None
            self._create_session()

    def _on_portal_restart(self, message: Message) -> None:
        name, _old, new = message.body
        if name != PORTAL or not new:
            return
        log.info("the portal restarted; binding the shortcuts again")
        # A new portal knows neither this connection's app id nor its session.
        self._registered = False
        self._session = None
        self._requests.clear()
        self._down.clear()
        self._register(self._create_session)

    def _close_session(self) -> None:
        if self._session is not None:
            self._call("Close", "", (), interface=SESSION, path=self._session)
            self._session = None

    def close(self) -> None:
        self._close_session()
        self._bus.close()


def _error(reply: Message) -> str:
    name = str(reply.header.fields.get(HeaderFields.error_name, ""))
    detail = str(reply.body[0]) if reply.body else ""
    return f"{name}: {detail}" if detail else name
