"""What an export receives from a reading: each chunk's audio once, whole.

A stream can break mid-request; the chunk is then asked for again, and the listener may
hear the sentence it broke in restarted. A file must not: it gets a chunk's audio only
once its request ended well, so what it holds is, sample for sample, what a server that
never failed would have sent.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reader.audio.format import AudioFormat, Pcm
from reader.providers.base import WordTiming
from reader.reading.timeline import Timeline
from reader.text.sentences import Chunk


class WholeChunks:
    """Holds the current chunk's audio (and the pause before it) until its request ended
    well, then hands it to `on_audio` and marks its sentences on a timeline of its own
    (the file's, which differs from what was heard only where a stream broke).

    Holding one chunk costs its audio in memory: at most a request's (a 4096-character
    request is about 5 minutes, 14 MB at 24 kHz). Used by the pump thread only;
    `timeline` and `frames` are read once the reading ended.
    """

    def __init__(self, on_audio: Callable[[Pcm, AudioFormat], None], speed: float) -> None:
        self._on_audio = on_audio
        self._speed = speed
        self.timeline: Timeline | None = None
        self.frames = 0  # handed on so far
        self._pause = 0  # frames of silence before the held chunk
        self._held: list[Pcm] = []
        self._timings: list[WordTiming] = []
        self._format: AudioFormat | None = None

    def pause(self, frames: int) -> None:
        self._pause += frames

    def add(self, pcm: Pcm, fmt: AudioFormat, timings: tuple[WordTiming, ...]) -> None:
        if self._format is not None and fmt != self._format:
            self._held.clear()  # the format changed before playback began: start over
            self._timings.clear()
        self._format = fmt
        if len(pcm):
            self._held.append(pcm)
        self._timings.extend(timings)

    def abandon(self) -> None:
        """The chunk's stream broke (or was cut short): forget its audio; the pause
        before it stays for the chunk asked for again."""
        self._held.clear()
        self._timings.clear()

    def skip(self) -> None:
        """The reading moved elsewhere: nothing held belongs before what comes next."""
        self.abandon()
        self._pause = 0

    def commit(self, chunk: Chunk) -> None:
        """`chunk`'s request ended well: hand on the pause and its audio."""
        fmt = self._format
        if fmt is None:
            return
        if self.timeline is None or self.timeline.sample_rate != fmt.sample_rate:
            self.timeline = Timeline(fmt.sample_rate, self._speed)
        if self._pause:
            self._on_audio(np.zeros((self._pause, fmt.channels), np.int16), fmt)
            self.frames += self._pause
        self.timeline.begin_chunk(chunk, self.frames)
        self.timeline.add_timings(self._timings)
        total = 0
        for block in self._held:
            self._on_audio(block, fmt)
            total += len(block)
        self.timeline.end_chunk(total)
        self.frames += total
        self._pause = 0
        self.abandon()
