"""Settings page: saved servers (OpenAI-compatible, Azure), each with a test button."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.errors import ReaderError, UsageError
from reader.keys.redact import Redactor
from reader.keys.store import SERVICE, KeyStore, account, host_of
from reader.keys.transport import check_transport, is_unencrypted
from reader.providers.registry import Registry
from reader.settings import Endpoint
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
    saved once the person confirms they trust that host with it.
    """

    def __init__(
        self,
        endpoints: tuple[Endpoint, ...],
        store: KeyStore | None,
        redactor: Redactor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._endpoints = list(endpoints)
        self._store = store
        self._redactor = redactor
        self.list = QListWidget()
        self.list.setAccessibleName("Saved servers")
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
        self.key.setPlaceholderText("leave empty if the server needs none")
        self.trust = QCheckBox("")
        self.trust.setAccessibleName("Trust this host with the key")
        self.transport = QLabel("")
        self.transport.setAccessibleName("Connection security")
        self.transport.setWordWrap(True)
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
        self.status = QLabel("")
        self.status.setAccessibleName("Server status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.test_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._background = Background(self)
        self._background.finished.connect(self._on_finished)
        self.list.currentRowChanged.connect(self._show)
        self.base_url.textChanged.connect(self._url_changed)
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

    @Slot(int)
    def _show(self, row: int) -> None:
        endpoint = self._endpoints[row] if 0 <= row < len(self._endpoints) else None
        self.name.setText(endpoint.name if endpoint else "")
        self.base_url.setText(endpoint.base_url if endpoint else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(endpoint.provider if endpoint else "")))
        self.key.clear()
        self.remove_button.setEnabled(endpoint is not None)

    @Slot()
    def _url_changed(self) -> None:
        url = self.base_url.text().strip()
        problem = ""
        try:
            host = host_of(url) if url else ""
        except UsageError as error:  # half typed, or mistyped: said as it is typed
            host, problem = "", str(error)
        self.trust.setText(f"I trust {host or 'this server'} with this key")
        self.trust.setVisible(bool(self.key.text()))
        if not url or problem:
            self.transport.setText(problem)
        elif is_unencrypted(url):
            self.transport.setText(
                "Unencrypted (plain http): text and key travel in the clear on your network."
            )
        else:
            self.transport.setText("Encrypted (https).")

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
            self.status.setText(str(error))
            return
        key = self.key.text().strip()
        if key and not self.trust.isChecked():
            self.status.setText(
                f"Tick “I trust {host_of(url)}” to send this key there, or clear it."
            )
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
        store = self._store
        if key and store is not None:
            self._background.run(
                "save the key", lambda: store.save(kind, key, url), "Saving the key"
            )
        elif key:
            self.status.setText("The server is saved, but not its key: no keyring is open.")
        else:
            self.status.setText("Saved. Press OK to keep it.")

    @Slot()
    def remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._endpoints):
            del self._endpoints[row]
            self._fill()
            self.status.setText("Removed. Press OK to keep the change.")

    @Slot()
    def test_connection(self) -> None:
        try:
            kind, url, _ = self._form()
        except ReaderError as error:
            self.status.setText(str(error))
            return
        typed = self.key.text().strip()
        store = (
            KeyStore(self._redactor, {}, backend=_TypedKey(account(kind, url), typed))
            if typed
            else self._store
        )
        self.status.setText(f"Connecting to {host_of(url)}…")
        self.test_button.setEnabled(False)

        def probe() -> str:
            registry = Registry(store)
            try:
                provider = registry.create(kind, url)
                models = provider.models()
                voices = provider.voices()
            finally:
                registry.close()
            return f"Connected to {host_of(url)}: {len(models)} models, {len(voices)} voices."

        self._background.run("test", probe, "Testing the connection")

    @Slot(str, object, object)
    def _on_finished(self, tag: str, result: Any, error: ReaderError | None) -> None:
        if tag == "test":
            self.test_button.setEnabled(True)
        if error is not None:
            self.status.setText(str(error))
        elif tag == "test":
            self.status.setText(str(result))
        elif tag == "save the key":
            self.key.clear()
            self.status.setText("Saved; the key is in the OS keyring. Press OK to keep the server.")


def _endpoint_id(name: str, existing: list[Endpoint]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "server"
    taken = {endpoint.id for endpoint in existing}
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
