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

from reader.errors import ReaderError
from reader.keys.store import KEYED_PROVIDERS, ApiKey, KeyStore
from reader.settings import Endpoint
from reader.ui.announce import ValueLabel
from reader.ui.background import Background

_Place = tuple[str, str | None]  # provider id, base URL (None: the vendor's own server)


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
        self, store: KeyStore | None, endpoints: tuple[Endpoint, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
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
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
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
        places: list[_Place] = [(provider, None) for provider in KEYED_PROVIDERS]
        places += [(e.provider, e.base_url) for e in endpoints if e.provider in KEYED_PROVIDERS]
        self._places = places
        self.table.setRowCount(len(places))
        for row, (provider, base_url) in enumerate(places):
            self.table.setItem(row, 0, QTableWidgetItem(provider))
            self.table.setItem(row, 1, QTableWidgetItem(base_url or "its own"))
            self.table.setItem(row, 2, QTableWidgetItem("…"))
        if places and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.refresh()

    def source_of(self, provider: str, base_url: str | None = None) -> str:
        """The Key column's text for a row (for tests and screen readers alike)."""
        row = self._places.index((provider, base_url))
        item = self.table.item(row, 2)
        return item.text() if item is not None else ""

    def select(self, provider: str, base_url: str | None = None) -> None:
        self.table.selectRow(self._places.index((provider, base_url)))

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
            f"Key for {provider} at {base_url or 'its own server'} (not shown):",
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
            self.status.setText(str(error))
            return
        if tag == "look up keys" and isinstance(result, list):
            for row, text in enumerate(result[: self.table.rowCount()]):
                item = QTableWidgetItem(str(text))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, 2, item)
            return
        if tag == "save the key":
            self.status.setText("Saved in the OS keyring.")
        elif tag == "remove the key":
            self.status.setText("Removed." if result else "No key was saved there.")
        self.refresh()
