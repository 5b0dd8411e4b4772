"""Audio already synthesized, kept on disk by content, so nothing is billed twice.

An entry is one request's audio and timings, named by a hash of everything that shapes
the sound (provider, endpoint, model, voice, instructions, speed, text) and never of a
key. The file is the raw PCM followed by a JSON trailer with its format, timings and a
checksum; it is written under a temporary name and renamed only once the request ended
well, so a half-fetched chunk is never taken for a whole one. A file that fails its
checks is deleted and the audio fetched again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from reader.audio.format import AudioFormat, Pcm
from reader.files import cache_dir
from reader.providers.base import WordTiming

log = logging.getLogger(__name__)

_MAGIC = b"RDRC"
_VERSION = 1
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
            _VERSION,
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
        """Delete the least recently used entries until the cache fits its cap."""
        files = sorted(self._entries(), key=lambda entry: entry[2])
        total = sum(size for _, size, _ in files)
        for path, size, _ in files:
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

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
        trailer = json.dumps(
            {
                "version": _VERSION,
                "rate": self._format.sample_rate,
                "channels": self._format.channels,
                "frames": self._frames,
                "crc32": self._crc,
                "timings": [[t.char_offset, t.frame] for t in self._timings],
            }
        ).encode()
        try:
            self._file.write(trailer + struct.pack("<I", len(trailer)) + _MAGIC)
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


def _parse(data: bytes) -> CachedAudio | None:
    if len(data) < 8 or data[-4:] != _MAGIC:
        return None
    (length,) = struct.unpack("<I", data[-8:-4])
    if length > len(data) - 8:
        return None
    try:
        meta = json.loads(data[-8 - length : -8])
        fmt = AudioFormat(int(meta["rate"]), int(meta["channels"]))
        frames = int(meta["frames"])
        timings = tuple(WordTiming(int(c), int(f)) for c, f in meta["timings"])
        crc = int(meta["crc32"])
    except (ValueError, KeyError, TypeError):
        return None
    pcm_bytes = data[: -8 - length]
    if meta.get("version") != _VERSION or len(pcm_bytes) != frames * fmt.channels * 2:
        return None
    if zlib.crc32(pcm_bytes) != crc:
        return None
    pcm = np.frombuffer(pcm_bytes, dtype="<i2").reshape(-1, fmt.channels)
    return CachedAudio(fmt, pcm, timings)
