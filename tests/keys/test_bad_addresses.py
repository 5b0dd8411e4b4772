"""Server addresses and log calls a person (or a slip in code) can get wrong (issue 24)."""

from __future__ import annotations

import io
import logging

import pytest

from reader.errors import UsageError
from reader.keys.redact import MASK, RedactingFilter, Redactor
from reader.keys.store import host_of
from reader.keys.transport import check_transport, is_private_host
from tests.helpers.cli import reader

BAD_ADDRESSES = [
    "http://[::1",
    "http://localhost:99999/v1",
    "http://localhost:abc/v1",
    "http://localhost:8880:/v1",
    ":abc",
    ":8880:",
    "http://℀/v1",
    "https://example.com／v1",
    "http://a b/v1",
    "https://",
    "",
]


@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_a_bad_address_is_one_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match="not a server address"):
        check_transport(url)
    with pytest.raises(UsageError, match="not a server address"):
        host_of(url)


def test_ports_and_ipv6_hosts_still_work() -> None:
    check_transport("http://[::1]:8880/v1")
    assert host_of("http://[::1]:8880/v1") == "::1:8880"
    assert host_of("https://API.Example.com:443/v1") == "api.example.com:443"
    assert host_of("https://api.example.com/v1") == "api.example.com"


def test_the_cli_says_not_a_server_address_and_exits_2() -> None:
    result = reader("voices", "-p", "openai-compatible", "--base-url", "http://[::1")
    assert result.returncode == 2, result.stderr
    assert "not a server address" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "host",
    [
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo, tunnels to a public IPv4 host
        "2001::1",
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "::ffff:8.8.8.8",  # IPv4-mapped public address
    ],
)
def test_tunnelling_prefixes_are_not_private(host: str) -> None:
    assert not is_private_host(host)
    with pytest.raises(UsageError, match="plain http to a public address"):
        check_transport(f"http://[{host}]:8880/v1")


def test_a_mapped_private_ipv4_address_is_private() -> None:
    assert is_private_host("::ffff:192.168.1.2")


def test_a_log_call_with_wrong_arguments_is_reported_not_raised() -> None:
    redactor = Redactor()
    redactor.add("sk-never-printed-0123")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(redactor))
    logger = logging.getLogger("test.bad_arguments")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("one %s and %d", "sk-never-printed-0123")  # too few arguments
        logger.warning("fine %s", "after")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "sk-never-printed-0123" not in text and MASK in text
    assert "one %s and %d" in text and "fine after" in text
