"""The window's figures: cold start to a visible window, the event loop's lateness while
reading aloud, and peak memory exporting an hour of audio with the window open."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.export_memory import CHARACTERS, watch_memory
from tests.helpers.fake_server import FakeSpeechServer
from tests.reading.test_long_text import long_text


def _visible(title: str = "^Reader$") -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True, text=True
    )
    return found.returncode == 0 and bool(found.stdout.strip())


def cold_start(trials: int = 5) -> list[float]:
    """Seconds from starting `python -m reader gui` to its window being visible on the X
    server (polled with xdotool every few milliseconds), each from fresh settings."""
    times = []
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "XDG_CONFIG_HOME": str(Path(folder) / "config"),
                "XDG_CACHE_HOME": str(Path(folder) / "cache"),
            }
            started = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", "reader", "gui"], env=env, stderr=subprocess.DEVNULL
            )
            try:
                while not _visible():
                    if process.poll() is not None or time.monotonic() - started > 30:
                        raise SystemExit(f"the window did not appear ({process.poll()})")
                    time.sleep(0.005)
                times.append(time.monotonic() - started)
            finally:
                process.terminate()
                process.wait(10)
        time.sleep(0.5)
    return times


def lateness(seconds: float = 30, paste: bool = False) -> dict[str, float]:
    """The event loop's lateness during a reading; with `paste`, from pressing Play on a
    megabyte of Markdown (preparing it included)."""
    mode = "paste" if paste else "lateness"
    output = subprocess.run(
        [sys.executable, "-m", "bench.gui_probe", mode, str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def export_memory() -> dict[str, float]:
    """Peak RSS of the window's process exporting CHARACTERS (about 71 minutes of audio)
    through the export dialog, sampled every 50 ms, and its growth after the first tenth."""
    text = long_text(CHARACTERS)
    with tempfile.TemporaryDirectory() as folder, FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", 150.0, 0.3
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache")}
        out = Path(folder) / "hour.opus"
        command = [sys.executable, "-m", "bench.gui_probe", "export", server.url, str(out)]
        return watch_memory(command, text, env)


if __name__ == "__main__":
    starts = cold_start()
    print("cold start", [round(t, 3) for t in starts], "median", statistics.median(starts))
    print("lateness", lateness(15))
    print("paste", lateness(5, paste=True))
    print("export with window", export_memory())
