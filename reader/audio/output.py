"""The sound card: one PortAudio stream per reading, fed from the PlaybackBuffer."""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

import numpy as np

from reader.audio.buffer import PlaybackBuffer
from reader.audio.format import AudioFormat
from reader.errors import AudioOutputError

# The device buffer: long enough to ride out another thread holding the GIL for 100 ms,
# short enough that pause and seek feel immediate (DESIGN.md §6).
DEVICE_LATENCY_S = 0.2
# Silence kept going after the end has reached the DAC (seconds), for clock jitter.
_DRAIN_MARGIN_S = 0.05
# Frames per callback: fewer, larger callbacks cost less CPU per second of audio.
CALLBACK_FRAMES = 1024

_NO_PORTAUDIO = (
    "No audio output: the PortAudio library is missing. Install it "
    "(Debian/Ubuntu: sudo apt install libportaudio2), or save with --no-play --output FILE."
)


class Output(Protocol):
    """Where a reading's audio goes; the engine drives it from its pump thread."""

    def start(self) -> None: ...

    @property
    def prefill_frames(self) -> int:
        """Audio to have queued before `start`: starting with less leaves a gap of silence
        inside the first device buffer, which is filled all at once."""
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def close(self) -> None: ...

    def heard_frames(self) -> int: ...

    @property
    def finished(self) -> threading.Event: ...


class OutputFactory(Protocol):
    def __call__(self, fmt: AudioFormat, buffer: PlaybackBuffer) -> Output: ...


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as error:  # raised by sounddevice when libportaudio is absent
        raise AudioOutputError(_NO_PORTAUDIO) from error
    return sounddevice


# What the terminal and the window both say when nothing can play sound (the window adds
# its "Choose a device" button, the terminal how to save instead).
NO_OUTPUT_DEVICE = (
    "No audio output device found. Connect or enable one (is PulseAudio or PipeWire running?)"
)


def check_output_device(device: int | str | None = None) -> None:
    """Raise AudioOutputError with the fix when nothing can play sound."""
    if not _has_output_device(device):
        raise AudioOutputError(f"{NO_OUTPUT_DEVICE}, or save with --no-play --output FILE.")


def _has_output_device(device: int | str | None) -> bool:
    sd = _sounddevice()
    try:
        sd.query_devices(device, kind="output")
    except (ValueError, sd.PortAudioError):
        return False
    return True


