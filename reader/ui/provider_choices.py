"""What the toolbar's provider box lists (each provider, each saved server by its name) and
which entry a provider made from it is."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from reader.keys.store import host_of
from reader.providers.base import Provider
from reader.providers.registry import Registry
from reader.settings import Endpoint

# An entry of the box: the provider's id and the saved server's address (None: a
# provider with no server of its own, or the vendor's).
Place = tuple[str, str | None]


def key_of(place: Place) -> str:
    """The name a provider is kept under (its made provider, its favourite voices)."""
    provider_id, base_url = place
    return f"{provider_id}@{base_url or ''}"


class ProviderChoices:
    """Fills `box` with the registry's providers and the saved servers, in that order."""

    def __init__(self, box: QComboBox, registry: Registry) -> None:
        self._box = box
        self._registry = registry
        self.places: list[Place] = []  # the box's entries, in its order

    def fill(self, endpoints: tuple[Endpoint, ...]) -> None:
        self._box.clear()
        self.places = []
        for info in self._registry.infos():
            if info.needs_base_url:
                for endpoint in endpoints:
                    if endpoint.provider == info.id:
                        where = endpoint.name or host_of(endpoint.base_url)
                        self._add(f"{info.display_name}: {where}", (info.id, endpoint.base_url))
            else:
                self._add(info.display_name, (info.id, None))

    def _add(self, label: str, place: Place) -> None:
        self.places.append(place)
        self._box.addItem(label)

    def place_of(self, provider: Provider) -> Place:
        """The entry `provider` was made from: a saved server's, where it talks to one."""
        for provider_id, base_url in self.places:
            if (
                provider_id == provider.id
                and base_url
                and base_url.rstrip("/") == provider.cache_scope
            ):
                return provider_id, base_url
        return provider.id, None

    def show(self, place: Place) -> None:
        """Make `place` the box's current entry (left as it is when it is not listed)."""
        if place in self.places:
            self._box.setCurrentIndex(self.places.index(place))
