"""Saving a reading's audio: WAV, FLAC, Ogg Vorbis, Opus or MP3, all or nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from reader.audio.format import AudioFormat, Pcm
from reader.errors import ExportError
from reader.files import create_beside

# extension → (libsndfile container, encoding)
FORMATS: dict[str, tuple[str, str]] = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".opus": ("OGG", "OPUS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
}
_OPUS_RATES = (8_000, 12_000, 16_000, 24_000, 48_000)


def check_output_path(path: Path, allowed: Sequence[str] = ()) -> None:
    """Raise ExportError naming `path` unless a file of a known format (`allowed`
    suffixes, else the audio formats) can be written there."""
    if path.is_dir():
        raise ExportError(f"Cannot write {path}: it is a folder.")
    if path.suffix.lower() not in (allowed or FORMATS):
        known = ", ".join(allowed or FORMATS)
        raise ExportError(f"Cannot save as '{path.suffix or path.name}': use one of {known}.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {folder} does not exist.")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"Cannot write {path}: permission denied.")
    # Permission bits do not tell (root ignores them; /proc refuses everyone): try it.
    _temp_file(path).unlink()


def _why(path: Path, error: BaseException) -> str:
    """A reason a person can act on; libsndfile only says "System error"."""
    try:
        if shutil.disk_usage(path.parent).free < 1 << 20:
            return "the disk is full."
    except OSError:
        pass
    return f"{error} (is the disk full or the file too large for it?)"


def _temp_file(path: Path) -> Path:
    """A new empty file beside `path`, where the export is written before its rename."""
    try:
        handle, temp = create_beside(path, ".partial")
    except OSError as error:
        reason = error.strerror or str(error)
        raise ExportError(f"Cannot write {path}: {reason.lower()}.") from error
    os.close(handle)
    return Path(temp)


def output_rate(extension: str, source_rate: int) -> int:
    """The rate the file is written at: the source's, unless the encoder cannot take it."""
    if extension == ".opus" and source_rate not in _OPUS_RATES:
        return next((rate for rate in _OPUS_RATES if rate >= source_rate), 48_000)
    return source_rate


class AudioFileWriter:
    """Streams blocks into a temporary file next to `path`; `commit()` renames it into
    place. Leaving the `with` block without commit (error, cancel, Ctrl+C) deletes it, so
    a failed export never leaves a half-written file behind.
    """

    def __init__(
        self, path: Path, fmt: AudioFormat, title: str | None = None, artist: str | None = None
    ) -> None:
        check_output_path(path)
        self.path = path
        self._format = fmt
        extension = path.suffix.lower()
        container, encoding = FORMATS[extension]
        self._rate = output_rate(extension, fmt.sample_rate)
        self._resampler: Any = None
        if self._rate != fmt.sample_rate:
            import soxr

            self._resampler = soxr.ResampleStream(
                fmt.sample_rate, self._rate, fmt.channels, dtype="int16"
            )
        self._temp = _temp_file(path)
        self.frames_written = 0
        import soundfile

        try:
            self._file = soundfile.SoundFile(
                self._temp, "w", self._rate, fmt.channels, encoding, format=container
            )
        except (OSError, RuntimeError, soundfile.LibsndfileError) as error:
            self._temp.unlink(missing_ok=True)
            raise ExportError(f"Cannot write {path}: {error}") from error
        for field, value in (("title", title), ("artist", artist)):
            if value:
                with contextlib.suppress(RuntimeError, AttributeError):
                    setattr(self._file, field, value[:200])

    def write(self, block: Pcm) -> None:
        self.frames_written += len(block)
        if self._resampler is not None:
            block = self._resampler.resample_chunk(np.ascontiguousarray(block))
        if len(block):
            self._write(block)

    def _write(self, block: Pcm) -> None:
        try:
            self._file.write(block)
        except (OSError, RuntimeError) as error:
            raise ExportError(f"Writing {self.path} failed: {_why(self._temp, error)}") from error

    def commit(self) -> Path:
        if self._resampler is not None:
            tail = self._resampler.resample_chunk(
                np.zeros((0, self._format.channels), dtype=np.int16), last=True
            )
            if len(tail):
                self._write(tail)
        self._file.close()
        os.replace(self._temp, self.path)
        return self.path

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> AudioFileWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._temp.exists():
            self.discard()
