"""Settings page: each provider's key by where it comes from (never its value)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.errors import ReaderError, in_window
from reader.keys.store import KEYED_PROVIDERS, ApiKey, KeyStore, host_of
from reader.settings import Endpoint
from reader.ui.announce import ValueLabel
from reader.ui.background import Background

_Place = tuple[str, str | None]  # provider id, base URL (None: the vendor's own server)

# The vendors' own servers, each with one key. OpenAI's also serves its chat audio (the
# key is saved under "openai"); a compatible server or an Azure resource always has an
# address of its own, so those keys are on the rows of the saved servers.
VENDOR_ROWS = ("openai", "gemini", "elevenlabs", "vertex")
_VENDOR_SERVER = {"vertex": "Google Cloud (express mode)"}


def describe_source(key: ApiKey | None) -> str:
    """Where a key comes from, in words, never any part of its value."""
    if key is None:
        return "not set"
    if key.source == "environment":
        return f"environment ({key.origin})"
    return "OS keyring"


class KeysPage(QWidget):
    """A table of providers and saved servers with the source of each key, and buttons
    to set (typed into a hidden field) or remove the selected one's key. Every keyring
    call runs off the GUI thread: the keyring may ask to be unlocked."""

    def __init__(
        self,
        store: KeyStore | None,
        endpoints: tuple[Endpoint, ...],
        parent: QWidget | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._names = names or {}  # provider id → the name people know it by
        self._store = store
        self.changed = False  # a key was set or removed here
        self._places: list[_Place] = []
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("API keys")
        # Tab leaves the table for its buttons; the arrow keys move between rows.
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels(["Provider", "Server", "Key"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.set_button = QPushButton("Set key…")
        self.set_button.setAccessibleName("Set the selected provider's key")
        self.set_button.setToolTip("Paste a key; it is saved in the OS keyring only")
        self.remove_button = QPushButton("Remove key")
        self.remove_button.setAccessibleName("Remove the selected provider's key")
        self.remove_button.setToolTip("Delete the key from the OS keyring")
        self.status = ValueLabel("Keys status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        note = QLabel("Keys are kept in the OS keyring and sent only to the server they are for.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._background = Background(self)
        self._background.finished.connect(self._on_finished)
        self.set_button.clicked.connect(self._ask_for_key)
        self.remove_button.clicked.connect(self._remove)
        self.set_endpoints(endpoints)

    def set_endpoints(self, endpoints: tuple[Endpoint, ...]) -> None:
        places: list[_Place] = [(provider, None) for provider in VENDOR_ROWS]
        saved = [e for e in endpoints if e.provider in KEYED_PROVIDERS]
        places += [(e.provider, e.base_url) for e in saved]
        servers = [_VENDOR_SERVER.get(p, KEYED_PROVIDERS[p].official_host) for p in VENDOR_ROWS]
        servers += [f"{e.name} ({host_of(e.base_url)})" if e.name else e.base_url for e in saved]
        self._places = places
        self.table.setRowCount(len(places))
        for row, ((provider, _), server) in enumerate(zip(places, servers, strict=True)):
            for column, text in enumerate((self.name_of(provider), server, "…")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        if places and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.refresh()

    def source_of(self, provider: str, base_url: str | None = None) -> str:
        """The Key column's text for a row (for tests and screen readers alike)."""
        row = self._places.index((provider, base_url))
        item = self.table.item(row, 2)
        return item.text() if item is not None else ""

    def name_of(self, provider: str) -> str:
        return self._names.get(provider, provider)

    def select(self, provider: str, base_url: str | None = None) -> None:
        """Select the row of `provider` at `base_url`, else the provider's first row (never
        another provider's: "Set key…" there would save the key under it)."""
        rows = [i for i, (p, url) in enumerate(self._places) if p == provider]
        exact = [i for i in rows if self._places[i][1] == base_url]
        if exact or rows:
            self.table.selectRow((exact or rows)[0])

    def refresh(self) -> None:
        store, places = self._store, list(self._places)
        if store is None:
            self.status.setText("No keyring in this session.")
            return

        def look() -> list[str]:
            return [describe_source(store.get(provider, url)) for provider, url in places]

        self._background.run("look up keys", look, "Looking up the keys")

    def save_key(self, key: str) -> None:
        """Save `key` for the selected row (what "Set key…" does once a key is typed)."""
        place = self._selected()
        store = self._store
        if place is None or store is None:
            return
        provider, base_url = place

        def save() -> None:
            store.save(provider, key, base_url)

        self._background.run("save the key", save, "Saving the key")

    @Slot()
    def _ask_for_key(self) -> None:
        place = self._selected()
        if place is None:
            return
        provider, base_url = place
        key, accepted = QInputDialog.getText(
            self,
            "Set key",
            f"Paste the key for {self.name_of(provider)}"
            + (f" at {base_url}" if base_url else "")
            + ". It is not shown as you type.",
            QLineEdit.EchoMode.Password,
        )
        if accepted and key.strip():
            self.save_key(key)

    @Slot()
    def _remove(self) -> None:
        place = self._selected()
        store = self._store
        if place is None or store is None:
            return
        provider, base_url = place

        def remove() -> bool:
            return store.delete(provider, base_url)

        self._background.run("remove the key", remove, "Removing the key")

    def _selected(self) -> _Place | None:
        row = self.table.currentRow()
        return self._places[row] if 0 <= row < len(self._places) else None

    @Slot(str, object, object)
    def _on_finished(self, tag: str, result: object, error: ReaderError | None) -> None:
        if error is not None:
            self.status.setText(in_window(error))
            return
        if tag == "look up keys" and isinstance(result, list):
            for row, text in enumerate(result[: self.table.rowCount()]):
                item = QTableWidgetItem(str(text))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, 2, item)
            return
        self.changed = True
        if tag == "save the key":
            self.status.setText("Saved in the OS keyring.")
        elif tag == "remove the key":
            self.status.setText("Removed." if result else "No key was saved there.")
        self.refresh()
