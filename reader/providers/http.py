"""HTTP for providers: one keep-alive client each, cancellable streams, errors in one line."""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from reader import __version__
from reader.errors import (
    AuthError,
    BadRequest,
    ConnectionDropped,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    ReaderError,
    Remedy,
    StreamBroken,
    UnknownHost,
)
from reader.keys.store import account
from reader.keys.transport import NO_SUCH_NAME, resolver_error
from reader.providers.base import CancelToken

# No bytes for this long mid-response counts as a stall (then retried by the engine).
STALL_S = 20.0
_CONNECT_S = 10.0
_MAX_ERROR_BODY = 64 * 1024


_KEEPALIVE_S = 300.0
# What servers answer for an endpoint they do not have.
_NO_SUCH_LIST = (404, 405, 501)


class HttpApi:
    """A provider's server: base URL, auth headers, and one httpx.Client kept alive so a
    reading opens no new connection after its first request."""

    def __init__(
        self,
        name: str,
        provider_id: str,
        base_url: str,
        headers: dict[str, str] | None = None,
        stall_s: float = STALL_S,
        auth: Callable[[], dict[str, str]] | None = None,
        no_key_reason: Remedy | None = None,
    ) -> None:
        self.name = name
        self.provider_id = provider_id
        self.base_url = base_url.rstrip("/")
        # Set when no key goes with these requests: why, and how to give one, for a 401.
        self.no_key_reason = no_key_reason
        # Headers computed per request, for tokens that expire during a long reading.
        self._auth = auth
        self._client = httpx.Client(
            headers={"User-Agent": f"Reader/{__version__}", **(headers or {})},
            timeout=httpx.Timeout(stall_s, connect=_CONNECT_S),
            verify=True,  # always: keys travel on these connections
            follow_redirects=False,  # a redirect could carry the key to another host
            # A long chunk plays for minutes before the next request: httpx's default
            # (5 s) would close the idle connection and pay a new TCP and TLS handshake
            # per request. A connection the server has closed meanwhile is noticed and
            # replaced before it is used.
            limits=httpx.Limits(keepalive_expiry=_KEEPALIVE_S),
        )

    def close(self) -> None:
        self._client.close()

    @contextlib.contextmanager
    def stream(
        self,
        method: str,
        path: str,
        cancel: CancelToken,
        *,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Iterator[httpx.Response]:
        """A streaming response with a 2xx status; other statuses raise the typed error.
        Cancelling closes the response, which ends a blocked read at once."""
        url = self.base_url + path
        if self._auth is not None:
            headers = {**self._auth(), **(headers or {})}
        try:
            with self._client.stream(
                method, url, json=json_body, params=params, headers=headers
            ) as response:
                cancel.on_cancel(response.close)
                if response.status_code >= 300:
                    body = _read_limited(response)
                    raise error_for(self, response.status_code, body, response.headers)
                yield response
        except httpx.HTTPError as error:
            if cancel.cancelled:
                return
            raise self._transport_error(error) from None

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        with self.stream("GET", path, CancelToken(), params=params) as response:
            body = _read_limited(response)
        return self._json(path, body)

    def get_listing(self, path: str) -> Any | None:
        """A list a server may not offer (`/audio/voices`, `/models`): its JSON, or None
        when the server answers that it has no such endpoint (404, 405, 501: LiteLLM
        answers 404 for voices) or answers with nothing at all. Other errors raise."""
        url = self.base_url + path
        headers = self._auth() if self._auth is not None else None
        try:
            response = self._client.get(url, headers=headers)
        except httpx.HTTPError as error:
            raise self._transport_error(error) from None
        if response.status_code in _NO_SUCH_LIST:
            return None
        if response.status_code >= 300:
            raise error_for(self, response.status_code, response.content, response.headers)
        if not response.content.strip():
            return None
        return self._json(path, response.content)

    def _json(self, path: str, body: bytes) -> Any:
        try:
            return json.loads(body)
        except ValueError:
            raise StreamBroken(
                f"{self.name} answered {path} with something that is not JSON."
            ) from None

    def iter_bytes(self, response: httpx.Response, cancel: CancelToken) -> Iterator[bytes]:
        """The body as it arrives; a connection that drops mid-body raises StreamBroken."""
        try:
            for piece in response.iter_raw():
                if piece:
                    yield piece
        except httpx.HTTPError as error:
            if cancel.cancelled:
                return
            raise self._transport_error(error, mid_stream=True) from None
        except Exception:
            # Closing a response from another thread (cancel) can surface as any error
            # inside httpx, a bare ConnectionResetError among them: that is the cancel.
            if cancel.cancelled:
                return
            raise

    def _address_remedy(self) -> Remedy | None:
        """A server the person added in Settings → Servers: its address may be what is
        wrong, and the window opens its row (a vendor's own server has no address to fix)."""
        if self.provider_id not in ("openai-compatible", "azure"):
            return None
        return Remedy(
            window="Check its address in Settings → Servers.", page="servers", item=self.base_url
        )

    def _transport_error(self, error: httpx.HTTPError, mid_stream: bool = False) -> ProviderError:
        host = httpx.URL(self.base_url).host
        if isinstance(error, httpx.ConnectError):
            # "the server at 127.0.0.1:8880", not "The server at 127.0.0.1:8880 at 127.0.0.1".
            where = (
                self.name[0].lower() + self.name[1:] if self.name.startswith("The ") else self.name
            )
            where += "" if host in self.name else f" at {host}"
            if resolver_error(error) in NO_SUCH_NAME:
                return UnknownHost(
                    f"Cannot find {host}: its name does not resolve (a mistyped address, or no "
                    "network?).",
                    self._address_remedy(),
                )
            reason = re.sub(r"^\[Errno -?\d+\]\s*", "", _short(error))
            if "refused" in reason.lower():
                reason = "nothing answers there (connection refused); is the server running?"
            return ProviderUnavailable(
                f"Cannot connect to {where}: {_sentence(reason)}", self._address_remedy()
            )
        if isinstance(error, httpx.TimeoutException):
            return ProviderUnavailable(f"{self.name} at {host} stopped sending (timed out).")
        if mid_stream or isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
            return ConnectionDropped(f"The connection to {self.name} broke mid-response.")
        return ProviderUnavailable(f"Talking to {self.name} at {host} failed: {_short(error)}.")


def _sentence(text: str) -> str:
    """`text` ending as a sentence: one full stop, none after a question."""
    text = text.rstrip(".")
    return text if text.endswith(("?", "!")) else text + "."


def _read_limited(response: httpx.Response) -> bytes:
    body = b""
    for piece in response.iter_bytes():
        body += piece
        if len(body) > _MAX_ERROR_BODY:
            break
    return body


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:160]


