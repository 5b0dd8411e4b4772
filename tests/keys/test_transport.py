"""Plain http only to this machine or a private network."""

from __future__ import annotations

import pytest

from reader.errors import UsageError
from reader.keys.transport import check_transport, is_private_host


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1",
        "http://127.0.0.1:8880/v1",
        "http://localhost:4000",
        "http://[::1]:8880",
        "http://192.168.1.20:8880/v1",
        "http://10.0.0.5",
        "http://kokoro.local/v1",
    ],
)
def test_allowed(url: str) -> None:
    check_transport(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://8.8.8.8/v1", "plain http to a public address"),
        ("ftp://127.0.0.1", "not a server address"),
        ("127.0.0.1:8880", "not a server address"),
    ],
)
def test_refused(url: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_transport(url)


def test_private_hosts() -> None:
    assert is_private_host("127.0.0.2") and is_private_host("fe80::1")
    assert not is_private_host("1.1.1.1")
