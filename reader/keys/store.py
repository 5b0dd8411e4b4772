"""API keys: saved in the OS keyring only, and read back only for the host they belong to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reader import APP_ID
from reader.errors import KeyProblem, Remedy, UsageError
from reader.keys.address import server_address
from reader.keys.openai_env import KEY_VAR as OPENAI_KEY_VAR
from reader.keys.openai_env import pairs_with
from reader.keys.redact import Redactor

SERVICE = APP_ID


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What is known about one provider's key: where it would come from, and its host."""

    provider: str
    env_var: str = ""
    official_host: str = ""  # the vendor's one server: its key is saved as just `provider`
    # Other hosts the environment variable's key may go to (Azure: one host per resource).
    env_host_suffixes: tuple[str, ...] = ()

    def env_allowed(self, host: str | None) -> bool:
        if not self.env_var:
            return False
        if host is None:
            return bool(self.official_host)
        return host == self.official_host or host.endswith(self.env_host_suffixes)


# Providers that take a key. The environment variable is each vendor's usual one and is
# only ever sent to the vendor's own host.
KEYED_PROVIDERS: dict[str, KeyInfo] = {
    info.provider: info
    for info in (
        KeyInfo("openai", "OPENAI_API_KEY", "api.openai.com"),
        KeyInfo("openai-chat", "OPENAI_API_KEY", "api.openai.com"),
        KeyInfo("openai-compatible"),
        KeyInfo(
            "azure",
            "AZURE_OPENAI_API_KEY",
            env_host_suffixes=(".openai.azure.com", ".cognitiveservices.azure.com"),
        ),
        KeyInfo("gemini", "GEMINI_API_KEY", "generativelanguage.googleapis.com"),
        KeyInfo("vertex"),
        KeyInfo("elevenlabs", "ELEVENLABS_API_KEY", "api.elevenlabs.io"),
    )
}


# Providers that use another's key, and why a person is told so: OpenAI's chat audio and
# its speech endpoint are one account.
SHARED_KEYS: dict[str, tuple[str, str]] = {
    "openai-chat": ("openai", "OpenAI's chat audio and speech share one key"),
}


class KeyringUnavailable(KeyProblem):
    """No usable OS keyring: none installed, locked, or unlocking refused."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key and where it came from. `str()` and `repr()` show only its mask."""

    value: str = field(repr=False)
    source: str  # "keyring" or "environment"
    origin: str  # the keyring account or the environment variable

    def masked(self) -> str:
        return mask(self.value)

    def __str__(self) -> str:
        return self.masked()


def mask(value: str) -> str:
    return "…" + value[-4:] if len(value) > 8 else "…"


def host_of(base_url: str) -> str:
    """host[:port] of a URL, lower case; UsageError when it is not a URL."""
    return server_address(base_url).host_port


def account(provider: str, base_url: str | None = None) -> str:
    """The keyring account: the provider for its official host, provider@host otherwise."""
    info = KEYED_PROVIDERS.get(provider, KeyInfo(provider))
    if base_url is None:
        return provider
    host = host_of(base_url)
    return provider if host == info.official_host else f"{provider}@{host}"


