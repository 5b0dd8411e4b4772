"""Fetching one file of a voice: resumed after an interruption, checked, whole or not at all.

The bytes go to `NAME.part` beside the final name. A dropped connection keeps the part
and the next attempt asks only for the rest (an HTTP Range request); the finished part
must have the catalogue's size and sha256 before it is renamed into place, so a voice
file on disk is always a whole, verified one. Cancel, a wrong checksum and a full disk
delete the part.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from reader.errors import ExportError, Interrupted, NotFound, ProviderUnavailable, Remedy
from reader.keys.transport import resolver_error
from reader.voices.catalogue import VoiceFile

_BLOCK = 1 << 16
_ATTEMPTS = 4  # a connection dropping this often is not worth holding on to

Progress = Callable[[int], None]  # bytes of the file now on disk


class ChecksumMismatch(ProviderUnavailable):
    """The hub sent other bytes than the catalogue names."""


def fetch(
    client: httpx.Client,
    url: str,
    file: VoiceFile,
    folder: Path,
    progress: Progress,
    cancel: threading.Event,
) -> Path:
    """`file` from `url` into `folder` (checked); returns its final path."""
    final = folder / file.name
    part = folder / f"{file.name}.part"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                _get(client, url, file, part, progress, cancel)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # Nothing was sent, so nothing broke off: no network, or no such host.
                raise ProviderUnavailable(
                    f"Cannot reach {httpx.URL(url).host} ({_unreachable(error)})."
                ) from None
            except (httpx.TransportError, _ShortRead) as error:
                if attempt == _ATTEMPTS:
                    raise ProviderUnavailable(
                        f"Downloading {file.name} broke off {attempt} times ({_why(error)}).",
                        Remedy("Run the same command again to resume.", "Install again to resume."),
                    ) from None
        _verify(file, part)
    except ProviderUnavailable as error:
        if isinstance(error, ChecksumMismatch):
            part.unlink(missing_ok=True)
        raise
    except (Interrupted, NotFound):
        part.unlink(missing_ok=True)
        raise
    except OSError as error:
        part.unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise ExportError(
                f"No room for {file.name} ({file.size / 1e6:.1f} MB) in {folder}; "
                "nothing was installed."
            ) from None
        raise ExportError(f"Cannot write {part}: {error.strerror or error}.") from None
    os.replace(part, final)
    return final


class _ShortRead(Exception):
    """The response ended before the file did (a proxy closing it cleanly)."""


def _get(
    client: httpx.Client,
    url: str,
    file: VoiceFile,
    part: Path,
    progress: Progress,
    cancel: threading.Event,
) -> None:
    have = part.stat().st_size if part.exists() else 0
    if have > file.size:
        part.unlink()
        have = 0
    if have == file.size:
        return
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 404:
            raise NotFound(f"The voice hub has no {file.name} ({url} answered 404).")
        if response.status_code == 206 and not _starts_at(response, have):
            have = 0  # a range we did not ask for: start over
        elif response.status_code == 200:
            have = 0  # the server ignored the range: it sends the whole file
        elif response.status_code != 206:
            raise ProviderUnavailable(
                f"The voice hub answered {response.status_code} for {file.name}."
            )
        with part.open("r+b" if have else "wb") as out:
            out.seek(have)
            out.truncate()
            progress(have)
            for block in response.iter_bytes(_BLOCK):
                if cancel.is_set():
                    raise Interrupted(f"Cancelled; {file.name} was not installed.")
                out.write(block)
                have += len(block)
                if have > file.size:
                    raise ChecksumMismatch(
                        f"The voice hub sent more than {file.size} bytes for {file.name}; "
                        "nothing was installed."
                    )
                progress(have)
            out.flush()
            os.fsync(out.fileno())
    if have < file.size:
        raise _ShortRead(f"{have} of {file.size} bytes")


def _starts_at(response: httpx.Response, offset: int) -> bool:
    # Content-Range: bytes START-END/TOTAL
    value = response.headers.get("content-range", "")
    with contextlib.suppress(ValueError, IndexError):
        return int(value.split()[1].split("-")[0]) == offset
    return False


def _verify(file: VoiceFile, part: Path) -> None:
    digest = hashlib.sha256()
    with part.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    if part.stat().st_size != file.size or digest.hexdigest() != file.sha256:
        raise ChecksumMismatch(
            f"{file.name} did not match its checksum (sha256 {digest.hexdigest()[:12]}…, "
            f"expected {file.sha256[:12]}…); nothing was installed."
        )


def _why(error: Exception) -> str:
    return str(error) or type(error).__name__


def _unreachable(error: Exception) -> str:
    """Why a connection was not made, in a person's words: a name that does not resolve
    is most often no network at all."""
    text = _why(error)
    if isinstance(error, httpx.ConnectTimeout):
        return "no answer; no network?"
    if resolver_error(error) is not None:
        return "no network?"
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text).rstrip(".")
