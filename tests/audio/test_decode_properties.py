"""Decoders and the SSE parser: a stream cut anywhere decodes as it does whole, and only
Reader's typed errors escape whatever the bytes."""

from __future__ import annotations

import base64
import json
import struct

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.audio.decode import (
    Base64Feed,
    PcmDecoder,
    SniffingDecoder,
    WavStreamDecoder,
)
from reader.audio.format import AudioFormat
from reader.audio.sse import SseDecoder
from reader.errors import ReaderError

FORMATS = st.sampled_from([AudioFormat(24_000, 1), AudioFormat(22_050, 2)])


def cut(data: bytes, points: list[int]) -> list[bytes]:
    """`data` in pieces at the given offsets (taken modulo its length, sorted)."""
    if not data:
        return [data]
    at = sorted({p % (len(data) + 1) for p in points} | {0, len(data)})
    return [data[a:b] for a, b in zip(at, at[1:], strict=False)]


def run(decoder, pieces: list[bytes]) -> tuple[str, np.ndarray | str]:
    """('ok', all samples) or ('error', the error's type name); nothing else may escape."""
    blocks = []
    try:
        for piece in pieces:
            blocks.extend(decoder.decode(piece))
        blocks.extend(decoder.flush())
    except ReaderError as error:
        return "error", type(error).__name__
    channels = blocks[0].shape[1] if blocks else 1
    joined = np.concatenate(blocks) if blocks else np.zeros((0, channels), np.int16)
    return "ok", joined


def same(a: tuple[str, np.ndarray | str], b: tuple[str, np.ndarray | str]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "error":
        return a[1] == b[1]
    return np.array_equal(a[1], b[1])  # type: ignore[arg-type]


@given(FORMATS, st.binary(max_size=3000), st.lists(st.integers(0, 10_000), max_size=12))
def test_pcm_cut_anywhere_is_pcm_whole(fmt, data, points) -> None:
    whole = run(PcmDecoder(fmt, block_frames=256), [data])
    assert same(run(PcmDecoder(fmt, block_frames=256), cut(data, points)), whole)
    frames = len(data) // fmt.bytes_per_frame
    assert whole[0] == "ok" and len(whole[1]) == frames  # a partial frame is dropped
    samples = np.frombuffer(data[: frames * fmt.bytes_per_frame], "<i2")
    assert np.array_equal(np.asarray(whole[1]).reshape(-1), samples)


def wav(rate: int, channels: int, pcm: bytes, extra: bytes = b"") -> bytes:
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    chunks = b"fmt " + struct.pack("<I", 16) + fmt
    if extra:
        chunks += b"LIST" + struct.pack("<I", len(extra)) + extra + b"\0" * (len(extra) % 2)
    return b"RIFF\xff\xff\xff\xffWAVE" + chunks + b"data\xff\xff\xff\xff" + pcm


@given(
    st.sampled_from([16_000, 24_000, 44_100]),
    st.sampled_from([1, 2]),
    st.binary(max_size=2000),
    st.binary(max_size=40),
    st.lists(st.integers(0, 10_000), max_size=12),
)
def test_streamed_wav_cut_anywhere_is_wav_whole(rate, channels, pcm, extra, points) -> None:
    data = wav(rate, channels, pcm, extra)
    whole = run(WavStreamDecoder(block_frames=256), [data])
    assert whole[0] == "ok"
    assert same(run(WavStreamDecoder(block_frames=256), cut(data, points)), whole)
    usable = len(pcm) - len(pcm) % (2 * channels)
    assert np.array_equal(np.asarray(whole[1]).reshape(-1), np.frombuffer(pcm[:usable], "<i2"))


@given(st.binary(max_size=3000), st.lists(st.integers(0, 10_000), max_size=12))
def test_any_bytes_sniffed_cut_anywhere_decode_as_whole(data, points) -> None:
    fmt = AudioFormat(24_000, 1)
    whole = run(SniffingDecoder(fmt, block_frames=256), [data])
    assert same(run(SniffingDecoder(fmt, block_frames=256), cut(data, points)), whole)


@given(
    st.one_of(st.binary(max_size=600), st.builds(wav, st.just(24_000), st.just(1), st.binary())),
    st.lists(st.integers(0, 10_000), max_size=8),
)
def test_any_bytes_as_wav_raise_only_typed_errors(data, points) -> None:
    run(WavStreamDecoder(block_frames=256), cut(data, points))


@given(st.binary(max_size=2000), st.lists(st.integers(0, 10_000), max_size=8))
def test_base64_payloads_cut_anywhere_carry_partial_frames(pcm, points) -> None:
    fmt = AudioFormat(24_000, 1)
    payloads = [base64.b64encode(piece).decode() for piece in cut(pcm, points)]
    feed = Base64Feed(PcmDecoder(fmt, block_frames=256))
    blocks = [b for p in payloads for b in feed.decode(p)] + feed.flush()
    got = np.concatenate(blocks).reshape(-1) if blocks else np.zeros(0, np.int16)
    usable = len(pcm) - len(pcm) % 2
    assert np.array_equal(got, np.frombuffer(pcm[:usable], "<i2"))


@given(st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=40)), max_size=6))
def test_any_base64_payload_raises_only_typed_errors(payloads) -> None:
    feed = Base64Feed(PcmDecoder(AudioFormat(24_000, 1)))
    try:
        for payload in payloads:
            feed.decode(payload)
    except ReaderError:
        pass


EVENT_DATA = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=60),
    st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=20), max_size=4).map(
        json.dumps
    ),
)


@given(
    st.lists(EVENT_DATA, max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.lists(st.integers(0, 100_000), max_size=20),
)
def test_sse_events_cut_anywhere_arrive_whole_and_once(events, newline, points) -> None:
    stream = "".join(f"data: {data}{newline}{newline}" for data in events).encode()
    decoder = SseDecoder()
    got = [e for piece in cut(stream, points) for e in decoder.decode(piece)] + decoder.flush()
    assert got == [data for data in events]


@given(st.binary(max_size=2000), st.lists(st.integers(0, 10_000), max_size=12))
def test_sse_any_bytes_cut_anywhere_parse_as_whole(data, points) -> None:
    whole = SseDecoder()
    expected = whole.decode(data) + whole.flush()
    decoder = SseDecoder()
    got = [e for piece in cut(data, points) for e in decoder.decode(piece)] + decoder.flush()
    assert got == expected and all(isinstance(e, str) for e in got)