class KeyStore:
    """Reads and writes keys in the OS keyring (`os_keyring`).

    A plaintext or null backend is refused: keys never land in a file. Every key handed
    out is registered with the Redactor, so no log line can carry it.
    """

    def __init__(
        self,
        redactor: Redactor,
        environ: Mapping[str, str] | None = None,
        backend: Any = None,
    ) -> None:
        self._redactor = redactor
        self._environ = os.environ if environ is None else environ
        self._backend_instance = backend
        # Once the keyring failed (locked, unlock refused), do not ask again: each ask
        # may put another unlock prompt in front of the person.
        self._unavailable: KeyringUnavailable | None = None

    def save(self, provider: str, key: str, base_url: str | None = None) -> str:
        """Store `key`; returns the keyring account it was saved under."""
        key = key.strip()
        if not key:
            raise UsageError("The key is empty: paste it on standard input.")
        if any(ch.isspace() for ch in key) or not key.isprintable():
            raise UsageError("The key has spaces or control characters; paste only the key.")
        name = account(provider, base_url)
        self._redactor.add(key)
        self._call("save the key", lambda backend: backend.set_password(SERVICE, name, key))
        return name

    def delete(self, provider: str, base_url: str | None = None) -> bool:
        name = account(provider, base_url)
        if self._call("read the key", lambda backend: backend.get_password(SERVICE, name)) is None:
            return False
        self._call("delete the key", lambda backend: backend.delete_password(SERVICE, name))
        return True

    def get(self, provider: str, base_url: str | None = None) -> ApiKey | None:
        """The key for `provider` at `base_url`: the keyring's, else (for the provider's
        official host only) its environment variable's, else None."""
        name = account(provider, base_url)
        env = self._env_key(provider, base_url)
        try:
            value = self._call("read the key", lambda backend: backend.get_password(SERVICE, name))
        except KeyringUnavailable:
            if env is None:
                raise
            value = None  # the keyring is out of reach but the environment has a key
        if value:
            self._redactor.add(value)
            return ApiKey(value, "keyring", name)
        return env

    @property
    def environ(self) -> Mapping[str, str]:
        """The environment keys are read from (os.environ unless a test gave another)."""
        return self._environ

    def _env_key(self, provider: str, base_url: str | None) -> ApiKey | None:
        info = KEYED_PROVIDERS.get(provider)
        host = host_of(base_url) if base_url else None
        if info is None:
            return None
        if info.env_allowed(host):
            variable = info.env_var
        elif pairs_with(provider, base_url, self._environ):
            variable = OPENAI_KEY_VAR  # OPENAI_BASE_URL names this very server
        else:
            return None
        value = self._environ.get(variable, "").strip()
        if not value:
            return None
        self._redactor.add(value)
        return ApiKey(value, "environment", variable)

    def _backend(self) -> Any:
        if self._backend_instance is None:
            self._backend_instance = os_keyring(self._hint())
        return self._backend_instance

    def _call(self, action: str, operation: Any) -> Any:
        if self._unavailable is not None:
            raise self._unavailable
        try:
            return operation(self._backend())
        except KeyringUnavailable as error:
            self._unavailable = error
            raise
        except Exception as error:  # keyring's backends and D-Bus all differ
            self._unavailable = KeyringUnavailable(_explain(action, error), _instead(self._hint()))
            raise self._unavailable from None

    def _hint(self) -> str:
        return "or put the key in the provider's environment variable (see `reader keys list`)"


def os_keyring(hint: str) -> Any:
    """The OS keyring as `keyring` chooses it: the one set in its keyringrc.cfg or
    PYTHON_KEYRING_BACKEND, else the Secret Service (GNOME Keyring, KWallet, KeePassXC,
    over secretstorage's encrypted session) on Linux and the BSDs, the Keychain on macOS,
    the Credential Locker on Windows. A backend that would keep keys in a file, or none
    at all, is refused."""
    import keyring  # its backends are found and probed (a fraction of a second) once

    backend = keyring.get_keyring()
    _refuse_insecure(backend, hint)
    return backend


def _instead(hint: str) -> Remedy:
    """The way round a keyring that cannot be used: `hint` in the terminal; the window
    names no command."""
    return Remedy(f"{hint}.", f"{_WINDOW_HINT}.", "keys")


_WINDOW_HINT = "or put the key in the provider's environment variable"


def _no_keyring() -> str:
    return (
        "No OS keyring is available. Install and start a Secret Service provider "
        "(GNOME Keyring or KWallet; is a D-Bus session running?),"
    )


def _refuse_insecure(backend: Any, hint: str) -> None:
    kind = f"{type(backend).__module__}.{type(backend).__name__}"
    names = [kind, *(f"{type(b).__module__}" for b in getattr(backend, "backends", []))]
    if any(n.startswith("keyrings.alt") for n in names):
        raise KeyringUnavailable(
            f"The only keyring available stores keys in a plain file ({kind}); Reader will "
            "not use it. Install and unlock a Secret Service provider,",
            _instead(hint),
        )
    usable = getattr(backend, "backends", None)
    if kind.startswith(("keyring.backends.fail", "keyring.backends.null")) or usable == []:
        raise KeyringUnavailable(_no_keyring(), _instead(hint))


def _explain(action: str, error: Exception) -> str:
    """Why the keyring failed, up to the way round it (`_instead`)."""
    text = f"{type(error).__name__} {error}".lower()
    if any(word in text for word in ("locked", "dismissed", "unlock", "prompt")):
        return (
            f"Cannot {action}: the keyring is locked and was not unlocked. Unlock it (log in "
            "to the desktop, or open your password manager),"
        )
    words = ("dbus", "d-bus", "secret service", "secretservice", "no recommended backend")
    if any(word in text for word in words):
        return (
            f"Cannot {action}: no Secret Service is reachable (is GNOME Keyring or KWallet "
            "running in this session?); start one,"
        )
    return f"Cannot {action} in the OS keyring ({type(error).__name__});"
