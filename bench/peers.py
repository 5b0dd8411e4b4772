"""Time to first audio, Reader against what people would use instead, in one run.

For a ~600-character text from the loopback server (200 ms to first byte, 2x real
time; or behind a buffering proxy that sends nothing until the whole clip is made),
each candidate runs in a process of its own (bench/peer_play.py) and two times are
taken from the moment its request reached the server:

- out: its first sample with sound handed to the sound card (its stream's callback);
- heard: that sound at the null sink's monitor (end to end, at the sound card).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from tests.helpers.fake_server import FakeSpeechServer
from tests.helpers.monitor import MonitorRecorder

CANDIDATES = ("floor", "reader", "sdk")
TEXT = (
    "Reader starts to speak as soon as the first sentence is ready. The rest of the text "
    "is fetched while that sentence plays, so nobody sits through seconds of silence. "
    "Long articles, short notes and whole chapters all begin the same way: at once. "
    "A tool that waits for the whole clip before it plays makes its listener wait as "
    "long as the server takes to make all of it. A streaming reader only waits for the "
    "first sound. That difference grows with every sentence of the text. Here it is "
    "measured side by side, with the same server, the same text and the same sound card, "
    "on one machine."
)


def _trial(server: FakeSpeechServer, candidate: str) -> tuple[float, float]:
    # An empty audio cache for every trial: Reader must not answer from an earlier one.
    with MonitorRecorder(24_000) as monitor, tempfile.TemporaryDirectory() as cache:
        asked_before = len(server.requests)
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.peer_play", candidate, server.url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "XDG_CACHE_HOME": cache},
        )
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(TEXT)
        child.stdin.close()
        line = child.stdout.readline()
        deadline = time.monotonic() + 5
        heard: float | None = None
        while time.monotonic() < deadline:
            heard = monitor.first_loud()
            if heard is not None:
                break
            time.sleep(0.01)
        child.kill()
        child.wait()
    if not line or heard is None:
        raise RuntimeError(f"{candidate}: no sound reached the sink")
    posts = [r for r in server.requests[asked_before:] if r.method == "POST"]
    asked = posts[0].arrived_at
    return json.loads(line)["first_out"] - asked, heard - asked


def first_audio(mode: str, trials: int = 5) -> dict[str, dict[str, float]]:
    """Per candidate: median seconds from request to first sample out and heard."""
    times: dict[str, list[tuple[float, float]]] = {c: [] for c in CANDIDATES}
    with FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = mode, 2.0, 0.2
        server.synthesis_speed = 2.0  # the buffering proxy's synthesis, x real time
        for _ in range(trials):
            for candidate in CANDIDATES:
                times[candidate].append(_trial(server, candidate))
                time.sleep(0.3)
    return {
        candidate: {
            "out_s": statistics.median(t[0] for t in found),
            "heard_s": statistics.median(t[1] for t in found),
        }
        for candidate, found in times.items()
    }


if __name__ == "__main__":
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(json.dumps({mode: first_audio(mode, trials) for mode in ("paced", "buffering")}))
