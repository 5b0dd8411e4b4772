"""A damaged or crafted cache entry is fetched again: never served, never raised (issue 24).

Entries are made by the real writer; damage is done to the bytes on disk the way a bad
disk sector, a bit flip or someone's hand would do it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from reader.audio.format import AudioFormat
from reader.providers.base import WordTiming
from reader.reading.cache import AudioCache, CacheKey

FMT = AudioFormat(24_000, 1)
KEY = CacheKey("openai", "https://api.openai.com/v1", "tts-1", "alloy", "", 1.0, "Hello there.")


def entry(tmp_path: Path) -> tuple[AudioCache, Path]:
    cache = AudioCache(tmp_path)
    writer = cache.writer(KEY)
    assert writer is not None
    audio = (np.arange(6000) % 300 - 150).astype(np.int16).reshape(-1, 1)
    writer.append(audio, FMT, (WordTiming(0, 0), WordTiming(6, 3000)))
    writer.commit()
    (path,) = tmp_path.rglob("*.audio")
    return cache, path


def trailer_span(data: bytes) -> tuple[int, int]:
    """Where the JSON trailer sits (found by its text, whatever the framing around it)."""
    start = data.rindex(b'{"')
    return start, data.index(b"}", data.index(b'"timings"', start)) + 1


@pytest.mark.parametrize(
    ("field", "before", "after"),
    [
        ("rate", b'"rate": 24000', b'"rate": 64000'),  # one bit: "2" 0x32 -> "6" 0x36
        ("timing", b"[6, 3000]", b"[6, 3008]"),  # one bit in a timing moves a highlight
        ("channels", b'"channels": 1', b'"channels": 0'),
        ("rate infinity", b'"rate": 24000', b'"rate": 1e999'),
        ("rate zero", b'"rate": 24000', b'"rate": 0    '),
    ],
)
def test_a_changed_trailer_is_damage(tmp_path: Path, field: str, before: bytes, after: bytes):
    cache, path = entry(tmp_path)
    data = path.read_bytes()
    start, end = trailer_span(data)
    trailer = data[start:end]
    assert before in trailer, field
    changed = trailer.replace(before, after)
    assert len(changed) == len(trailer)  # only the content is wrong, not the framing
    path.write_bytes(data[:start] + changed + data[end:])
    assert cache.get(KEY) is None
    assert not path.exists()  # deleted, so the next reading fetches it again


def test_an_intact_entry_is_still_served(tmp_path: Path) -> None:
    cache, _ = entry(tmp_path)
    served = cache.get(KEY)
    assert served is not None and served.format == FMT and len(served.pcm) == 6000
    assert served.timings == (WordTiming(0, 0), WordTiming(6, 3000))


def test_every_single_bit_flip_in_the_trailer_is_caught(tmp_path: Path) -> None:
    cache, path = entry(tmp_path)
    whole = path.read_bytes()
    start, _ = trailer_span(whole)
    for at in range(start, len(whole)):
        for bit in (0x01, 0x10, 0x80):
            damaged = bytearray(whole)
            damaged[at] ^= bit
            path.write_bytes(bytes(damaged))
            assert cache.get(KEY) is None, (at, bit)
    path.write_bytes(whole)
    assert cache.get(KEY) is not None


def test_a_trailer_that_says_nonsense_with_a_valid_checksum_is_damage(tmp_path: Path) -> None:
    """Entries written by hand in the file format itself (checksum recomputed), so only
    the trailer's meaning is wrong."""
    from reader.reading.cache import encode_entry

    cache, path = entry(tmp_path)
    pcm = bytes(12_000)
    good = {"rate": 24000, "channels": 1, "frames": 6000, "timings": [[0, 0], [6, 3000]]}
    path.write_bytes(encode_entry(pcm, good))
    assert cache.get(KEY) is not None
    for change in (
        {"channels": 0},
        {"channels": -1},
        {"channels": True},
        {"rate": 0},
        {"rate": float("inf")},
        {"rate": float("nan")},
        {"rate": 24000.5},
        {"rate": "24000"},
        {"frames": 6001},
        {"frames": -1},
        {"timings": [[0, 6001]]},
        {"timings": [[-1, 0]]},
        {"timings": [[0]]},
        {"timings": [["a", 0]]},
        {"timings": {"0": 0}},
        {"timings": [[0, 10**30]]},
    ):
        path.write_bytes(encode_entry(pcm, {**good, **change}))
        assert cache.get(KEY) is None, change
    path.write_bytes(encode_entry(pcm, good)[:-1] + b"X")
    assert cache.get(KEY) is None


def test_the_trailer_format_is_what_the_docstring_says(tmp_path: Path) -> None:
    _, path = entry(tmp_path)
    trailer = path.read_bytes()[slice(*trailer_span(path.read_bytes()))]
    meta = json.loads(trailer)
    assert meta["rate"] == 24000 and meta["channels"] == 1 and meta["frames"] == 6000
    assert re.fullmatch(rb"\{.*\}", trailer)
