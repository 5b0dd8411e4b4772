"""The audio cache: nothing is billed twice, and a damaged entry is fetched again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.audio.format import AudioFormat
from reader.providers.base import WordTiming
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.cache import AudioCache, CacheKey
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers.cli import reader, speak
from tests.helpers.fake_server import FakeSpeechServer

FMT = AudioFormat(24_000, 1)
KEY = CacheKey("openai", "https://api.openai.com/v1", "tts-1", "alloy", "", 1.0, "Hello.")
SECOND = (
    "The second request holds these sentences, each of a good length.",
    "Here is another one that belongs to the same request as the last.",
    "And a third sentence ends the second request of this reading.",
)
TEXT = (
    "The first sentence is short. "
    + " ".join(SECOND)
    + "\n\nA new paragraph starts a new request. It has two sentences."
)


def pcm(frames: int = 10_000) -> np.ndarray:
    return (np.arange(frames, dtype=np.int64) * 7 % 20_000 - 10_000).astype(np.int16).reshape(-1, 1)


def store(cache: AudioCache, key: CacheKey, audio: np.ndarray) -> None:
    writer = cache.writer(key)
    assert writer is not None
    writer.append(audio[:3000], FMT, (WordTiming(0, 0),))
    writer.append(audio[3000:], FMT, (WordTiming(7, 4000),))
    writer.commit()


def test_round_trip_with_timings(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    store(cache, KEY, pcm())
    entry = cache.get(KEY)
    assert entry is not None and entry.format == FMT
    assert np.array_equal(entry.pcm, pcm())
    assert entry.timings == (WordTiming(0, 0), WordTiming(7, 4000))
    other = CacheKey(*[*vars_of(KEY)[:-1], "Hello!"])
    assert cache.get(other) is None


def vars_of(key: CacheKey) -> list[object]:
    return [getattr(key, name) for name in key.__dataclass_fields__]


@pytest.mark.parametrize("damage", ["flip", "truncate", "trailer"])
def test_a_damaged_entry_is_discarded(tmp_path: Path, damage: str) -> None:
    cache = AudioCache(tmp_path)
    store(cache, KEY, pcm())
    (path,) = tmp_path.rglob("*.audio")
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[1001] ^= 0x40
    elif damage == "truncate":
        data = data[:5000] + data[-200:]
    else:
        data[-3] = ord("X")
    path.write_bytes(bytes(data))
    assert cache.get(KEY) is None
    assert not path.exists()


def test_an_unfinished_entry_is_never_visible(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    writer = cache.writer(KEY)
    assert writer is not None
    writer.append(pcm(), FMT)
    assert cache.get(KEY) is None  # not committed yet
    writer.discard()
    assert list(tmp_path.rglob("*")) == [p for p in tmp_path.rglob("*") if p.is_dir()]


def test_least_recently_used_entries_go_first(tmp_path: Path) -> None:
    import os

    cache = AudioCache(tmp_path, max_bytes=70_000)  # room for three 20 kB entries
    keys = [CacheKey("p", "e", "m", "v", "", 1.0, f"text {n}") for n in range(4)]
    for age, key in enumerate(keys[:3]):
        store(cache, key, pcm())
        (path,) = [p for p in tmp_path.rglob("*.audio") if p.stem == key.digest()]
        os.utime(path, (1000 + age, 1000 + age))
    assert cache.get(keys[0]) is not None  # used now: the newest
    store(cache, keys[3], pcm())
    assert [key in cache for key in keys] == [True, False, True, True]
    entries, size = cache.size()
    assert entries == 3 and size <= 70_000
    assert cache.clear() == size and cache.size() == (0, 0)


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        yield server


def posts(server: FakeSpeechServer) -> list[str]:
    return [r.body["input"] for r in server.requests if r.method == "POST"]


def test_replaying_and_exporting_a_finished_reading_make_no_request(server, tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = speak("openai-compatible", server.url, tmp_path / "a.wav", TEXT, env=env)
    assert first.returncode == 0, first.stderr
    asked = len(posts(server))
    assert asked >= 3
    again = speak("openai-compatible", server.url, tmp_path / "b.flac", TEXT, env=env)
    assert again.returncode == 0, again.stderr
    assert len(posts(server)) == asked  # no request at all
    a, _ = soundfile.read(tmp_path / "a.wav", dtype="int16")
    b, _ = soundfile.read(tmp_path / "b.flac", dtype="int16")
    assert np.array_equal(a, b)
    listed = reader("cache", "info", env=env)
    assert listed.returncode == 0 and f"\t{asked} entries\t" in listed.stdout
    cleared = reader("cache", "clear", env=env)
    assert cleared.returncode == 0 and "Cleared the audio cache" in cleared.stderr
    third = speak("openai-compatible", server.url, tmp_path / "c.wav", TEXT, env=env)
    assert third.returncode == 0 and len(posts(server)) == 2 * asked


def read(server: FakeSpeechServer, cache: AudioCache, start: int = 0):
    api = HttpApi("The server", "openai-compatible", server.url)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    chunks: list[np.ndarray] = []

    def audio(block, fmt) -> None:
        chunks.append(block)

    try:
        reading = Reading(
            TEXT,
            provider,
            Voicing("af_heart", "tts-1"),
            None,
            on_audio=audio,
            start_sentence=start,
            cache=cache,
        )
        READINGS.append(reading)
        reading.start()
        assert reading.wait(30)
    finally:
        provider.close()
    return reading, chunks


def test_a_cancelled_export_resumes_from_the_cache(server, tmp_path) -> None:
    import threading

    cache = AudioCache(tmp_path)
    READINGS.clear()
    server.breaks = {"A new paragraph": ("stall", 0.3)}  # the last request hangs...
    server.stall_hold_s = 15.0  # far longer than the cancel takes, even on a loaded machine
    stopper = threading.Thread(target=stop_when_cached, args=(cache, 2))
    stopper.start()
    reading, _ = read(server, cache)  # ...and the export is cancelled while it does
    stopper.join()
    assert reading.state is State.STOPPED
    first = set(posts(server))
    assert len(first) == 3 and cache.size()[0] == 2
    before = len(posts(server))
    reading, _ = read(server, cache)
    assert reading.state is State.FINISHED
    assert posts(server)[before:] == [
        "A new paragraph starts a new request. It has two sentences."
    ]  # only the request that was missing


READINGS: list[Reading] = []


def stop_when_cached(cache: AudioCache, entries: int) -> None:
    import time

    deadline = time.monotonic() + 20
    while cache.size()[0] < entries and time.monotonic() < deadline:
        time.sleep(0.02)
    while not READINGS and time.monotonic() < deadline:
        time.sleep(0.02)
    READINGS[-1].stop()


def test_seeking_back_reuses_the_cache(server, tmp_path) -> None:
    cache = AudioCache(tmp_path)
    read(server, cache)
    before = len(posts(server))
    reading, _ = read(server, cache, start=1)  # sentence 1 begins the second request
    assert reading.state is State.FINISHED and len(posts(server)) == before
    reading, _ = read(server, cache, start=2)  # inside it: only the rest of that request
    assert reading.state is State.FINISHED
    assert sorted(posts(server)[before:]) == sorted(SECOND[1:])  # a short head, then the grid


def test_the_cache_holds_no_key(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    secret = "sk-cache-SECRET-0123456789"
    with FakeSpeechServer() as server:
        saved = reader("keys", "set", "openai", "--base-url", server.url, stdin=secret, env=env)
        assert saved.returncode == 0, saved.stderr
        try:
            result = speak("openai", server.url, tmp_path / "o.wav", TEXT, "-m", "tts-1", env=env)
            assert result.returncode == 0, result.stderr
        finally:
            reader("keys", "delete", "openai", "--base-url", server.url, env=env)
    files = list((tmp_path / "cache").rglob("*.audio"))
    assert files
    for path in files:
        assert secret.encode() not in path.read_bytes()
