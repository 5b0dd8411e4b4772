"""One window per person: a second `reader gui` hands its request to the running one.

The running window listens on a local socket (a Unix socket or a Windows named pipe,
private to the user); a later start sends one line ("read-clipboard", "read-selection"
or "show"), waits for "ok" and exits, so a desktop hotkey bound to
`reader gui --read-clipboard` reads at once instead of opening a second window.
"""

from __future__ import annotations

import getpass
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from reader import APP_ID

log = logging.getLogger(__name__)

ACTIONS = ("read-clipboard", "read-selection", "show")
_TIMEOUT_MS = 1500


def instance_name() -> str:
    """The socket's name: in the session's runtime folder where there is one (private to
    the user and to this login, so two sessions, or a test bed beside a desktop, each have
    their own window); else a per-user name in the temporary folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_dir():
        return str(Path(runtime) / f"{APP_ID}.instance")
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment: one instance per machine
        user = "user"
    return f"{APP_ID}-{user}"


def send_to_running(name: str, action: str) -> bool:
    """Hand `action` to a running window; False if none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    socket.write(f"{action}\n".encode())
    socket.flush()
    answered = socket.waitForReadyRead(_TIMEOUT_MS) and bytes(socket.readAll().data()).strip()
    socket.disconnectFromServer()
    return answered == b"ok"


class InstanceServer(QObject):
    """Listens for later starts; `requested(action)` fires on the GUI thread."""

    requested = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._pending: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        if self._server.listen(self._name):
            return True
        # A socket left by a Reader that crashed: nobody answers on it, so take it over.
        QLocalServer.removeServer(self._name)
        if self._server.listen(self._name):
            return True
        log.warning("Cannot listen for other Reader starts: %s", self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            self._pending[socket] = b""
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)

    @Slot()
    def _on_ready_read(self) -> None:
        for socket in list(self._pending):
            data = self._pending[socket] + bytes(socket.readAll().data())
            if b"\n" not in data:
                self._pending[socket] = data[:256]
                continue
            action = data.split(b"\n", 1)[0].decode(errors="replace").strip()
            self._pending[socket] = b""
            if action in ACTIONS:
                socket.write(b"ok\n")
                socket.flush()
                self.requested.emit(action)
            else:
                socket.write(b"unknown\n")
                socket.flush()

    @Slot()
    def _on_disconnected(self) -> None:
        for socket in [
            s for s in self._pending if s.state() != QLocalSocket.LocalSocketState.ConnectedState
        ]:
            del self._pending[socket]
            socket.deleteLater()
