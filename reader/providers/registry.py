"""Which providers exist, and making one by id."""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import UsageError
from reader.providers.base import Provider
from reader.providers.espeak import EspeakEngine, OfflineProvider


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    id: str
    display_name: str
    needs_key: bool
    env_var: str = ""


_INFOS = (ProviderInfo(OfflineProvider.id, OfflineProvider.display_name, needs_key=False),)
_ALIASES = {"espeak": "offline", "espeak-ng": "offline"}


class Registry:
    """Makes providers; owns what they share (the one espeak-ng engine per process)."""

    def __init__(self) -> None:
        self._espeak: EspeakEngine | None = None

    def infos(self) -> list[ProviderInfo]:
        return list(_INFOS)

    def ids(self) -> list[str]:
        return [info.id for info in _INFOS]

    def resolve(self, provider_id: str) -> str:
        wanted = _ALIASES.get(provider_id.lower(), provider_id.lower())
        if wanted not in self.ids():
            raise UsageError(
                f"Unknown provider '{provider_id}'. Choose one of: {', '.join(self.ids())}."
            )
        return wanted

    def default_id(self) -> str:
        """The provider used when none is named: the offline voice needs no account."""
        return OfflineProvider.id

    def create(self, provider_id: str, base_url: str | None = None) -> Provider:
        provider_id = self.resolve(provider_id)
        if base_url:
            raise UsageError(f"The {provider_id} provider takes no --base-url.")
        if self._espeak is None:
            self._espeak = EspeakEngine()
        return OfflineProvider(self._espeak)
