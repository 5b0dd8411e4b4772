"""Which providers exist, and making one by id with its key, its server and its checks."""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import KeyMissing, UsageError
from reader.keys import KeyStore, host_of
from reader.providers.base import Provider
from reader.providers.espeak import EspeakEngine, OfflineProvider
from reader.providers.http import HttpApi
from reader.providers.openai import OPENAI_URL, OpenAISpeech
from reader.transport import check_transport


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    id: str
    display_name: str
    needs_key: bool
    needs_base_url: bool = False


_INFOS = (
    ProviderInfo(OfflineProvider.id, OfflineProvider.display_name, needs_key=False),
    ProviderInfo("openai", "OpenAI", needs_key=True),
    ProviderInfo("openai-compatible", "OpenAI-compatible server", False, needs_base_url=True),
)
_ALIASES = {"espeak": "offline", "espeak-ng": "offline", "compatible": "openai-compatible"}


class Registry:
    """Makes providers and knows where keys come from. A key is looked up for the exact
    server a provider will talk to, so it never goes to a host it was not saved for."""

    def __init__(self, keys: KeyStore | None = None) -> None:
        self._keys = keys

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
        """The provider used when none is named or saved: the offline voice, which needs
        no account."""
        return OfflineProvider.id

    def create(self, provider_id: str, base_url: str | None = None) -> Provider:
        provider_id = self.resolve(provider_id)
        if provider_id == "offline":
            if base_url:
                raise UsageError("The offline voice takes no --base-url.")
            return OfflineProvider(EspeakEngine.shared())
        if provider_id == "openai":
            url = base_url or OPENAI_URL
            check_transport(url)
            api = HttpApi("OpenAI", "openai", url, self._auth("openai", url, required=True))
            return OpenAISpeech(api)
        if not base_url:
            raise UsageError(
                "openai-compatible needs --base-url, the server's address "
                "(for example http://localhost:8880/v1 for Kokoro-FastAPI)."
            )
        check_transport(base_url)
        name = f"The server at {host_of(base_url)}"
        api = HttpApi(name, "openai-compatible", base_url, self._auth(provider_id, base_url))
        return OpenAISpeech(api, "openai-compatible", name, compatible=True)

    def _auth(self, provider_id: str, base_url: str, required: bool = False) -> dict[str, str]:
        key = self._keys.get(provider_id, base_url) if self._keys is not None else None
        if key is not None:
            return {"Authorization": f"Bearer {key.value}"}
        if not required:
            return {}  # local servers such as Kokoro take no key
        if base_url.rstrip("/") == OPENAI_URL:
            raise KeyMissing(
                "No OpenAI key. Save one with `reader keys set openai` (it goes to the OS "
                "keyring), or set OPENAI_API_KEY."
            )
        raise KeyMissing(
            f"No key is saved for {host_of(base_url)}, and Reader will not send your "
            f"{provider_id} key to another server. Save one for it with "
            f"`reader keys set {provider_id} --base-url {base_url}`."
        )
