"""Recording what the PulseAudio null sink played, and finding audio in a recording."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import numpy as np


class SinkRecorder:
    """`with sink.recording(rate) as rec: …` then `rec.samples` (float64, mono)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def recording(self, rate: int) -> Recording:
        return Recording(self.name, rate)


class Recording:
    def __init__(self, sink: str, rate: int) -> None:
        self.rate = rate
        self._sink = sink
        self._file = Path(tempfile.mkstemp(suffix=".raw")[1])
        self._process: subprocess.Popen[bytes] | None = None
        self.samples = np.zeros(0)
        self.started_at = 0.0

    def __enter__(self) -> Recording:
        handle = self._file.open("wb")
        self._process = subprocess.Popen(
            [
                "parec",
                "-d",
                f"{self._sink}.monitor",
                "--format=s16le",
                f"--rate={self.rate}",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
            ],
            stdout=handle,
        )
        handle.close()
        time.sleep(0.3)  # parec connects before the first sample of interest plays
        self.started_at = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        time.sleep(0.3)
        assert self._process is not None
        self._process.terminate()
        self._process.wait(5)
        self.samples = np.fromfile(self._file, dtype="<i2").astype(np.float64)
        self._file.unlink(missing_ok=True)


def locate(recording: np.ndarray, reference: np.ndarray) -> tuple[int, float]:
    """Where `reference` best matches inside `recording`: (offset, normalized correlation)."""
    recording = np.asarray(recording, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64).reshape(-1)
    if len(recording) < len(reference):
        recording = np.concatenate([recording, np.zeros(len(reference) - len(recording))])
    size = 1 << int(np.ceil(np.log2(len(recording) + len(reference))))
    spectrum = np.fft.rfft(recording, size) * np.conj(np.fft.rfft(reference, size))
    correlation = np.fft.irfft(spectrum, size)[: len(recording) - len(reference) + 1]
    # Normalize by the recording's energy under each placement: the raw maximum favours
    # loud stretches over the true match when the reference is short.
    energy = np.concatenate([[0.0], np.cumsum(recording**2)])
    local = energy[len(reference) :] - energy[: len(recording) - len(reference) + 1]
    scale = np.sqrt(np.maximum(local, 1e-9) * np.dot(reference, reference))
    normalized = correlation / scale
    offset = int(np.argmax(normalized))
    return offset, float(normalized[offset])


def silent_runs(
    samples: np.ndarray, rate: int, threshold: float = 30.0, window_s: float = 0.005
) -> list[float]:
    """Lengths (s) of the silent stretches between the first and last sound."""
    window = max(1, int(rate * window_s))
    count = len(samples) // window
    if count == 0:
        return []
    rms = np.sqrt((samples[: count * window].reshape(count, window) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms > threshold)
    if len(loud) == 0:
        return []
    runs, current = [], 0
    for value in rms[loud[0] : loud[-1] + 1]:
        if value <= threshold:
            current += 1
        elif current:
            runs.append(current * window_s)
            current = 0
    return runs
