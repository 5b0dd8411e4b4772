"""The cache's reader on any bytes: a damaged entry is never served and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.audio.format import AudioFormat
from reader.providers.base import WordTiming
from reader.reading.cache import AudioCache, CacheKey, encode_entry

KEY = CacheKey("openai", "https://api.openai.com/v1", "tts-1", "alloy", "", 1.0, "Hello.")
ROOT = Path(tempfile.mkdtemp(prefix="cache-properties-"))


def written(frames: int, channels: int, timings: list[tuple[int, int]]) -> tuple[bytes, Path]:
    """A real entry, as the writer leaves it, and where it is."""
    cache = AudioCache(ROOT)
    writer = cache.writer(KEY)
    assert writer is not None
    pcm = (np.arange(frames * channels) % 251 - 125).astype(np.int16).reshape(-1, channels)
    writer.append(pcm, AudioFormat(24_000, channels), tuple(WordTiming(*t) for t in timings))
    writer.commit()
    path = cache._path(KEY)
    return path.read_bytes(), path


ENTRIES = st.tuples(
    st.integers(1, 400),
    st.sampled_from([1, 2]),
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 400)), max_size=5),
).filter(lambda e: all(f <= e[0] for _, f in e[2]))

DAMAGE = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("drop"), st.integers(0, 10**6), st.just(0)),
)


def damaged(data: bytes, kind: str, at: int, value: int) -> bytes:
    if not data:
        return bytes([value])
    at %= len(data)
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ value]) + data[at + 1 :]
    if kind == "cut":
        return data[:at]
    if kind == "insert":
        return data[:at] + bytes([value]) + data[at:]
    return data[:at] + data[at + 1 :]


@given(ENTRIES, st.lists(DAMAGE, min_size=1, max_size=3))
def test_a_damaged_entry_is_never_served(entry, damages) -> None:
    frames, channels, timings = entry
    data, path = written(frames, channels, timings)
    original = data
    for kind, at, value in damages:
        data = damaged(data, kind, at, value)
    if data == original:
        return  # two changes that undid each other
    path.write_bytes(data)
    assert AudioCache(ROOT).get(KEY) is None
    assert not path.exists()


@given(ENTRIES)
def test_an_intact_entry_is_served_as_written(entry) -> None:
    frames, channels, timings = entry
    written(frames, channels, timings)
    served = AudioCache(ROOT).get(KEY)
    assert served is not None and served.format == AudioFormat(24_000, channels)
    assert len(served.pcm) == frames
    assert served.timings == tuple(WordTiming(*t) for t in timings)


@given(st.binary(max_size=600))
def test_any_bytes_as_an_entry_are_refused_quietly(data: bytes) -> None:
    path = AudioCache(ROOT)._path(KEY)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert AudioCache(ROOT).get(KEY) is None


TRAILER_VALUES = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.lists(st.lists(st.integers(-5, 500) | st.floats() | st.text(max_size=2), max_size=3)),
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "rate": TRAILER_VALUES,
            "channels": TRAILER_VALUES,
            "frames": TRAILER_VALUES,
            "timings": TRAILER_VALUES,
            "version": TRAILER_VALUES,
        },
    ),
    st.binary(max_size=200),
)
def test_any_trailer_with_a_valid_checksum_is_served_only_when_it_is_right(meta, pcm) -> None:
    path = AudioCache(ROOT)._path(KEY)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_entry(pcm, meta))
    served = AudioCache(ROOT).get(KEY)
    if served is None:
        return
    assert 1 <= served.format.channels <= 16 and 1 <= served.format.sample_rate
    assert len(pcm) == len(served.pcm) * served.format.channels * 2 > 0
    assert all(0 <= t.frame <= len(served.pcm) and t.char_offset >= 0 for t in served.timings)
