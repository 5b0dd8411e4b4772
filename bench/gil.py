"""Dropouts while another thread holds the GIL: the output callback is Python, so it
cannot run while a C call on another thread keeps the interpreter lock. Reader's device
buffer (0.2 s, reader/audio/output.py) is sized to ride out a 100 ms hold.

A reading from the loopback server (its paced tone never falls silent, 3x real time)
plays to the null sink while a thread takes the GIL for 100 ms (one long C call that
never releases it) every second. Reported: the holds and how long they really lasted,
the underruns the callback counted, and the silences heard at the sink's monitor
(bench/smoothness.py's GapWatcher) once the holds began.

    python -m bench.gil SECONDS
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

from bench.smoothness import RATE, GapWatcher
from reader.audio.output import device_output
from reader.providers.registry import Registry
from reader.reading.events import State, Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer
from tests.reading.test_long_text import long_text

HOLD_S = 0.1


def _calibrate() -> int:
    """How many items `sum(range(n))` takes to hold the GIL for HOLD_S here."""
    n = 1_000_000
    while True:
        started = time.perf_counter()
        sum(range(n))  # one C call: the GIL is not released until it returns
        took = time.perf_counter() - started
        if took > HOLD_S / 4:
            break
        n *= 2
    n = int(n * HOLD_S / took)
    for _ in range(3):  # then correct on runs of the full length (the fastest counts)
        started = time.perf_counter()
        sum(range(n))
        n = int(n * HOLD_S / (time.perf_counter() - started)) if n else n
    return n


def run(seconds: float) -> dict[str, Any]:
    size = _calibrate()
    holds: list[float] = []
    stop = threading.Event()

    def hog() -> None:
        while not stop.wait(1.0):
            started = time.perf_counter()
            sum(range(size))
            holds.append(time.perf_counter() - started)

    text = long_text(2_000)
    with FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", 3.0, 0.3
        registry = Registry(None)
        provider = registry.create("openai-compatible", server.url)
        readings = ReadingFactory(Settings(sentence_pause_ms=0, paragraph_pause_ms=0))
        reading = readings.reading(text, provider, Voicing("af_heart", "tts-1"), device_output())
        hogger = threading.Thread(target=hog, daemon=True)
        with GapWatcher(os.environ["PULSE_SINK"]) as watcher:
            reading.start()
            while reading.progress().state is State.CONNECTING:
                time.sleep(0.01)
            time.sleep(4)  # past the first sentence and its start-up
            underruns_before = reading.buffer.underruns
            underflows_before = reading.buffer.device_underflows
            gaps_before = len(watcher.gaps)
            hogger.start()
            time.sleep(seconds)
            stop.set()
            hogger.join()
            underruns = reading.buffer.underruns - underruns_before
            underflows = reading.buffer.device_underflows - underflows_before
            reading.stop()
            reading.wait(2)
        registry.close()
    gaps_ms = sorted(round(g / RATE * 1000, 1) for g in watcher.gaps[gaps_before:])
    heard = gaps_ms  # (the silence after Stop has no sound after it: not counted)
    return {
        "holds": len(holds),
        "hold_ms_median": round(sorted(holds)[len(holds) // 2] * 1000, 1) if holds else 0.0,
        "hold_ms_max": round(max(holds, default=0.0) * 1000, 1),
        "underruns": underruns,
        "device_underflows": underflows,
        "silences": len(heard),
        "longest_silence_ms": heard[-1] if heard else 0.0,
    }


if __name__ == "__main__":
    print(json.dumps(run(float(sys.argv[1]) if len(sys.argv) > 1 else 30)), flush=True)
