"""Our overhead from receiving the first audio to that sample being audible at the sink.

The null sink's monitor is recorded in this process with each sample's time on
time.monotonic() (tests/helpers/monitor.py), so "received" and "audible" share one clock.
A sample received at t0 that sits k frames into the reading should sound at
start + k/rate; the overhead is what exceeds that.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

import numpy as np

from reader.audio.output import device_output
from reader.providers.base import AudioChunk, CancelToken, Provider, SpeechRequest
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers.monitor import LOUD as THRESHOLD
from tests.helpers.monitor import MonitorRecorder


class TimedProvider:
    """Wraps a provider and notes when the first voiced sample arrived."""

    def __init__(self, provider: Provider) -> None:
        self._provider = provider
        self.first_voiced: tuple[float, int] | None = None  # (monotonic, frame in reading)
        self._frames = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        for chunk in self._provider.stream(request, cancel):
            if self.first_voiced is None:
                loud = np.flatnonzero(np.abs(chunk.pcm.reshape(-1)) > THRESHOLD)
                if len(loud):
                    self.first_voiced = (time.monotonic(), self._frames + int(loud[0]))
            self._frames += len(chunk.pcm)
            yield chunk


def measure_once(provider: Provider, text: str) -> float:
    timed = TimedProvider(provider)
    rate = provider.audio_format("").sample_rate
    with MonitorRecorder(rate) as monitor:
        reading = Reading(text, timed, Voicing(provider.default_voice()), device_output())  # type: ignore[arg-type]
        reading.start()
        deadline = time.monotonic() + 10
        while monitor.first_loud() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        reading.stop()
        reading.wait(2)
    heard = monitor.first_loud()
    if heard is None or timed.first_voiced is None or reading.state is State.FAILED:
        raise RuntimeError("no sound reached the sink")
    received, frame = timed.first_voiced
    return heard - received - frame / rate


def run(provider: Provider, trials: int = 20) -> list[float]:
    text = "Reader starts speaking the moment the first audio arrives. " * 3
    results = []
    for _ in range(trials):
        results.append(measure_once(provider, text))
        time.sleep(0.2)
    return results