def output_devices() -> list[str]:
    """The names of the devices that can play sound (for a settings list)."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as error:
        raise AudioOutputError(f"The audio devices cannot be listed: {error}") from error
    return [str(d["name"]) for d in devices if d.get("max_output_channels", 0) > 0]


class DeviceOutput:
    """A PortAudio output stream that stays open for the whole reading.

    The callback only copies from the buffer, zero-fills and counts; it records when the
    first frame it wrote will reach the DAC, so the heard position is exact, not "what
    was handed to the driver". Pause aborts the stream (silence at once, no draining)
    and puts back what the device had taken but not yet played.
    """

    def __init__(
        self,
        fmt: AudioFormat,
        buffer: PlaybackBuffer,
        device: int | str | None = None,
        latency: float = DEVICE_LATENCY_S,
        blocksize: int = CALLBACK_FRAMES,
    ) -> None:
        self._sd = _sounddevice()
        self._format = fmt
        self._buffer = buffer
        self._finished = threading.Event()
        # (frames played before the last callback, the DAC time of its first frame)
        self._last_callback: tuple[int, float] = (0, 0.0)
        self._tail_frames = 0
        self._drain_frames = 0
        self._rate = float(fmt.sample_rate)
        # Guards the stream against being queried (pollers) while it is closed (the pump);
        # the audio callback never takes it.
        self._control = threading.Lock()
        self._closed = False
        try:
            self._stream = self._sd.OutputStream(
                samplerate=fmt.sample_rate,
                channels=fmt.channels,
                dtype="int16",
                device=device,
                latency=latency,
                blocksize=blocksize,
                callback=self._callback,
                finished_callback=self._finished.set,
                # The first device buffer is filled from the callback, with speech, instead
                # of a buffer of silence put in front of the first word.
                prime_output_buffers_using_stream_callback=True,
            )
        except (ValueError, self._sd.PortAudioError) as error:
            if not _has_output_device(device):  # no sound server, or the device is gone
                raise AudioOutputError(f"{NO_OUTPUT_DEVICE}.") from error
            raise AudioOutputError(
                f"The audio output refused {fmt.sample_rate} Hz, {fmt.channels} channel(s): "
                f"{error}. Choose another output device."
            ) from error
        # WORKAROUND: after CallbackStop, PortAudio's ALSA path (and so PulseAudio through
        # it) stops without draining, and what the device still held is never heard.
        # Silence is written behind the end until the end's DAC time has passed. Counting
        # frames instead (the reported latency plus two periods) lost the last 50 ms on
        # PulseAudio, whose own queue lies beyond the reported latency; the count stays
        # as the rule for a host that reports no DAC times.
        self._drain_frames = int(self._stream.latency * fmt.sample_rate) + 2 * blocksize
        self._end_dac = 0.0  # when the last real frame reaches the DAC, once known
        # Starting primes the whole host buffer in one burst: the reported latency plus two
        # callback periods (measured on ALSA and PulseAudio). Less audio than that at start
        # would put a gap of silence inside the first word.
        self._prefill = int(self._stream.latency * fmt.sample_rate) + 2 * blocksize

    @property
    def finished(self) -> threading.Event:
        return self._finished

    @property
    def latency(self) -> float:
        return float(self._stream.latency)

    @property
    def prefill_frames(self) -> int:
        return self._prefill

    def _callback(self, outdata: np.ndarray, frames: int, timing: Any, status: Any) -> None:
        buffer = self._buffer
        self._last_callback = (buffer.played_frames, timing.outputBufferDacTime)
        if status.output_underflow:
            buffer.device_underflows += 1
        copied = buffer.read_into(outdata)
        if buffer.drained():
            if not self._tail_frames:
                self._end_dac = timing.outputBufferDacTime + copied / self._rate
            self._tail_frames += frames
            if self._end_dac > 0 and timing.currentTime > 0:
                if timing.currentTime >= self._end_dac + _DRAIN_MARGIN_S:
                    raise self._sd.CallbackStop
            elif self._tail_frames >= self._drain_frames:
                raise self._sd.CallbackStop

    def start(self) -> None:
        with self._control:
            if self._closed:
                return
            self._finished.clear()
            self._tail_frames = 0
            self._stream.start()

    def pause(self) -> None:
        with self._control:
            if self._closed or self._stream.stopped:
                return
            heard = self._heard_frames()
            self._stream.abort()
            self._buffer.rewind(self._buffer.played_frames - heard)

    def resume(self) -> None:
        with self._control:
            if self._closed or not self._stream.stopped:
                return
            self._finished.clear()
            self._tail_frames = 0
            self._stream.start()

    def close(self) -> None:
        with self._control:
            if not self._closed:
                self._closed = True
                self._stream.abort()
                self._stream.close()
        self._finished.set()

    def heard_frames(self) -> int:
        with self._control:
            return self._heard_frames()

    def _heard_frames(self) -> int:
        played = self._buffer.played_frames
        if self._closed or self._stream.stopped:
            return played
        base, dac_time = self._last_callback
        if dac_time > 0:
            now = self._stream.time
            heard = base + int((now - dac_time) * self._format.sample_rate)
        else:  # the host API gives no timing: assume the device buffer is full
            heard = played - int(self._stream.latency * self._format.sample_rate)
        return max(0, min(heard, played))


def device_output(device: int | str | None = None) -> OutputFactory:
    """An OutputFactory for a PortAudio device (None: the system default)."""

    def make(fmt: AudioFormat, buffer: PlaybackBuffer) -> Output:
        return DeviceOutput(fmt, buffer, device)

    return make


class ClockOutput:
    """A stand-in sound card for tests and `--no-play`-style runs: a thread that consumes
    the buffer in real time multiplied by `speed`, with the same callback contract."""

    def __init__(
        self, fmt: AudioFormat, buffer: PlaybackBuffer, speed: float = 1.0, blocksize: int = 1024
    ) -> None:
        self._format = fmt
        self._buffer = buffer
        self._speed = speed
        self._blocksize = blocksize
        self._finished = threading.Event()
        self._running = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None

    @property
    def finished(self) -> threading.Event:
        return self._finished

    @property
    def prefill_frames(self) -> int:
        return 0

    def start(self) -> None:
        if self.started_at is None:
            self.started_at = time.monotonic()
        self._running.set()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="clock-output", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        out = np.zeros((self._blocksize, self._format.channels), dtype=np.int16)
        period = self._blocksize / self._format.sample_rate / self._speed
        next_tick = time.monotonic()
        while not self._closed.is_set():
            if not self._running.wait(0.01):
                next_tick = time.monotonic()
                continue
            self._buffer.read_into(out)
            if self._buffer.drained():
                self._finished.set()
                self._running.clear()
                continue
            next_tick += period
            delay = next_tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def close(self) -> None:
        self._closed.set()
        self._running.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1)
        self._finished.set()

    def heard_frames(self) -> int:
        return self._buffer.played_frames


def clock_output(speed: float = 1.0) -> OutputFactory:
    def make(fmt: AudioFormat, buffer: PlaybackBuffer) -> Output:
        return ClockOutput(fmt, buffer, speed)

    return make