def error_for(api: HttpApi, status: int, body: bytes, headers: httpx.Headers) -> ReaderError:
    """The typed error for a non-2xx response, with the provider's own words in one line."""
    said = message_of(body)
    name = api.name
    if status in (401, 403) and api.no_key_reason is not None:
        return AuthError(
            f"{name} wants a key ({status}: {said}), and none was sent:", api.no_key_reason
        )
    if status == 400 and b'"no_db_connection"' in body:
        # LiteLLM without a database knows only its master key: any other key gets this.
        return AuthError(
            f"{name} did not accept the key (400: {said} LiteLLM without a database takes "
            "only its master key).",
            Remedy(
                f"Update it with {_set_key_command(api)}.", "Update it in Settings → Keys.", "keys"
            ),
        )
    if status in (401, 403) or (status == 400 and _google_key_invalid(body)):
        return AuthError(
            f"{name} rejected the key ({status}: {said}).", _set_key(api, "Set the right one")
        )
    if status == 404:
        return NotFound(f"{name} does not know the voice, model or address asked for ({said}).")
    if status == 429:
        wait = retry_after(headers, body)
        asked = f" It asked to wait {wait:.0f} s." if wait else ""
        return RateLimited(f"{name} is rate limiting requests ({said}).{asked}", wait)
    if 400 <= status < 500:
        return BadRequest(f"{name} refused the request ({status}: {said}).")
    return ProviderUnavailable(f"{name} had a server error ({status}: {said}).")


