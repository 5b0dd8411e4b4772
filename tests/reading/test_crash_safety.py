"""kill -9 in the middle of an export, a cache write or a settings write: no half-written
file where a person would find it, and the next run works (issue 24)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.reading.cache import _parse
from reader.settings import SettingsFile
from tests.helpers.fake_server import FakeSpeechServer

# One paragraph (no paragraph pauses), long enough that the export is still streaming
# when it is killed: about 20 s of audio served at real-time speed.
TEXT = " ".join(
    f"Sentence number {n} of this export is long enough to take a while to hear aloud."
    for n in range(1, 5)
)


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def killed_export(tmp_path: Path) -> Iterator[tuple[FakeSpeechServer, Path, Path, dict]]:
    """An export killed with SIGKILL while its audio and cache entries were being written.
    Yields the server, the output path, the cache folder and the environment."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = tmp_path / "out" / "reading.wav"
    out.parent.mkdir()
    with FakeSpeechServer() as server:
        server.mode = "paced"
        server.pace = 1.0
        server.first_byte_s = 0.0
        args = ["speak", "-p", "openai-compatible", "--base-url", server.url, "--no-play"]
        process = subprocess.Popen(
            [sys.executable, "-m", "reader", *args, "-o", str(out), TEXT],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            cache = tmp_path / "cache"

            def writing() -> bool:
                partial = [p for p in out.parent.iterdir() if p.stat().st_size > 20_000]
                parts = [p for p in cache.rglob(".part-*") if p.stat().st_size > 20_000]
                return bool(partial and parts)

            wait_for(writing)
            process.send_signal(signal.SIGKILL)
            assert process.wait(10) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        yield server, out, cache, env


def export_again(server: FakeSpeechServer, out: Path, env: dict) -> np.ndarray:
    """The same export run again to the end (quickly); returns its samples."""
    server.pace = 40.0
    args = ["speak", "-p", "openai-compatible", "--base-url", server.url, "--no-play"]
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args, "-o", str(out), TEXT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    samples, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000
    return samples


def whole_reading(server: FakeSpeechServer) -> np.ndarray:
    """What the server sent for each chunk of the text, in the text's order."""
    chunks = sorted(server.sent, key=TEXT.index)
    return np.concatenate([np.frombuffer(server.sent[c], "<i2") for c in chunks])


def test_an_export_killed_midway_leaves_no_file_under_its_name(killed_export) -> None:
    server, out, _, env = killed_export
    assert not out.exists()
    # Only the hidden partial file is left beside it, never something named like the
    # export (soundfile opens it, a person could play half a reading).
    assert all(p.name.startswith(".") and p.suffix == ".partial" for p in out.parent.iterdir())
    samples = export_again(server, out, env)
    assert np.array_equal(samples, whole_reading(server))


def test_a_cache_write_killed_midway_never_becomes_an_entry(killed_export) -> None:
    server, out, cache, env = killed_export
    parts = list(cache.rglob(".part-*"))
    assert parts  # it was killed while writing one
    for entry in cache.rglob("*.audio"):
        assert _parse(entry.read_bytes()) is not None  # whatever is named an entry is whole
    # An hour on, what the killed writer left is cleared by the next run's cache upkeep.
    for part in parts:
        os.utime(part, (time.time() - 7200, time.time() - 7200))
    samples = export_again(server, out, env)
    assert np.array_equal(samples, whole_reading(server))
    assert not any(p.exists() for p in parts)
    assert not list(cache.rglob(".part-*"))
    for entry in cache.rglob("*.audio"):
        assert _parse(entry.read_bytes()) is not None


_WRITER = """
import sys
from pathlib import Path
from reader.settings import Endpoint, Settings, SettingsFile

settings_file = SettingsFile(Path(sys.argv[1]))
versions = [
    Settings(endpoints=tuple(Endpoint(f"{v}{n}", "openai-compatible", f"http://h{n}.lan/v1")
                             for n in range(3000)), voice=f"version {v}")
    for v in "ab"
]
print("ready", flush=True)
n = 0
while True:
    settings_file.save(versions[n % 2])
    n += 1
"""


def test_a_settings_write_killed_midway_leaves_the_old_or_the_new_settings(tmp_path) -> None:
    path = tmp_path / "config" / "settings.json"
    rng = np.random.default_rng(24)
    for _ in range(5):
        with subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
        ) as process:
            try:
                assert process.stdout is not None and process.stdout.readline() == "ready\n"
                wait_for(path.exists)
                time.sleep(float(rng.uniform(0.05, 0.4)))  # in a write, or between two
                process.send_signal(signal.SIGKILL)
                assert process.wait(10) == -signal.SIGKILL
            finally:
                if process.poll() is None:
                    process.kill()
        settings_file = SettingsFile(path)
        settings = settings_file.load()
        assert settings_file.warning is None  # it parsed: never half a file
        assert settings.voice in ("version a", "version b")
        assert len(settings.endpoints) == 3000
        assert json.loads(path.read_text())["voice"] == settings.voice
    # The next run saves and loads as ever.
    SettingsFile(path).save(settings)
    assert SettingsFile(path).load() == settings
