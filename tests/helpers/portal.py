"""A stand-in org.freedesktop.portal.Desktop with the GlobalShortcuts interface, as the
portal documents it (xdg-desktop-portal's data/org.freedesktop.portal.GlobalShortcuts.xml,
…Request.xml, …Session.xml, org.freedesktop.host.portal.Registry.xml):

- `Registry.Register(app_id)` only before the connection's first portal call, and once;
- `CreateSession` and `BindShortcuts` answer with a Request path built from the caller's
  unique name and its handle_token, then a `Response` signal on that path sent to the
  caller only; the session handle comes back as a string (`s`), as the real one does;
- a session binds once; `Session.Close` ends it; ConfigureShortcuts only in version 2;
- Activated/Deactivated go to the session's owner only.

A test drives it over `org.example.PortalTest` on the same path: Press(id), Hold(id),
Release(id), State() (JSON of the sessions, the registered app ids, configure calls).

Run: python -m tests.helpers.portal [VERSION]
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from jeepney import (
    DBusAddress,
    Message,
    MessageType,
    message_bus,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
TEST = "org.example.PortalTest"
FAILED = "org.freedesktop.portal.Error.Failed"


class Portal:
    def __init__(self, connection: DBusConnection, version: int) -> None:
        self.connection = connection
        self.version = version
        self.app_ids: dict[str, str] = {}  # caller's unique name → registered app id
        self.called: set[str] = set()  # callers that made a portal call
        self.sessions: dict[str, dict[str, Any]] = {}
        self.configured: list[str] = []

    def handle(self, message: Message) -> Message | None:
        fields = message.header.fields
        sender = str(fields[HeaderFields.sender])
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        path = str(fields.get(HeaderFields.path))
        body = message.body
        if interface == "org.freedesktop.DBus.Properties" and member == "Get":
            if tuple(body) == (SHORTCUTS, "version"):
                return new_method_return(message, "v", (("u", self.version),))
            return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty")
        if interface == "org.freedesktop.host.portal.Registry" and member == "Register":
            if sender in self.app_ids or sender in self.called:
                return new_error(message, FAILED, "s", ("Connection already associated",))
            self.app_ids[sender] = body[0]
            return new_method_return(message)
        if interface == SHORTCUTS:
            return self.shortcuts(message, sender, str(member), body)
        if interface == "org.freedesktop.portal.Session" and member == "Close":
            session = self.sessions.get(path)
            if session is None or session["owner"] != sender:
                return new_error(message, "org.freedesktop.DBus.Error.UnknownObject")
            del self.sessions[path]
            return new_method_return(message)
        if interface == "org.freedesktop.portal.Request" and member == "Close":
            return new_method_return(message)
        if interface == TEST:
            return self.test(message, str(member), body)
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")

    def shortcuts(self, message: Message, sender: str, member: str, body: Any) -> Message | None:
        self.called.add(sender)
        caller = sender.lstrip(":").replace(".", "_")
        options = body[-1]
        token = options.get("handle_token", ("s", f"t{time.monotonic_ns()}"))[1]
        request = f"{PATH}/request/{caller}/{token}"
        if member == "CreateSession":
            session_token = options.get("session_handle_token", ("s", "s"))[1]
            session = f"{PATH}/session/{caller}/{session_token}"
            self.sessions[session] = {
                "owner": sender,
                "app_id": self.app_ids.get(sender, ""),
                "shortcuts": None,
            }
            self.reply_then_respond(message, request, sender, {"session_handle": ("s", session)})
            return None
        session = self.sessions.get(str(body[0]))
        if session is None or session["owner"] != sender:
            return new_error(message, FAILED, "s", ("Invalid session",))
        if member == "BindShortcuts":
            if session["shortcuts"] is not None:
                return new_error(message, FAILED, "s", ("Shortcuts already bound",))
            session["shortcuts"] = {
                shortcut_id: {
                    "description": info["description"][1],
                    "preferred_trigger": info.get("preferred_trigger", ("s", ""))[1],
                }
                for shortcut_id, info in body[1]
            }
            bound = [
                (
                    shortcut_id,
                    {
                        "description": ("s", info["description"]),
                        "trigger_description": ("s", info["preferred_trigger"]),
                    },
                )
                for shortcut_id, info in session["shortcuts"].items()
            ]
            self.reply_then_respond(message, request, sender, {"shortcuts": ("a(sa{sv})", bound)})
            return None
        if member == "ConfigureShortcuts" and self.version >= 2:
            self.configured.append(str(body[0]))
            return new_method_return(message)
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")

    def reply_then_respond(
        self, message: Message, request: str, sender: str, results: dict[str, Any]
    ) -> None:
        self.connection.send(new_method_return(message, "o", (request,)))
        response = new_signal(
            DBusAddress(request, interface="org.freedesktop.portal.Request"),
            "Response",
            "ua{sv}",
            (0, results),
        )
        response.header.fields[HeaderFields.destination] = sender
        self.connection.send(response)

    def test(self, message: Message, member: str, body: Any) -> Message:
        if member == "State":
            state = {
                "sessions": self.sessions,
                "app_ids": sorted(self.app_ids.values()),
                "configured": self.configured,
            }
            return new_method_return(message, "s", (json.dumps(state),))
        kinds = {"Press": ("Activated", "Deactivated"), "Hold": ("Activated",)}
        for signal in kinds.get(member, ("Deactivated",) if member == "Release" else ()):
            self.emit(signal, str(body[0]))
        return new_method_return(message)

    def emit(self, member: str, shortcut_id: str) -> None:
        for path, session in self.sessions.items():
            if shortcut_id in (session["shortcuts"] or {}):
                signal = new_signal(
                    DBusAddress(PATH, interface=SHORTCUTS),
                    member,
                    "osta{sv}",
                    (path, shortcut_id, int(time.monotonic() * 1000), {}),
                )
                signal.header.fields[HeaderFields.destination] = session["owner"]
                self.connection.send(signal)


def main() -> int:
    version = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    connection = open_dbus_connection("SESSION")
    reply = connection.send_and_get_reply(
        new_method_call(message_bus, "RequestName", "su", (NAME, 4))
    )
    if reply.body[0] != 1:
        print("portal stand-in: the name is taken", file=sys.stderr)
        return 1
    portal = Portal(connection, version)
    print("ready", flush=True)
    while True:
        message = connection.receive()
        if message.header.message_type is not MessageType.method_call:
            continue
        if message.header.fields.get(HeaderFields.path) is None:
            continue
        answer = portal.handle(message)
        if answer is not None:
            connection.send(answer)


if __name__ == "__main__":
    sys.exit(main())
