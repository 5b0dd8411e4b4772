"""Where Reader may connect: https anywhere, plain http only to this machine or a LAN."""

from __future__ import annotations

import ipaddress
import socket

from reader.errors import UsageError
from reader.keys.address import server_address

_LOCAL_SUFFIXES = (".local", ".lan", ".home.arpa", ".internal", ".localhost")


def is_private_host(host: str) -> bool:
    """True for loopback and private-network addresses (and names that resolve only to
    them), where an unencrypted local server such as Kokoro is reasonable."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return True
    try:
        return _private(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        # IPv6 link-local addresses carry a zone ("fe80::1%eth0"); the address is before it.
        addresses = {str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(_private(ipaddress.ip_address(a)) for a in addresses)


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # Look inside the prefixes that carry IPv4: Teredo (2001:0::/32) counts as
        # "private" to ipaddress but tunnels to public IPv4 hosts; 6to4 (2002::/16) is
        # public; an IPv4-mapped address is exactly as private as its IPv4 one.
        if address.teredo is not None or address.sixtofour is not None:
            return False
        if address.ipv4_mapped is not None:
            return _private(address.ipv4_mapped)
    return address.is_loopback or address.is_private or address.is_link_local


def is_unencrypted(base_url: str) -> bool:
    try:
        return server_address(base_url).scheme == "http"
    except UsageError:
        return False


def check_transport(base_url: str) -> None:
    """UsageError unless `base_url` is https, or http to this machine or a private network."""
    address = server_address(base_url)
    if address.scheme == "https" or is_private_host(address.host):
        return
    raise UsageError(
        f"{base_url} is plain http to a public address; use https:// (plain http is "
        "only allowed for this computer and private networks)."
    )


# The resolver's "this name does not exist", as opposed to "cannot ask now" (EAI_AGAIN).
NO_SUCH_NAME = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)})


def resolver_error(error: BaseException) -> int | None:
    """The resolver's error number when a connection failed on a name that did not
    resolve (socket.gaierror, under httpx's and httpcore's errors); None otherwise."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, socket.gaierror):
            return seen.errno
        seen = seen.__cause__ or seen.__context__
    return None
