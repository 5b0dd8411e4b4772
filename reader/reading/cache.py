"""Audio already synthesized, kept on disk by content, so nothing is billed twice.

An entry is one request's audio and timings, named by a hash of everything that shapes
the sound (provider, endpoint, model, voice, instructions, speed, text) and never of a
key. The file is

    raw PCM (s16le) | JSON trailer | u32 trailer length | u32 CRC-32 of all before | "RDR2"

(little-endian). The checksum covers the trailer too: a flipped bit in the rate or a
timing is damage, not audio served at the wrong speed or a highlight in the wrong place.
It is written under a temporary name and renamed only once the request ended well, so
a half-fetched chunk is never taken for a whole one. A file that fails its checks (the
checksum, or a trailer whose format or timings cannot be right) is deleted and the
audio fetched again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeGuard

import numpy as np

from reader.audio.format import AudioFormat, Pcm
from reader.files import cache_dir
from reader.providers.base import WordTiming

log = logging.getLogger(__name__)

# The key's hash keeps version 1 so entries of the first format (b"RDRC", trailer not
# covered by the checksum) sit at the same paths: they fail the new checks and are
# replaced, rather than left behind taking space.
_KEY_VERSION = 1
_MAGIC = b"RDR2"
_VERSION = 2
_FOOTER = struct.Struct("<II")  # trailer length, CRC-32 of everything before the footer
_MAX_RATE = 768_000
_MAX_CHANNELS = 16
_STALE_PART_S = 3600.0
_SUFFIX = ".audio"


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Everything that shapes one request's sound."""

    provider: str
    endpoint: str
    model: str
    voice: str
    instructions: str
    speed: float
    text: str

    def digest(self) -> str:
        fields = [
            _KEY_VERSION,
            self.provider,
            self.endpoint.rstrip("/"),
            self.model,
            self.voice,
            self.instructions,
            round(self.speed, 3),
            self.text,
        ]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedAudio:
    format: AudioFormat
    pcm: Pcm
    timings: tuple[WordTiming, ...]


class AudioCache:
    """A folder of entries with a size cap; the least recently used go first."""

    def __init__(self, root: Path | None = None, max_bytes: int = 500 * 1024 * 1024) -> None:
        self.root = root or cache_dir()
        self.max_bytes = max_bytes

    def _path(self, key: CacheKey) -> Path:
        digest = key.digest()
        return self.root / digest[:2] / f"{digest}{_SUFFIX}"

    def get(self, key: CacheKey) -> CachedAudio | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = _parse(data)
        if entry is None:
            log.warning("A damaged cache entry was discarded; its audio is fetched again.")
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return entry

    def __contains__(self, key: CacheKey) -> bool:
        return self._path(key).is_file()

    def writer(self, key: CacheKey) -> CacheWriter | None:
        """A writer for `key`'s entry, or None when the cache folder cannot be written
        (the reading goes on uncached)."""
        if self.max_bytes <= 0:
            return None
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
        except OSError as error:
            log.warning("The audio cache cannot be written (%s); going on without it.", error)
            return None
        return CacheWriter(self, path, Path(temp), os.fdopen(handle, "wb"))

    def size(self) -> tuple[int, int]:
        """(entries, bytes) on disk."""
        files = self._entries()
        return len(files), sum(size for _, size, _ in files)

    def clear(self) -> int:
        """Delete every entry; the bytes freed."""
        freed = 0
        for path, size, _ in self._entries():
            with contextlib.suppress(OSError):
                path.unlink()
                freed += size
        return freed

    def evict(self) -> None:
        """Delete the least recently used entries until the cache fits its cap, and what
        writers killed mid-entry left behind."""
        self._remove_stale_parts()
        files = sorted(self._entries(), key=lambda entry: entry[2])
        total = sum(size for _, size, _ in files)
        for path, size, _ in files:
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    def _remove_stale_parts(self) -> None:
        # A process killed while writing (kill -9, a power cut) leaves its ".part-" file:
        # never read as an entry, but never counted or evicted either. One untouched for
        # an hour belongs to no living writer (a request streams for minutes at most).
        if not self.root.is_dir():
            return
        cutoff = time.time() - _STALE_PART_S
        for folder in self.root.iterdir():
            if folder.is_dir():
                for path in folder.glob(".part-*"):
                    with contextlib.suppress(OSError):
                        if path.stat().st_mtime < cutoff:
                            path.unlink()

    def _entries(self) -> list[tuple[Path, int, float]]:
        found: list[tuple[Path, int, float]] = []
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.suffix == _SUFFIX:
                    with contextlib.suppress(OSError):
                        stat = path.stat()
                        found.append((path, stat.st_size, stat.st_mtime))
        return found


