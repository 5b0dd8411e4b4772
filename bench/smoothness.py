"""Smoothness: a long text read aloud at real speed from the loopback server, heard back
from a null sink's monitor. Reports the underruns the output callback counted and every
silence in what was heard between the first and the last sound.

The server's paced audio is a tone with noise and never falls silent, and the reading
is made with no sentence or paragraph pauses, so any silence heard is one Reader (or the
sound server) added: at a join, or while waiting for a slow answer.

    python -m bench.smoothness CHARACTERS PACE FIRST_BYTE_S [PAUSE_S]

runs one reading in this process, on the sink named by PULSE_SINK, and prints one JSON
line. With PAUSE_S, the server stops sending for that long once, a third of the way
into its third answer (a server pausing mid-stream), then catches up.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from reader.audio.output import device_output
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import State, Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer
from tests.helpers.monitor import LOUD
from tests.reading.test_long_text import long_text

RATE = 24_000
# A silence shorter than this is the tone crossing zero, not a gap (the tone's quietest
# stretch is a few samples).
GAP_MIN_S = 0.005


class GapWatcher:
    """Records the sink's monitor and keeps only what it needs: the silences between
    loud samples, measured as they stream in (an hour of samples is never kept)."""

    def __init__(self, sink: str) -> None:
        import sounddevice as sd

        os.environ["PULSE_SOURCE"] = f"{sink}.monitor"  # read by the ALSA pulse plugin
        self._blocks: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        self._samples = 0  # samples seen so far
        self._last_loud: int | None = None
        self.first_loud: int | None = None
        self.gaps: list[int] = []  # lengths (samples) of silences of at least GAP_MIN_S
        self.gap_starts: list[int] = []  # and the sample each began at
        self.overflows = 0
        self._stream = sd.InputStream(
            samplerate=RATE, channels=1, dtype="int16", blocksize=1024, callback=self._callback
        )
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._drain, daemon=True)

    def _callback(self, data: np.ndarray, frames: int, timing: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        self._blocks.put(data.reshape(-1).copy())

    def __enter__(self) -> GapWatcher:
        self._stream.start()
        self._worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.5)
        self._stream.stop()
        self._stream.close()
        self._stop.set()
        self._worker.join()
        self._take_all()

    def _drain(self) -> None:
        while not self._stop.wait(0.5):
            self._take_all()

    def _take_all(self) -> None:
        while True:
            try:
                block = self._blocks.get_nowait()
            except queue.Empty:
                return
            self._take(block)

    def _take(self, block: np.ndarray) -> None:
        loud = np.flatnonzero(np.abs(block.astype(np.int32)) > LOUD) + self._samples
        self._samples += len(block)
        if not len(loud):
            return
        if self._last_loud is None:
            self.first_loud = int(loud[0])
        else:
            loud = np.concatenate(([self._last_loud], loud))
        silences = np.diff(loud) - 1
        long_ones = np.flatnonzero(silences >= GAP_MIN_S * RATE)
        self.gaps.extend(int(silences[i]) for i in long_ones)
        self.gap_starts.extend(int(loud[i]) + 1 for i in long_ones)
        self._last_loud = int(loud[-1])

    @property
    def heard_s(self) -> float:
        if self.first_loud is None or self._last_loud is None:
            return 0.0
        return (self._last_loud - self.first_loud) / RATE


def read_once(characters: int, pace: float, first_byte_s: float, pause_s: float) -> dict[str, Any]:
    text = long_text(characters)
    sink = os.environ["PULSE_SINK"]
    with tempfile.TemporaryDirectory() as folder, FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", pace, first_byte_s
        registry = Registry(None)
        provider = registry.create("openai-compatible", server.url)
        settings = Settings(sentence_pause_ms=0, paragraph_pause_ms=0)
        readings = ReadingFactory(settings, AudioCache(Path(folder) / "cache"))
        reading = readings.reading(text, provider, Voicing("af_heart", "tts-1"), device_output())
        if pause_s:
            server.paced_pauses[3] = (1 / 3, pause_s)
        with GapWatcher(sink) as watcher:
            started = time.monotonic()
            reading.start()
            reading.wait()
            wall_s = time.monotonic() - started
        registry.close()
        if reading.state is not State.FINISHED:
            raise SystemExit(f"the reading did not finish: {reading.error}")
        posts = [r for r in server.requests if r.method == "POST"]
    # A silence inside the first request's audio is the start (the device's priming
    # burst outrunning a slow trickle), not a join; the rest fall at joins or mid-chunk.
    first_s = len(server.sent.get(posts[0].body["input"], b"")) / 2 / RATE
    first = watcher.first_loud or 0
    start_ms = [
        round(g / RATE * 1000, 1)
        for g, at in zip(watcher.gaps, watcher.gap_starts, strict=True)
        if (at - first) / RATE < first_s
    ]
    gaps_ms = sorted(
        round(g / RATE * 1000, 1)
        for g, at in zip(watcher.gaps, watcher.gap_starts, strict=True)
        if (at - first) / RATE >= first_s
    )
    return {
        "characters": len(text),
        "pace": pace,
        "first_byte_s": first_byte_s,
        "pause_s": pause_s,
        # Every response counted (the long text repeats itself: `sent` keeps one per text).
        "audio_s": round(sum(len(pcm) for _, pcm in server.responses) / 2 / RATE, 1),
        "heard_s": round(watcher.heard_s, 1),
        "wall_s": round(wall_s, 1),
        "requests": len(posts),
        "connections": server.connections,
        "underruns": reading.buffer.underruns,
        "start_gaps_ms": start_ms,
        "gaps": len(gaps_ms),
        "longest_gap_ms": gaps_ms[-1] if gaps_ms else 0.0,
        "overflows": watcher.overflows,
        # Where each silence began, seconds after the first sound (the first few).
        "gaps_at_s": [
            round((start - (watcher.first_loud or 0)) / RATE, 2) for start in watcher.gap_starts
        ][:20],
    }


class InParallel:
    """Each case (characters, pace, first byte, pause) read in a process of its own, all
    at once, each to a null sink of its own so that each is heard alone. They start at
    once and play in the background; `results` waits for them."""

    def __init__(self, cases: list[tuple[int, float, float, float]]) -> None:
        self._sinks = [_NullSink(f"reader_smooth_{os.getpid()}_{n}") for n in range(len(cases))]
        self._runs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.smoothness", *(str(v) for v in case)],
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PULSE_SINK": sink.name},
            )
            for case, sink in zip(cases, self._sinks, strict=True)
        ]

    def results(self) -> list[dict[str, Any]]:
        try:
            found = []
            for run in self._runs:
                output, _ = run.communicate()
                if run.returncode:
                    raise SystemExit(f"a smoothness run failed ({run.args})")
                found.append(json.loads(output.strip().splitlines()[-1]))
            return found
        finally:
            for sink in self._sinks:
                sink.close()


class _NullSink:
    """A PulseAudio null sink for one run, kept in low-latency mode by a silent client
    (as scripts/testbed does for the tests' sink)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._module = subprocess.run(
            ["pactl", "load-module", "module-null-sink", f"sink_name={name}", "rate=48000"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        with open("/dev/zero", "rb") as zeros:
            self._keeper = subprocess.Popen(
                ["pacat", "--latency-msec=20", "-d", name], stdin=zeros, stderr=subprocess.DEVNULL
            )
        for _ in range(50):  # a new null sink stalls new streams for its first moments
            started = time.monotonic()
            subprocess.run(
                [
                    "pacat",
                    "--raw",
                    "--format=s16le",
                    "--rate=44100",
                    "--channels=1",
                    "--latency-msec=20",
                    "-d",
                    name,
                ],
                input=bytes(8820),
                stderr=subprocess.DEVNULL,
                check=False,
            )
            if time.monotonic() - started < 0.4:
                break

    def close(self) -> None:
        self._keeper.kill()
        self._keeper.wait()
        subprocess.run(["pactl", "unload-module", self._module], check=False)


def main() -> None:
    characters, pace, first_byte = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    pause_s = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    print(json.dumps(read_once(characters, pace, first_byte, pause_s)), flush=True)


if __name__ == "__main__":
    main()
