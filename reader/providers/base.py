"""The provider contract: voices, models, limits, and a stream of PCM for one request."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

from reader.audio.format import AudioFormat, Pcm


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    language: str = ""
    gender: str = ""


@dataclass(frozen=True, slots=True)
class SpeechRequest:
    text: str
    voice: str
    model: str = ""
    speed: float = 1.0
    instructions: str = ""


@dataclass(frozen=True, slots=True)
class WordTiming:
    """A word (or character) of the request text starts at `frame` of the request's audio."""

    char_offset: int
    frame: int


@dataclass(frozen=True, slots=True)
class AudioChunk:
    pcm: Pcm
    format: AudioFormat
    timings: tuple[WordTiming, ...] = ()


class CancelToken:
    """Cancellation that reaches into blocking calls.

    Providers register a closer (close the HTTP response, tell the synthesizer to
    abort) so that Stop interrupts a request within milliseconds instead of when the
    next bytes happen to arrive. A token is made per chunk of a text, so its Event is
    made only when someone waits on it.
    """

    __slots__ = ("_cancelled", "_lock", "_closers", "_event")

    def __init__(self) -> None:
        self._cancelled = False
        self._lock = threading.Lock()
        self._closers: list[Callable[[], object]] = []
        self._event: threading.Event | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            closers, self._closers = self._closers, []
            event = self._event
        if event is not None:
            event.set()
        for closer in closers:
            try:
                closer()
            except Exception:  # a closer failing must not stop the others
                pass

    def on_cancel(self, closer: Callable[[], object]) -> None:
        with self._lock:
            if not self._cancelled:
                self._closers.append(closer)
                return
        closer()

    def forget(self, closer: Callable[[], object]) -> None:
        """Drop `closer` (its request ended), so a long pass does not gather them."""
        with self._lock:
            with contextlib.suppress(ValueError):
                self._closers.remove(closer)

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds; True if cancelled meanwhile."""
        with self._lock:
            if self._cancelled:
                return True
            if self._event is None:
                self._event = threading.Event()
            event = self._event
        return event.wait(timeout)


class Provider(Protocol):
    """One voice family. `stream` yields audio as it is synthesized and raises the
    typed errors of `reader.errors`; it stops promptly once `cancel` is cancelled."""

    id: str
    display_name: str
    needs_key: bool
    # How many requests may run at once (the offline voice has one global engine).
    concurrency: int
    # Synthesized on this computer: nothing is sent or billed, and a slow first audio is
    # a model loading, not a proxy holding whole requests back.
    runs_here: bool

    @property
    def cache_scope(self) -> str:
        """Where the audio comes from, for the audio cache (the server's address); empty
        for a voice not worth caching."""
        ...

    def voices(self) -> list[Voice]: ...

    def models(self) -> list[str]: ...

    def default_voice(self) -> str: ...

    def default_model(self) -> str: ...

    def max_chars(self, model: str) -> int: ...

    def audio_format(self, model: str) -> AudioFormat:
        """The format audio is expected in, so the output can be opened before it arrives."""
        ...

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]: ...

    def close(self) -> None:
        """Release connections (the HTTP client); the provider is not used afterwards."""
        ...
