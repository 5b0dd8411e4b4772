"""Which providers exist, and making one by id with its key, its server and its checks."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from reader.errors import KeyMissing, ReaderError, Remedy, UsageError
from reader.keys.openai_env import PAIRED_PROVIDERS, paired_base_url, why_no_key
from reader.keys.store import KEYED_PROVIDERS, SHARED_KEYS, KeyringUnavailable, KeyStore, host_of
from reader.keys.transport import check_transport
from reader.providers.azure import azure_speech
from reader.providers.base import Provider, Voice
from reader.providers.elevenlabs import ELEVENLABS_URL, ElevenLabsSpeech
from reader.providers.espeak import EspeakEngine, OfflineProvider
from reader.providers.gemini import GEMINI_URL, GeminiSpeech
from reader.providers.gemini import VOICES as GEMINI_VOICES
from reader.providers.hibari import HibariEngine, NaturalProvider
from reader.providers.http import HttpApi
from reader.providers.kokoro import KokoroProvider
from reader.providers.openai import OPENAI_URL, OpenAISpeech
from reader.providers.openai import VOICES as OPENAI_VOICES
from reader.providers.openai_chat import VOICES as CHAT_VOICES
from reader.providers.openai_chat import OpenAIChatAudio
from reader.providers.vertex import vertex_speech
from reader.voices import catalogue
from reader.voices.store import VoiceStore


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    id: str
    display_name: str
    needs_key: bool
    needs_base_url: bool = False


log = logging.getLogger(__name__)

_INFOS = (
    ProviderInfo(NaturalProvider.id, NaturalProvider.display_name, needs_key=False),
    ProviderInfo(OfflineProvider.id, OfflineProvider.display_name, needs_key=False),
    ProviderInfo(KokoroProvider.id, KokoroProvider.display_name, needs_key=False),
    ProviderInfo("openai", "OpenAI", needs_key=True),
    ProviderInfo("openai-chat", "OpenAI chat audio", needs_key=True),
    ProviderInfo("openai-compatible", "OpenAI-compatible server", False, needs_base_url=True),
    ProviderInfo("azure", "Azure OpenAI", needs_key=True, needs_base_url=True),
    ProviderInfo("gemini", "Google Gemini", needs_key=True),
    ProviderInfo("elevenlabs", "ElevenLabs", needs_key=True),
    ProviderInfo("vertex", "Vertex AI (Gemini)", needs_key=True),
)
_ALIASES = {
    "espeak": "offline",
    "espeak-ng": "offline",
    "hibari": "natural",
    "builtin": "natural",
    "compatible": "openai-compatible",
    "azure-openai": "azure",
    "google": "gemini",
}


def _display_name(provider_id: str) -> str:
    """The provider's name as the window lists it ("OpenAI", not "openai")."""
    return next((info.display_name for info in _INFOS if info.id == provider_id), provider_id)