def _set_key(api: HttpApi, verb: str) -> Remedy:
    """Where to give the key: Settings → Keys in the window, `reader keys set` (or the
    window, for whoever has it open) in the terminal."""
    return Remedy(
        f"{verb} in Settings → Keys, or with {_set_key_command(api)}.",
        f"{verb} in Settings → Keys.",
        "keys",
    )


def _set_key_command(api: HttpApi) -> str:
    return f"`reader keys set {api.provider_id}{_base_url_option(api)}`"


def _base_url_option(api: HttpApi) -> str:
    # A vendor's own server keeps its key under the provider's name alone.
    if account(api.provider_id, api.base_url) == api.provider_id:
        return ""
    return f" --base-url {api.base_url}"


def _google_key_invalid(body: bytes) -> bool:
    """Gemini and Vertex AI answer a key they do not accept with 400 INVALID_ARGUMENT;
    only the ErrorInfo reason API_KEY_INVALID in the details says it is the key."""
    if b"API_KEY_INVALID" not in body:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    if isinstance(data, list) and data:
        data = data[0]  # streamGenerateContent wraps errors in a one-element list
    error = data.get("error") if isinstance(data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return isinstance(details, list) and any(
        isinstance(d, dict) and d.get("reason") == "API_KEY_INVALID" for d in details
    )


def message_of(body: bytes) -> str:
    """The human part of an error body, whatever its envelope: OpenAI and Azure
    {"error": {...}}, FastAPI {"detail": ...}, ElevenLabs {"detail": {"status", "message"}},
    Google's (possibly in a one-element list), a plain string, or an HTML page."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return "no details given"
    try:
        data = json.loads(text)
    except ValueError:
        if text.lstrip().startswith("<"):
            return "an HTML page instead of an API answer; is a proxy or login page in the way?"
        return _one_line(text)
    return _one_line(_find_message(data) or text)


def _find_message(data: Any) -> str | None:
    if isinstance(data, list) and data:
        if all(isinstance(item, dict) and "msg" in item for item in data):  # 422 lists
            return "; ".join(str(item["msg"]) for item in data)
        return _find_message(data[0])
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return None
    # A sentence beats a code: {"detail": {"error": "invalid_model", "message": "…"}}.
    for key in ("message", "msg", "error_description"):
        if isinstance(data.get(key), str):
            return str(data[key])
    for key in ("error", "detail"):
        if key in data:
            found = _find_message(data[key])
            if found:
                return found
    if isinstance(data.get("status"), str):
        return str(data["status"])
    return None


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def retry_after(headers: httpx.Headers, body: bytes = b"") -> float | None:
    """Seconds to wait from retry-after-ms, Retry-After (seconds or a date), or Google's
    RetryInfo.retryDelay ("34s") in the body."""
    if value := headers.get("retry-after-ms"):
        with contextlib.suppress(ValueError):
            return max(0.0, float(value) / 1000)
    if value := headers.get("retry-after"):
        try:
            return max(0.0, float(value))
        except ValueError:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                when = email.utils.parsedate_to_datetime(value)
                return max(0.0, when.timestamp() - time.time())
    match = re.search(rb'"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"', body)
    if match:
        return float(match.group(1))
    return None


class HttpBacked:
    """What every provider that talks through one HttpApi shares: closing it, and its
    server as the audio cache's scope (audio from one server is not another's)."""

    api: HttpApi

    def close(self) -> None:
        self.api.close()

    @property
    def cache_scope(self) -> str:
        return self.api.base_url
