"""OPENAI_API_KEY with OPENAI_BASE_URL: the pair the openai SDK (and most tools built on
it) reads, so a key in the environment goes to the server named beside it, and nowhere
else but OpenAI's own."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from reader.errors import Remedy

KEY_VAR = "OPENAI_API_KEY"
URL_VAR = "OPENAI_BASE_URL"
OFFICIAL_HOST = "api.openai.com"
# The providers that speak OpenAI's API, as the SDK does: they read the pair.
PAIRED_PROVIDERS = ("openai", "openai-chat", "openai-compatible")


def paired_base_url(environ: Mapping[str, str]) -> str | None:
    """The server OPENAI_BASE_URL names, if it is set."""
    value = environ.get(URL_VAR, "").strip()
    return value or None


def pairs_with(provider: str, base_url: str | None, environ: Mapping[str, str]) -> bool:
    """Whether OPENAI_API_KEY goes to `base_url` because OPENAI_BASE_URL names exactly that
    server (scheme, host, port and path; a trailing slash aside)."""
    paired = paired_base_url(environ)
    if provider not in PAIRED_PROVIDERS or not base_url or not paired:
        return False
    if not environ.get(KEY_VAR, "").strip():
        return False
    return _where(paired) == _where(base_url)


def _where(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path.rstrip("/"))


def why_no_key(provider: str, host: str, base_url: str, environ: Mapping[str, str]) -> Remedy:
    """Why no key goes to `host` and what to do, in one sentence for each face: the key
    in the environment is there but meant for another server, or there is none at all."""
    command = f"`reader keys set {provider} --base-url {base_url}`"
    in_settings = f"save a key for {host} in Settings → Keys."
    if provider in PAIRED_PROVIDERS and environ.get(KEY_VAR, "").strip():
        paired = paired_base_url(environ)
        if paired:
            why = f"{KEY_VAR} is set, but it goes with {URL_VAR} ({paired}), not to {host};"
            return Remedy(
                f"{why} save a key for {host} with {command}.", f"{why} {in_settings}", "keys"
            )
        # The pair is the way without a keyring (locked, or none on this computer).
        why = f"{KEY_VAR} is set, but it goes only to {OFFICIAL_HOST};"
        return Remedy(
            f"{why} save a key for {host} with {command}, or set {URL_VAR}={base_url} "
            f"to send {KEY_VAR} there.",
            f"{why} {in_settings}",
            "keys",
        )
    return Remedy(
        f"No key is saved for {host}; save one with {command}.",
        f"No key is saved for {host}; save one in Settings → Keys.",
        "keys",
    )
