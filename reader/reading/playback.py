"""The output side of a reading: its buffer, its device, and when the device may start."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np

from reader.audio.buffer import PlaybackBuffer
from reader.audio.format import AudioFormat, Pcm
from reader.audio.output import CALLBACK_FRAMES, Output, OutputFactory
from reader.errors import AudioOutputError

# The longest the first audio waits for enough to fill the device buffer; a gap early in
# a slow trickle is better than holding back speech that has arrived.
PREFILL_DEADLINE_S = 0.25

# A first audio arriving slower than this (x real time) is a trickle: the device starts
# with this much more in hand, at most this much later.
TRICKLE_RATE = 1.5
TRICKLE_MARGIN_FRAMES = 2 * CALLBACK_FRAMES
TRICKLE_MARGIN_S = 0.1
# The first audio's arrival rate is only judged over at least this long (seconds): over
# less, one network read looks like any rate at all.
_RATE_WINDOW_S = 0.05


class Playback:
    """A reading's PlaybackBuffer and Output, or a frame count when there is no device.

    The pump feeds it and asks it to start; pause, resume and close may come from any
    thread. One lock orders those; the audio callback never takes it.
    """

    def __init__(self, factory: OutputFactory | None, fmt: AudioFormat) -> None:
        self._factory = factory
        self.format = fmt
        self.buffer = PlaybackBuffer(fmt.channels)
        self._output: Output | None = None
        self._lock = threading.Lock()
        self.started = False
        self.paused = False
        self._closed = False
        self._first_audio_at: float | None = None
        self._first_audio_frames = 0
        self._written = 0
        self._recent: deque[tuple[int, Pcm]] = deque(maxlen=64)

    @property
    def has_device(self) -> bool:
        return self._factory is not None

    def open(self, fmt: AudioFormat) -> None:
        """Open the device for `fmt` (again, if the provider's audio differs from what was
        expected); before the first start only."""
        with self._lock:
            if fmt != self.format:
                self.buffer = PlaybackBuffer(fmt.channels)
                self.format = fmt
            if self._factory is None or self._closed:
                return
            if self._output is not None:
                self._output.close()
            self.started = False
            self._output = self._factory(fmt, self.buffer)

    # -- fed by the pump ----------------------------------------------------------------

    def push(self, block: Pcm) -> None:
        self._recent.append((self.delivered_frames, block))
        if self._output is not None:
            self.buffer.push(block)
        else:
            self._written += len(block)

    def end(self) -> None:
        self.buffer.end()

    @property
    def delivered_frames(self) -> int:
        """Frames handed on in play order (to the device, or counted without one)."""
        return self.buffer.pushed_frames if self._output is not None else self._written

    def queued_frames(self) -> int:
        return self.buffer.queued_frames() if self._output is not None else 0

    def try_start(self, force: bool = False) -> bool:
        """Start on the first audio once it covers the device's priming burst (or `force`:
        the chunk is complete; or the deadline passed), so no silence lands inside the
        first device buffer. True if it started now."""
        with self._lock:
            if self.started or self._closed or self.delivered_frames == 0:
                return False
            now = time.monotonic()
            if self._first_audio_at is None:
                self._first_audio_at = now
                self._first_audio_frames = self.delivered_frames
            output = self._output
            if output is not None and not force:
                needed, deadline = output.prefill_frames, PREFILL_DEADLINE_S
                if self._trickling(now):
                    needed += TRICKLE_MARGIN_FRAMES
                    deadline += TRICKLE_MARGIN_S
                waited = now - self._first_audio_at
                if self.buffer.queued_frames() < needed and waited < deadline:
                    return False
            if output is not None:
                if self.paused:
                    return False
                try:
                    output.start()
                except Exception as error:
                    raise AudioOutputError(f"The audio output failed to start: {error}") from error
            self.started = True
            return True

    def _trickling(self, now: float) -> bool:
        """Whether the first audio arrives barely faster than it plays: then, right after
        the opening burst, the device asks for more before it has come."""
        assert self._first_audio_at is not None
        waited = now - self._first_audio_at
        arrived = self.delivered_frames - self._first_audio_frames
        if waited < _RATE_WINDOW_S or not arrived:
            return False
        return arrived / waited < TRICKLE_RATE * self.format.sample_rate

    def wait_for_room(
        self, max_queued_s: float, while_waiting: Callable[[], None], longest_sleep_s: float
    ) -> None:
        """Once more than `max_queued_s` is queued, sleep until it has drained to half,
        calling `while_waiting` between sleeps of at most `longest_sleep_s`.

        Topping up after every callback period woke the pump ~20 times a second at ~0.1 ms
        of CPU each; half a queue (0.5 s) still leaves the output far from running dry.
        Sleeps follow the speed the consumer is seen to go (a sped-up test clock too).
        """
        limit = self.format.frames(max_queued_s)
        if self.queued_frames() <= limit:
            return
        low_water = limit // 2
        while (excess := self.queued_frames() - low_water) > 0:
            while_waiting()
            # The output takes a whole callback period at a time: nothing frees sooner.
            wait = max(excess, CALLBACK_FRAMES) / self.consumption_speed()
            time.sleep(min(longest_sleep_s, max(0.002, wait)))

    def wait_until_finished(self, timeout: float) -> bool:
        """True once every sample was heard (at once without a device)."""
        output = self._output
        return output is None or output.finished.wait(timeout)

    def restart(self) -> None:
        """Drop what is queued for a seek; the next audio starts the device again."""
        with self._lock:
            if self._output is not None and self.started:
                self._output.pause()
            self.started = False
            self._first_audio_at = None
            self.buffer.clear()

    # -- control, from any thread -------------------------------------------------------

    def pause(self) -> None:
        with self._lock:
            self.paused = True
            if self._output is not None and self.started:
                self._output.pause()

    def resume(self) -> None:
        with self._lock:
            self.paused = False
            if self._output is not None and self.started:
                self._output.resume()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._output is not None:
                self._output.close()

    # -- state, from any thread ---------------------------------------------------------

    def heard_frames(self) -> int:
        output = self._output
        return self._written if output is None else output.heard_frames()

    def level(self, frame: int) -> float:
        """Peak level (0..1) of the audio heard at `frame`, for a poller's meter (the
        audio callback does no such work)."""
        for start, block in list(self._recent):
            if start <= frame < start + len(block):
                window = block[max(0, frame - start - 512) : frame - start + 512]
                if not len(window):
                    return 0.0
                return float(np.abs(window.astype(np.int32)).max()) / 32768.0
        return 0.0

    def consumption_speed(self) -> float:
        """Frames per second the device takes, averaged since the first audio (a callback
        takes a whole period at once, so short windows look like bursts); never below
        real time."""
        nominal = float(self.format.sample_rate)
        started = self._first_audio_at
        if started is None:
            return nominal
        elapsed = time.monotonic() - started
        played = self.buffer.played_frames
        # Early on, one callback's worth over a few ms overstates the speed; that only
        # costs a few extra wake-ups, while understating it would starve a fast consumer.
        return max(nominal, played / elapsed) if played and elapsed > 0 else nominal
