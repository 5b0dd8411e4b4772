"""Peak memory of `reader speak --no-play -o X.opus` exporting about an hour of audio.

The loopback server streams synthetic audio (14 characters a second of speech) at 150x
real time, so an hour is exported in well under a minute; the reader process's RSS is
sampled from /proc every 50 ms.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.reading.test_long_text import long_text

from tests.helpers.fake_server import FakeSpeechServer

CHARACTERS = 60_000  # about 71 minutes at 14 characters a second


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def watch_memory(command: list[str], text: str, env: dict[str, str]) -> dict[str, float]:
    """Run `command` with `text` on its stdin, sampling its RSS every 50 ms: the peak,
    what it still grew after the first tenth of the run (past the start-up imports and
    the first buffers: flatness), and the wall time."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True
    )
    assert process.stdin is not None
    process.stdin.write(text)
    process.stdin.close()
    samples: list[tuple[float, float]] = []
    while process.poll() is None:
        value = rss_mb(process.pid)
        if value is not None:
            samples.append((time.monotonic() - started, value))
        time.sleep(0.05)
    if process.returncode != 0:
        raise SystemExit(f"{command[2:4]} failed with status {process.returncode}")
    wall = time.monotonic() - started
    peak = max(value for _, value in samples)
    tenth = wall / 10
    settled = next((value for t, value in samples if t >= tenth), peak)
    later = max((value for t, value in samples if t >= tenth), default=settled)
    return {"wall_s": wall, "peak_mb": peak, "growth_mb": later - settled}


def run() -> dict[str, float]:
    text = long_text(CHARACTERS)
    with tempfile.TemporaryDirectory() as folder, FakeSpeechServer() as server:
        server.mode = "paced"
        server.pace = 150.0
        server.first_byte_s = 0.3
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache")}
        out = Path(folder) / "hour.opus"
        command = [sys.executable, "-m", "reader", "speak", "-p", "openai-compatible"]
        command += ["--base-url", server.url, "--no-play", "-o", str(out), "-"]
        result = watch_memory(command, text, env)
    return {"audio_min": len(text) / 14 / 60, **result}


if __name__ == "__main__":
    print(run())
