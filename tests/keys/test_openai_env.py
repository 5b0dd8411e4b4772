"""OPENAI_API_KEY goes to the server OPENAI_BASE_URL names, exactly that one, as the
openai SDK sends it; nowhere else but api.openai.com."""

from __future__ import annotations

import pytest

from reader.keys.redact import Redactor
from reader.keys.store import KeyStore

KEY = "sk-environment-0123456789"
PROXY = "http://127.0.0.1:4000/v1"


class _EmptyKeyring:
    def get_password(self, service: str, name: str) -> None:
        return None


def key_for(provider: str, base_url: str | None, **environ: str) -> str | None:
    store = KeyStore(Redactor(), environ, backend=_EmptyKeyring())
    found = store.get(provider, base_url)
    return found.value if found else None


@pytest.mark.parametrize("provider", ["openai", "openai-chat", "openai-compatible"])
@pytest.mark.parametrize("written", [PROXY, PROXY + "/", "HTTP://127.0.0.1:4000/v1"])
def test_the_key_goes_to_the_paired_server(provider, written) -> None:
    assert key_for(provider, PROXY, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=written) == KEY


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://127.0.0.1:4001/v1",  # another port
        "http://127.0.0.1:4000/v2",  # another path
        "https://127.0.0.1:4000/v1",  # another scheme
        "http://localhost:4000/v1",  # another name
    ],
)
def test_the_key_goes_to_no_other_server(elsewhere) -> None:
    assert (
        key_for("openai-compatible", elsewhere, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=PROXY) is None
    )


def test_without_a_base_url_the_key_goes_only_to_openai() -> None:
    assert key_for("openai-compatible", PROXY, OPENAI_API_KEY=KEY) is None
    assert key_for("openai", "https://api.openai.com/v1", OPENAI_API_KEY=KEY) == KEY
    assert key_for("openai", None, OPENAI_API_KEY=KEY) == KEY


def test_other_providers_keys_do_not_pair() -> None:
    environ = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": PROXY, "GEMINI_API_KEY": KEY}
    assert key_for("gemini", PROXY, **environ) is None
    assert key_for("elevenlabs", PROXY, **environ) is None