class CacheWriter:
    """Streams one entry to disk as its audio arrives (memory stays flat)."""

    def __init__(self, cache: AudioCache, path: Path, temp: Path, file: IO[bytes]) -> None:
        self._cache = cache
        self._path = path
        self._temp = temp
        self._file = file
        self._format: AudioFormat | None = None
        self._frames = 0
        self._crc = 0
        self._timings: list[WordTiming] = []
        self._failed = False

    def append(self, pcm: Pcm, fmt: AudioFormat, timings: tuple[WordTiming, ...] = ()) -> None:
        if self._failed:
            return
        if self._format is None:
            self._format = fmt
        if fmt != self._format:
            self._failed = True  # never mix formats in one entry
            return
        data = np.ascontiguousarray(pcm, dtype="<i2").tobytes()
        try:
            self._file.write(data)
        except OSError as error:
            log.warning("The audio cache stopped being written (%s).", error)
            self._failed = True
            return
        self._crc = zlib.crc32(data, self._crc)
        self._frames += len(pcm)
        self._timings.extend(timings)

    def commit(self) -> None:
        """The request ended well: make the entry visible, then keep the cache in size."""
        if self._failed or self._format is None or self._frames == 0:
            self.discard()
            return
        meta = {
            "rate": self._format.sample_rate,
            "channels": self._format.channels,
            "frames": self._frames,
            "timings": [[t.char_offset, t.frame] for t in self._timings],
        }
        try:
            self._file.write(_ending(meta, self._crc))
            self._file.flush()
            # On disk before the rename: after a power cut the name never points at an
            # entry whose bytes did not make it.
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._temp, self._path)
        except OSError as error:
            log.warning("An audio cache entry could not be saved (%s).", error)
            self.discard()
            return
        self._cache.evict()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        self._temp.unlink(missing_ok=True)


def encode_entry(pcm: bytes, meta: dict[str, Any]) -> bytes:
    """A whole entry for `pcm` with trailer `meta` (rate, channels, frames, timings): the
    file format, in one place for the writer (which streams it) and for tests."""
    return pcm + _ending(meta, zlib.crc32(pcm))


def _ending(meta: dict[str, Any], pcm_crc: int) -> bytes:
    """What follows the PCM, given the PCM's running CRC-32."""
    trailer = json.dumps({"version": _VERSION, **meta}).encode()
    covered = trailer + struct.pack("<I", len(trailer))
    return covered + struct.pack("<I", zlib.crc32(covered, pcm_crc)) + _MAGIC


def _parse(data: bytes) -> CachedAudio | None:
    """The entry in `data`, or None when anything about it is wrong. Nothing raises: the
    bytes come from a disk and may be anything."""
    ending = _FOOTER.size + len(_MAGIC)
    if len(data) < ending or data[-len(_MAGIC) :] != _MAGIC:
        return None
    length, crc = _FOOTER.unpack(data[-ending : -len(_MAGIC)])
    if length > len(data) - ending or zlib.crc32(data[: -ending + 4]) != crc:
        return None
    trailer_start = len(data) - ending - length
    meta = _meta(data[trailer_start:-ending])
    if meta is None:
        return None
    fmt, frames, timings = meta
    pcm_bytes = data[:trailer_start]
    if len(pcm_bytes) != frames * fmt.bytes_per_frame:
        return None
    pcm = np.frombuffer(pcm_bytes, dtype="<i2").reshape(-1, fmt.channels)
    return CachedAudio(fmt, pcm, timings)


def _meta(trailer: bytes) -> tuple[AudioFormat, int, tuple[WordTiming, ...]] | None:
    """Format, frames and timings from a trailer, if every one of them can be right."""
    try:
        meta = json.loads(trailer, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None
    if not isinstance(meta, dict) or meta.get("version") != _VERSION:
        return None
    rate, channels, frames, timings = (meta.get(k) for k in _TRAILER_FIELDS)
    if not (
        _whole(rate, 1, _MAX_RATE)
        and _whole(channels, 1, _MAX_CHANNELS)
        and _whole(frames, 1, 1 << 40)
        and isinstance(timings, list)
    ):
        return None
    found = []
    for item in timings:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and _whole(item[0], 0, 1 << 40)
            and _whole(item[1], 0, frames)
        ):
            return None
        found.append(WordTiming(item[0], item[1]))
    return AudioFormat(rate, channels), frames, tuple(found)


_TRAILER_FIELDS = ("rate", "channels", "frames", "timings")


def _whole(value: Any, low: int, high: int) -> TypeGuard[int]:
    """An integer (not a bool, not a float) from low to high."""
    return type(value) is int and low <= value <= high


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number an entry can hold")
