"""Stop pressed → silence at the sink: the time from `Reading.stop()` to the last sound."""

from __future__ import annotations

import time

from reader.audio.output import device_output
from reader.providers.base import Provider
from reader.reading.engine import Reading
from reader.reading.events import Voicing
from tests.helpers.monitor import MonitorRecorder

TEXT = "A long sentence keeps the voice busy while we reach for the stop button. " * 10


def measure_once(provider: Provider) -> float:
    rate = provider.audio_format("").sample_rate
    with MonitorRecorder(rate) as monitor:
        reading = Reading(TEXT, provider, Voicing(provider.default_voice()), device_output())
        reading.start()
        deadline = time.monotonic() + 10
        while monitor.first_loud() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.7)
        # Stop where the voice is sounding, not in a pause between words.
        while abs(monitor.snapshot()[0][-64:]).max() < 2000:
            time.sleep(0.002)
        pressed = time.monotonic()
        reading.stop()
        reading.wait(2)
    last = monitor.last_loud()
    if last is None:
        raise RuntimeError("no sound reached the sink")
    return max(0.0, last - pressed)


def run(provider: Provider, trials: int = 10) -> list[float]:
    return [measure_once(provider) for _ in range(trials)]