class Registry:
    """Makes providers and knows where keys come from. A key is looked up for the exact
    server a provider will talk to, so it never goes to a host it was not saved for."""

    def __init__(self, keys: KeyStore | None = None, voices: VoiceStore | None = None) -> None:
        self._keys = keys
        self._voices = voices  # the downloaded voices; the platform's folder if None
        self._made: list[Provider] = []
        # The natural voice's model, loaded on its first request and kept for the next.
        self._hibari = HibariEngine()

    def close(self) -> None:
        """Close every provider this registry made (their HTTP connections)."""
        made, self._made = self._made, []
        for provider in made:
            provider.close()

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

    def builtin_voices(self, provider_id: str) -> list[Voice] | None:
        """The voices of a provider whose list is fixed, known without a key or a request;
        None where the server must be asked (it needs a key or a base URL)."""
        wanted = self.resolve(provider_id)
        if wanted in ("openai", "azure"):
            return [Voice(name, name.capitalize()) for name in OPENAI_VOICES]
        if wanted == "openai-chat":
            return [Voice(name, name.capitalize()) for name in CHAT_VOICES]
        if wanted in ("gemini", "vertex"):
            return [Voice(name, name) for name in GEMINI_VOICES]
        return None

    def default_id(self) -> str:
        """The provider used when none is named or saved: the built-in natural voice
        (eSpeak NG for other languages), which needs no account and no download."""
        return NaturalProvider.id

    def create(self, provider_id: str, base_url: str | None = None) -> Provider:
        provider = self._create(self.resolve(provider_id), base_url)
        self._made.append(provider)
        return provider

    def _create(self, provider_id: str, base_url: str | None) -> Provider:
        if provider_id == "natural":
            if base_url:
                raise UsageError("The natural voice takes no --base-url.")
            return NaturalProvider(self._hibari, downloaded=self._store())
        if provider_id == "kokoro":
            if base_url:
                raise UsageError("Kokoro's downloaded voices take no --base-url.")
            return KokoroProvider(self._store())
        if provider_id == "offline":
            if base_url:
                raise UsageError("The offline voice takes no --base-url.")
            return OfflineProvider(EspeakEngine.shared())
        if provider_id in ("openai", "openai-chat"):
            # As the openai SDK: OPENAI_BASE_URL, when set, is where "OpenAI" is.
            url = base_url or self._paired_url() or OPENAI_URL
            check_transport(url)
            # One OpenAI key serves both endpoints (SHARED_KEYS); it is saved under "openai".
            auth = self._auth(
                SHARED_KEYS.get(provider_id, (provider_id, ""))[0], url, required=True
            )
            if provider_id == "openai":
                return OpenAISpeech(HttpApi("OpenAI", "openai", url, auth))
            return OpenAIChatAudio(HttpApi("OpenAI", "openai", url, auth))
        if provider_id == "gemini":
            url = base_url or GEMINI_URL
            check_transport(url)
            key = self._key("gemini", url)
            # The key goes in a header, never a `key=` query parameter (URLs get logged).
            return GeminiSpeech(HttpApi("Gemini", "gemini", url, {"x-goog-api-key": key}))
        if provider_id == "elevenlabs":
            url = base_url or ELEVENLABS_URL
            check_transport(url)
            key = self._key("elevenlabs", url)
            return ElevenLabsSpeech(HttpApi("ElevenLabs", "elevenlabs", url, {"xi-api-key": key}))
        if provider_id == "vertex":
            if base_url:
                check_transport(base_url)
            # An express-mode key saved for this server, else Google credentials.
            saved = self._optional_key("vertex", base_url)
            return vertex_speech(base_url, saved)
        if provider_id == "azure":
            if not base_url:
                raise UsageError(
                    "azure needs --base-url, your deployment's address: "
                    "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT."
                )
            check_transport(base_url)
            return azure_speech(base_url, self._key("azure", base_url))
        base_url = base_url or self._paired_url()
        if not base_url:
            raise UsageError(
                "openai-compatible needs --base-url (or OPENAI_BASE_URL), the server's "
                "address (for example http://localhost:8880/v1 for Kokoro-FastAPI)."
            )
        check_transport(base_url)
        name = f"The server at {host_of(base_url)}"
        headers = self._auth(provider_id, base_url)
        # Kokoro takes no key; a server that wants one is told why none was sent.
        reason = None if headers else self._why_no_key(provider_id, base_url)
        api = HttpApi(name, "openai-compatible", base_url, headers, no_key_reason=reason)
        return OpenAISpeech(api, "openai-compatible", name, compatible=True)

    def _environ(self) -> Mapping[str, str]:
        # Without a key store (tests, the offline voice) no key comes from anywhere.
        return self._keys.environ if self._keys is not None else {}

    def _paired_url(self) -> str | None:
        url = paired_base_url(self._environ())
        if url:
            log.info("Using OPENAI_BASE_URL: %s", url)
        return url

    def _why_no_key(self, provider_id: str, base_url: str) -> Remedy:
        return why_no_key(provider_id, host_of(base_url), base_url, self._environ())

    def voice_store(self) -> VoiceStore:
        """The downloaded voices (the platform's data folder unless one was given)."""
        return self._store()

    def _store(self) -> VoiceStore:
        if self._voices is None:
            try:
                found = catalogue.load()
            except ReaderError as error:
                # The built-in voice must not depend on the list of voices to download.
                log.warning("%s Downloaded voices are not available.", error)
                found = catalogue.EMPTY
            self._voices = VoiceStore(found)
        return self._voices

    def _auth(self, provider_id: str, base_url: str, required: bool = False) -> dict[str, str]:
        if not required:
            key = self._optional_key(provider_id, base_url)
            return {"Authorization": f"Bearer {key}"} if key else {}  # Kokoro: no key
        return {"Authorization": f"Bearer {self._key(provider_id, base_url)}"}

    def _optional_key(self, provider_id: str, base_url: str | None) -> str | None:
        """A key the server may not need: an unusable keyring must not stop a local server
        that takes none, so it is reported and the request goes without."""
        if self._keys is None:
            return None
        try:
            key = self._keys.get(provider_id, base_url)
        except KeyringUnavailable as error:
            log.warning("%s Going on without a key.", error)
            return None
        return key.value if key else None

    def _key(self, provider_id: str, base_url: str) -> str:
        """The key saved (or in the environment) for exactly this server, else KeyMissing
        saying how to provide one."""
        key = self._keys.get(provider_id, base_url) if self._keys is not None else None
        if key is not None:
            return key.value
        info = KEYED_PROVIDERS[provider_id]
        name = _display_name(provider_id)
        if provider_id in PAIRED_PROVIDERS and host_of(base_url) != info.official_host:
            raise KeyMissing(f"No key for {name}.", self._why_no_key(provider_id, base_url))
        official = host_of(base_url) == info.official_host
        if info.env_allowed(host_of(base_url)):
            raise KeyMissing(
                f"No {name} key.",
                Remedy(
                    f"Save one with `reader keys set {provider_id}"
                    f"{'' if official else ' --base-url ' + base_url}`"
                    f" (it goes to the OS keyring), or set {info.env_var}.",
                    "Save one in Settings → Keys.",
                    "keys",
                ),
            )
        raise KeyMissing(
            f"No key is saved for {host_of(base_url)}, and Reader will not send your "
            f"{name} key to another server.",
            Remedy(
                f"Save one for it with `reader keys set {provider_id} --base-url {base_url}`.",
                "Save one for it in Settings → Keys.",
                "keys",
            ),
        )
