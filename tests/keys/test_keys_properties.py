"""Server addresses, host rules and redaction, on any input: only Reader's own errors."""

from __future__ import annotations

import ipaddress
import logging
import socket
from unittest import mock

import httpx
from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.errors import UsageError
from reader.keys.redact import MASK, RedactingFilter, Redactor
from reader.keys.store import host_of
from reader.keys.transport import check_transport, is_private_host, is_unencrypted

HOSTS = st.one_of(
    st.sampled_from(["localhost", "example.com", "kokoro.local", "API.Example.COM", "a_b.lan"]),
    st.ip_addresses().map(lambda a: f"[{a}]" if a.version == 6 else str(a)),
    st.text(max_size=12),
)
URLS = st.one_of(
    st.builds(
        "{}{}{}{}{}".format,
        st.sampled_from(["http://", "https://", "ftp://", "", "http:/", "HTTPS://"]),
        HOSTS,
        st.sampled_from(["", ":8880", ":0", ":99999", ":abc", ":", ":8880:", ":-1"]),
        st.sampled_from(["", "/v1", "/v1/", "?x=1", "#f", "/a b"]),
        st.sampled_from(["", " ", "\n", "]", "["]),
    ),
    st.text(max_size=40),
)


def no_lookups(*args, **kwargs):
    raise OSError("no name lookups in a property test")


@given(URLS)
def test_any_address_is_accepted_whole_or_refused_with_one_usage_error(url: str) -> None:
    with mock.patch.object(socket, "getaddrinfo", no_lookups):
        try:
            check_transport(url)
            accepted = True
        except UsageError as error:
            accepted = False
            assert "\n" not in str(error)
        try:
            host = host_of(url)
        except UsageError:
            assert not accepted  # host_of refuses only what the transport check refuses
            return
        is_unencrypted(url)
    assert host == host.lower() and host.strip()
    if accepted:
        httpx.URL(url.strip())  # what was accepted, httpx can use


@given(st.ip_addresses(v=6))
def test_addresses_that_tunnel_to_ipv4_are_private_only_as_their_ipv4(address) -> None:
    private = is_private_host(str(address))
    if address.teredo or address.sixtofour:
        assert not private
    if address.ipv4_mapped is not None:
        assert private == is_private_host(str(address.ipv4_mapped))
    if private:
        try:
            check_transport(f"http://[{address}]/v1")
        except UsageError as error:
            raise AssertionError(f"{address} is private but refused: {error}") from None


@given(st.ip_addresses(v=4))
def test_ipv4_private_rules_are_pythons(address: ipaddress.IPv4Address) -> None:
    expected = address.is_private or address.is_loopback or address.is_link_local
    assert is_private_host(str(address)) == expected


KEYS = st.text(
    st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="-_"),
    min_size=8,
    max_size=40,
)


@given(KEYS, st.text(max_size=60), st.text(max_size=60))
def test_a_known_key_never_survives_redaction(key: str, before: str, after: str) -> None:
    redactor = Redactor()
    redactor.add(key)
    assert key not in redactor.redact(before + key + after)


@given(KEYS, st.sampled_from(["Authorization: Bearer ", "api-key: ", "?key=", "xi-api-key="]))
def test_a_labelled_key_never_survives_redaction(key: str, label: str) -> None:
    assert key not in Redactor().redact(f"sent {label}{key} now")


ARGS = st.one_of(
    st.none(),
    st.tuples(),
    st.lists(st.one_of(st.text(max_size=10), st.integers(), st.floats()), max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2).map(lambda d: (d,)),
)


@given(KEYS, st.text(max_size=30), ARGS)
def test_the_log_filter_never_raises_and_never_lets_a_key_through(key, msg, args) -> None:
    redactor = Redactor()
    redactor.add(key)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, msg + key, args, None)
    assert RedactingFilter(redactor).filter(record)
    assert key not in record.getMessage()
    assert MASK in record.getMessage()
