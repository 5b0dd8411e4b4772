"""A server address as a person types it, checked once: Reader's own UsageError or a
scheme, host and port every later step (transport rules, key accounts, httpx) can use."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from reader.errors import UsageError

# A host name's labels: letters (any script), digits, "-" and "_" (seen in LAN names).
_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")


@dataclass(frozen=True, slots=True)
class ServerAddress:
    scheme: str  # "http" or "https"
    host: str  # lower case; an IPv6 address without its brackets
    port: int | None

    @property
    def host_port(self) -> str:
        """host[:port], the name keys are saved under."""
        return f"{self.host}:{self.port}" if self.port is not None else self.host


def server_address(base_url: str) -> ServerAddress:
    """The parts of `base_url`; UsageError ("not a server address") for anything that is
    not an http(s) URL with a usable host and port. urlsplit alone raises ValueError for
    some ("http://[::1", a port of 99999 or "abc", a full-width slash) and lets others
    through that httpx then refuses ("http://a b/")."""
    problem = UsageError(f"'{base_url}' is not a server address (expected https://host/...).")
    text = base_url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise problem from None
    if parts.scheme not in ("http", "https") or not host or not _usable_host(host) or port == 0:
        raise problem
    try:
        httpx.URL(text)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise problem from None
    return ServerAddress(parts.scheme, host.lower(), port)


def _usable_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return _NAME.fullmatch(host) is not None and not host.startswith((".", "-"))
