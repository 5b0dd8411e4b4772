"""CPU of the whole `reader speak` process per second of audio, during steady playback.

The process's user+system time is sampled from /proc between two points well after
start-up (imports and the first request are not steady playback) while it plays in
real time, so wall seconds are audio seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TEXT = Path(__file__).resolve().parent.parent / "tests" / "data" / "chapter.txt"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(skip_s: float = 10.0, window_s: float = 30.0, provider: str = "offline") -> float:
    """Milliseconds of CPU per second of audio played (eSpeak NG unless told)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "speak", "-p", provider, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    process.stdin.write(TEXT.read_bytes())
    process.stdin.close()
    try:
        time.sleep(skip_s)
        cpu0, wall0 = _cpu_seconds(process.pid), time.monotonic()
        time.sleep(window_s)
        cpu1, wall1 = _cpu_seconds(process.pid), time.monotonic()
        if process.poll() is not None:
            raise RuntimeError("the reading ended before the measuring window did")
    finally:
        process.terminate()
        process.wait(10)
    return 1000 * (cpu1 - cpu0) / (wall1 - wall0)
