"""Settings page: saved servers (OpenAI-compatible, Azure), each with a test button."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reader.errors import KeyProblem, ReaderError, UsageError
from reader.keys.redact import Redactor
from reader.keys.store import SERVICE, KeyStore, account, host_of
from reader.keys.transport import check_transport, is_unencrypted
from reader.providers.openai import takes_any_voice
from reader.providers.registry import Registry
from reader.settings import Endpoint
from reader.ui.announce import ValueLabel
from reader.ui.background import Background

KINDS = (("openai-compatible", "OpenAI-compatible"), ("azure", "Azure OpenAI"))


class _TypedKey:
    """A keyring stand-in that holds one key typed into the form, for "Test connection"
    before anything is saved (the real keyring is left untouched)."""

    def __init__(self, name: str, key: str) -> None:
        self._name, self._key = name, key

    def get_password(self, service: str, name: str) -> str | None:
        return self._key if (service, name) == (SERVICE, self._name) else None


class ServersPage(QWidget):
    """The list of saved servers and a form to add, change, remove or test one.

    A key typed here goes to the OS keyring, scoped to that server's host; it is only
    saved once the person confirms they trust that host with it. "Save server" saves at
    once (no OK needed): `endpoints_saved` carries the list to keep.

    Signals:
        endpoints_saved(object): the tuple of Endpoints after a save or a removal.
    """

    endpoints_saved = Signal(object)

    def __init__(
        self,
        endpoints: tuple[Endpoint, ...],
        store: KeyStore | None,
        redactor: Redactor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._endpoints = list(endpoints)
        self._refocus = False
        self.key_saved = False  # a server's key went to the keyring here
        self._store = store
        self._redactor = redactor
        self.list = QListWidget()
        self.list.setAccessibleName("Saved servers")
        # As tall as its rows ask (the form below must not scroll away on a small screen).
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.name = QLineEdit()
        self.name.setAccessibleName("Server name")
        self.name.setPlaceholderText("Kokoro at home")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Server kind")
        for kind, label in KINDS:
            self.kind.addItem(label, kind)
        self.base_url = QLineEdit()
        self.base_url.setAccessibleName("Base URL")
        self.base_url.setPlaceholderText("http://localhost:8880/v1")
        self.key = QLineEdit()
        self.key.setAccessibleName("Key for this server")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(_NO_KEY)
        # The tick and the notes below keep their place whether shown or not, so the
        # fields never move under the mouse while a URL or key is typed.
        self.trust = QCheckBox("")
        self.trust.setAccessibleName("Trust this host with the key")
        self.transport = ValueLabel("Connection security")
        self.transport.setWordWrap(True)
        self.transport.setMinimumHeight(self.transport.fontMetrics().lineSpacing() * 2)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        form.addRow("Base URL", self.base_url)
        form.addRow("Key", self.key)
        form.addRow("", self.trust)
        form.addRow("", self.transport)
        self.save_button = QPushButton("Save server")
        self.save_button.setAccessibleName("Save server")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove server")
        self.test_button = QPushButton("Test connection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.setToolTip("Ask the server for its models and voices")
        self.status = ValueLabel("Server status", announced=True)
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.test_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # The list and the form scroll on a small screen (at 2x on 1366x800); the buttons
        # and the test's result stay in view below them, whole.
        fields = QWidget()
        above = QVBoxLayout(fields)
        above.setContentsMargins(0, 0, 0, 0)
        above.addWidget(self.list, 1)
        above.addLayout(form)
        scroller = QScrollArea()
        scroller.setWidget(fields)
        # The tab's own background shows through, as on the other pages.
        fields.setAutoFillBackground(False)
        scroller.viewport().setAutoFillBackground(False)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(scroller, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._background = Background(self)
        self._background.finished.connect(self._on_finished)
        self.list.currentRowChanged.connect(self._show)
        self.base_url.textChanged.connect(self._url_changed)
        self.base_url.editingFinished.connect(self._url_left)
        self.key.textChanged.connect(self._url_changed)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.test_button.clicked.connect(self.test_connection)
        self._fill()
        self._url_changed()

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(self._endpoints)

    def _fill(self) -> None:
        self.list.clear()
        for endpoint in self._endpoints:
            self.list.addItem(
                f"{endpoint.name or host_of(endpoint.base_url)} — {endpoint.base_url}"
            )
        self.list.addItem("New server…")
        self.list.setCurrentRow(self.list.count() - 1)

    def select(self, base_url: str) -> None:
        """The saved server at `base_url` (or the one whose address it extends), shown
        with its Base URL field in focus: the address is what a failed connection most
        often needs mended."""
        wanted = base_url.rstrip("/")
        for row, endpoint in enumerate(self._endpoints):
            saved = endpoint.base_url.rstrip("/")
            if wanted == saved or wanted.startswith(saved + "/"):
                self.list.setCurrentRow(row)
                self.base_url.setFocus()
                return

    @Slot(int)
    def _show(self, row: int) -> None:
        endpoint = self._endpoints[row] if 0 <= row < len(self._endpoints) else None
        self.name.setText(endpoint.name if endpoint else "")
        self.base_url.setText(endpoint.base_url if endpoint else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(endpoint.provider if endpoint else "")))
        self.key.clear()
        self.trust.setChecked(False)  # trust is given per host, anew
        self.key.setPlaceholderText(_NO_KEY)
        self.remove_button.setEnabled(endpoint is not None)
        store = self._store
        if endpoint is not None and store is not None:
            kind, url = endpoint.provider, endpoint.base_url

            def look() -> bool:
                return store.get(kind, url) is not None

            self._background.run(f"key of {url}", look, "Looking up the server's key")

    @Slot()
    def _url_changed(self) -> None:
        # Quiet while the address is being typed: it is checked when saved or tested.
        url = self.base_url.text().strip()
        host = _host_or_nothing(url)
        self.trust.setText(f"I trust {host or 'this server'} with this key")
        self.trust.setEnabled(bool(self.key.text()))
        if not host:
            self.transport.setText("")
        elif is_unencrypted(url) and _loopback(url):
            self.transport.setText("Unencrypted (plain http), but it stays on this computer.")
        elif is_unencrypted(url):
            self.transport.setText(
                "Unencrypted (plain http): text and key travel in the clear on your network."
            )
        else:
            self.transport.setText("Encrypted (https).")

    @Slot()
    def _url_left(self) -> None:
        """The address field was left: now say what is wrong with the address, if anything
        (while it is typed, a half-typed address is not yet wrong)."""
        url = self.base_url.text().strip()
        try:
            host_of(url) if url else None
        except UsageError as error:
            self.transport.setText(str(error))

    def _form(self) -> tuple[str, str, str]:
        """(kind, base URL, name), checked; a UsageError says what to fix."""
        url = self.base_url.text().strip()
        if not url:
            raise UsageError("Enter the server's base URL, e.g. http://localhost:8880/v1.")
        check_transport(url)
        return str(self.kind.currentData()), url, self.name.text().strip()

    @Slot()
    def save(self) -> None:
        try:
            kind, url, name = self._form()
        except ReaderError as error:
            self.status.setText(error.in_window)
            return
        key = self.key.text().strip()
        if not self._may_send(key, url):
            return
        endpoint = Endpoint(_endpoint_id(name or host_of(url), self._endpoints), kind, url, name)
        row = self.list.currentRow()
        if 0 <= row < len(self._endpoints):
            endpoint = Endpoint(self._endpoints[row].id, kind, url, name)
            self._endpoints[row] = endpoint
        else:
            self._endpoints.append(endpoint)
            row = len(self._endpoints) - 1
        self._fill()
        self.list.setCurrentRow(row)
        self.endpoints_saved.emit(self.endpoints)
        store = self._store
        if key and store is not None:
            self._background.run(
                "save the key", lambda: store.save(kind, key, url), "Saving the key"
            )
        elif key:
            self.status.setText("The server is saved, but not its key: no keyring is open.")
        else:
            self.status.setText(f"Saved {name or host_of(url)}.")

    def _may_send(self, key: str, url: str) -> bool:
        """A typed key goes to a host (saved for it, or tested there) only once the person
        ticked that they trust it: the tick's own words."""
        if key and not self.trust.isChecked():
            self.status.setText(
                f"Tick “I trust {host_of(url)}” to send this key there, or clear it."
            )
            return False
        return True

    @Slot()
    def remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._endpoints):
            del self._endpoints[row]
            self._fill()
            self.endpoints_saved.emit(self.endpoints)
            self.status.setText("Removed.")

    @Slot()
    def test_connection(self) -> None:
        try:
            kind, url, _ = self._form()
        except ReaderError as error:
            self.status.setText(error.in_window)
            return
        typed = self.key.text().strip()
        if not self._may_send(typed, url):
            return
        store = (
            KeyStore(self._redactor, {}, backend=_TypedKey(account(kind, url), typed))
            if typed
            else self._store
        )
        self.status.setText(f"Connecting to {host_of(url)}…")
        self._refocus = self.test_button.hasFocus()  # disabled, it hands focus on
        self.test_button.setEnabled(False)

        def probe() -> str:
            registry = Registry(store)
            try:
                provider = registry.create(kind, url)
                models = provider.models()
                voices = provider.voices()
            finally:
                registry.close()
            return connected(
                host_of(url), len(models), None if takes_any_voice(provider) else len(voices)
            )

        self._background.run("test", probe, "Testing the connection")

    @Slot(str, object, object)
    def _on_finished(self, tag: str, result: Any, error: ReaderError | None) -> None:
        if tag == "test":
            self.test_button.setEnabled(True)
            if self._refocus:
                self.test_button.setFocus()
        if tag.startswith("key of "):
            url = tag.removeprefix("key of ")
            if error is None and result and url == self.base_url.text().strip():
                self.key.setPlaceholderText("a key is saved; type one to replace it")
            return
        if error is not None:
            self.status.setText(_in_this_page(error))
        elif tag == "test":
            self.status.setText(str(result))
        elif tag == "save the key":
            self.key_saved = True
            self.key.clear()
            self.key.setPlaceholderText("a key is saved; type one to replace it")
            self.status.setText("Saved; the key is in the OS keyring.")


_NO_KEY = "leave empty if the server needs none"


def _in_this_page(error: ReaderError) -> str:
    """The error in the window's words; a key problem is mended right here, in the Key
    field, not on another page."""
    if isinstance(error, KeyProblem) and error.remedy is not None:
        return f"{error.what} Type the server's key in the Key field above."
    return error.in_window


def _host_or_nothing(url: str) -> str:
    try:
        return host_of(url) if url else ""
    except UsageError:
        return ""


def _loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def connected(host: str, models: int, voices: int | None) -> str:
    """What Test connection found, as the server answered it; `voices` None for a server
    that lists none (it still reads with any voice it knows)."""
    listed = f"{models} model{'' if models == 1 else 's'}" if models else "no model list"
    if voices is None:
        return f"Connected to {host}: {listed}; this server lists no voices."
    return f"Connected to {host}: {listed}, {voices} voice{'' if voices == 1 else 's'}."


def _endpoint_id(name: str, existing: list[Endpoint]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "server"
    taken = {endpoint.id for endpoint in existing}
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
