"""The session bus on Qt's event loop: jeepney's messages, read by a QSocketNotifier.

jeepney marshals every D-Bus type exactly as written (QtDBus sends an empty Python list
as `av`, and aborts inside libdbus on the portal's `a(sa{sv})`), and with the socket read
here on the GUI thread, method calls, replies and signals reach their handlers there,
with no thread of ours. Writes are small and go to a local socket: they do not block.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import count

from jeepney import (
    DBusAddress,
    MatchRule,
    Message,
    MessageFlag,
    MessageType,
    new_error,
    new_method_call,
)
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields
from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot

log = logging.getLogger(__name__)

BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")

Handler = Callable[[Message], Message | None]


def field(message: Message, name: HeaderFields) -> object:
    return message.header.fields.get(name)


class SessionBus(QObject):
    """One connection to the session bus (or `address`).

    `call(message, on_reply)` sends a method call and hands its reply (or error) to
    `on_reply`; `export(path, handler)` answers method calls to `path` with the message
    `handler` returns; `subscribe(rule, callback)` delivers matching signals.

    Signals:
        lost(): the bus connection closed.
    """

    lost = Signal()

    def __init__(self, address: str = "SESSION", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connection = open_dbus_connection(address)  # OSError, KeyError if none
        self.unique_name: str = self._connection.unique_name
        self._serials = count(start=10_000)  # the connection's Hello used the first
        self._pending: dict[int, Callable[[Message], None] | None] = {}
        self._objects: dict[str, Handler] = {}
        self._rules: list[tuple[MatchRule, Callable[[Message], None]]] = []
        self._notifier = QSocketNotifier(
            self._connection.sock.fileno(), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._read)
        self._closed = False
        QTimer.singleShot(0, self._drain)  # what arrived with the Hello's reply

    def send(self, message: Message) -> int:
        serial = next(self._serials)
        if not self._closed:
            try:
                self._connection.send(message, serial=serial)
            except OSError as error:
                log.warning("the session bus went away: %s", error)
                self._close()
        return serial

    def call(self, message: Message, on_reply: Callable[[Message], None] | None = None) -> None:
        self._pending[self.send(message)] = on_reply

    def call_bus(
        self,
        method: str,
        signature: str | None = None,
        body: tuple[object, ...] = (),
        on_reply: Callable[[Message], None] | None = None,
    ) -> None:
        """A method of the bus itself (RequestName, AddMatch…)."""
        self.call(new_method_call(BUS, method, signature, body), on_reply)

    def export(self, path: str, handler: Handler) -> None:
        self._objects[path] = handler

    def subscribe(self, rule: MatchRule, callback: Callable[[Message], None]) -> None:
        self._rules.append((rule, callback))
        self.call_bus("AddMatch", "s", (rule.serialise(),))

    @Slot()
    def _read(self) -> None:
        try:
            data = self._connection.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close()
            return
        self._connection.parser.add_data(data)
        self._drain()

    def _drain(self) -> None:
        while (message := self._connection.parser.get_next_message()) is not None:
            self._dispatch(message)

    def _dispatch(self, message: Message) -> None:
        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            on_reply = self._pending.pop(int(str(field(message, HeaderFields.reply_serial))), None)
            if kind is MessageType.error:
                log.debug(
                    "D-Bus error: %s %s", field(message, HeaderFields.error_name), message.body
                )
            if on_reply is not None:
                on_reply(message)
        elif kind is MessageType.signal:
            for rule, callback in list(self._rules):
                if rule.matches(message):
                    callback(message)
        elif kind is MessageType.method_call:
            handler = self._objects.get(str(field(message, HeaderFields.path)))
            reply = (
                handler(message)
                if handler is not None
                else new_error(message, "org.freedesktop.DBus.Error.UnknownObject")
            )
            if reply is not None and not message.header.flags & MessageFlag.no_reply_expected:
                self.send(reply)

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._notifier.setEnabled(False)
        self._connection.close()
        self.lost.emit()

    def close(self) -> None:
        self._closed = True
        self._notifier.setEnabled(False)
        self._connection.close()
