"""Recording the null sink's monitor in-process, with each sample's time on time.monotonic().

Each capture callback's ADC time is converted through the callback's own clock pair, so
"the sink sounded this sample at t" and "the engine did that at t" share one clock.
(Validated in bench: 50 ms injected before the output starts reads as +50 ms.)
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import numpy as np

LOUD = 200  # louder than dither or resampler ringing: speech


class MonitorRecorder:
    def __init__(self, rate: int, sink: str | None = None) -> None:
        import sounddevice as sd

        sink = sink or os.environ["READER_TEST_SINK"]
        # The ALSA pulse plugin reads PULSE_SOURCE when the stream opens.
        os.environ["PULSE_SOURCE"] = f"{sink}.monitor"
        self.rate = rate
        self._blocks: list[tuple[float, np.ndarray]] = []
        self._lock = threading.Lock()
        self._stream = sd.InputStream(
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=256,
            latency="low",
            callback=self._callback,
        )

    def _callback(self, data: np.ndarray, frames: int, timing: Any, status: Any) -> None:
        captured = time.monotonic() - (timing.currentTime - timing.inputBufferAdcTime)
        with self._lock:
            self._blocks.append((captured, data.reshape(-1).copy()))

    def __enter__(self) -> MonitorRecorder:
        self._stream.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)
        self._stream.stop()
        self._stream.close()

    def snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """(samples, the monotonic time each was sounded)."""
        with self._lock:
            blocks = list(self._blocks)
        if not blocks:
            return np.zeros(0), np.zeros(0)
        samples = np.concatenate([b for _, b in blocks]).astype(np.float64)
        times = np.concatenate([t + np.arange(len(b)) / self.rate for t, b in blocks])
        return samples, times

    def first_loud(self) -> float | None:
        samples, times = self.snapshot()
        loud = np.flatnonzero(np.abs(samples) > LOUD)
        return float(times[loud[0]]) if len(loud) else None

    def last_loud(self) -> float | None:
        samples, times = self.snapshot()
        loud = np.flatnonzero(np.abs(samples) > LOUD)
        return float(times[loud[-1]]) if len(loud) else None
