"""Decoders fed piece by piece, cut at every awkward offset."""

from __future__ import annotations

import base64
import io
import struct

import numpy as np
import pytest
import soundfile

from reader.audio.decode import Base64Feed, PcmDecoder, SniffingDecoder, WavStreamDecoder, sniff
from reader.audio.format import AudioFormat
from reader.errors import StreamBroken, WrongAudioFormat

MONO = AudioFormat(24_000, 1)


def tone(frames: int = 5000, channels: int = 1) -> np.ndarray:
    t = np.arange(frames * channels)
    return ((t * 7919) % 65536 - 32768).astype(np.int16).reshape(-1, channels)


def wav_header(
    rate: int = 24_000,
    channels: int = 1,
    bits: int = 16,
    tag: int = 1,
    size: int = 0xFFFFFFFF,
    extra_chunk: bytes = b"",
) -> bytes:
    fmt = struct.pack(
        "<HHIIHH", tag, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits
    )
    return (
        b"RIFF"
        + struct.pack("<I", size)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + extra_chunk
        + b"data"
        + struct.pack("<I", size)
    )


def feed(decoder, data: bytes, cuts: list[int]) -> np.ndarray:
    blocks = []
    position = 0
    for cut in [*cuts, len(data)]:
        blocks += decoder.decode(data[position:cut])
        position = cut
    blocks += decoder.flush()
    channels = blocks[0].shape[1] if blocks else 1
    return np.concatenate(blocks) if blocks else np.zeros((0, channels), np.int16)


@pytest.mark.parametrize("cuts", [[], [1], [1, 2, 3], [3, 7, 1001], list(range(1, 200, 3))])
def test_pcm_carries_odd_bytes(cuts: list[int]) -> None:
    pcm = tone()
    out = feed(PcmDecoder(MONO, 256), pcm.tobytes(), cuts)
    assert np.array_equal(out, pcm)


def test_pcm_blocks_are_bounded_and_never_held_back() -> None:
    decoder = PcmDecoder(MONO, 1024)
    blocks = decoder.decode(tone(3000).tobytes())
    assert [len(b) for b in blocks] == [1024, 1024, 952]
    assert [len(b) for b in decoder.decode(b"\x01\x00\x02")] == [1]


def test_stereo_carries_partial_frames() -> None:
    pcm = tone(1000, channels=2)
    out = feed(PcmDecoder(AudioFormat(24_000, 2)), pcm.tobytes(), [3, 5, 6, 11])
    assert np.array_equal(out, pcm)


@pytest.mark.parametrize("size", [0xFFFFFFFF, 0x7FFFFFFF, 0])
@pytest.mark.parametrize("cuts", [[], [5], [12, 13, 30, 44, 45], list(range(1, 60))])
def test_streamed_wav_ignores_size_fields(size: int, cuts: list[int]) -> None:
    pcm = tone()
    decoder = WavStreamDecoder()
    out = feed(decoder, wav_header(size=size) + pcm.tobytes(), cuts)
    assert np.array_equal(out, pcm)
    assert decoder.format == AudioFormat(24_000, 1)


def test_wav_walks_past_other_chunks_including_odd_sized() -> None:
    pcm = tone(100)
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\0"
    out = feed(WavStreamDecoder(), wav_header(rate=22_050, extra_chunk=extra) + pcm.tobytes(), [40])
    assert np.array_equal(out, pcm)


def test_float_wav_is_converted() -> None:
    floats = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 2.0], dtype="<f4")
    out = feed(WavStreamDecoder(), wav_header(bits=32, tag=3) + floats.tobytes(), [47, 50])
    assert out.reshape(-1).tolist() == [0, 16383, -16383, 32767, -32767, 32767]


def test_wav_errors_are_clear() -> None:
    with pytest.raises(StreamBroken, match="RIFF"):
        WavStreamDecoder().decode(b"RIFX" + b"\0" * 40)
    with pytest.raises(StreamBroken, match="24-bit"):
        WavStreamDecoder().decode(wav_header(bits=24))
    decoder = WavStreamDecoder()
    decoder.decode(b"RIFF\xff\xff")
    with pytest.raises(StreamBroken, match="header"):
        decoder.flush()


def test_sniff() -> None:
    assert sniff(b"RIFF....") == "wav"
    assert sniff(b"ID3\x04") == "mp3"
    assert sniff(b"OggS") == "ogg"
    assert sniff(b"fLaC") == "flac"
    assert sniff(b"\xff\xf3\x00\x00") == "pcm"  # a frame sync is also two plausible samples


def mp3_bytes(rate: int = 24_000) -> bytes:
    """Real MP3 from libsndfile: bare frames, no ID3 tag (as edge-tts sends)."""
    out = io.BytesIO()
    soundfile.write(out, tone(rate // 2), rate, format="MP3")
    return out.getvalue()


@pytest.mark.parametrize("rate", [24_000, 44_100, 8_000])
def test_bare_mp3_frames_are_recognised(rate) -> None:
    data = mp3_bytes(rate)
    assert data[:3] != b"ID3" and data[0] == 0xFF
    assert sniff(data) == "mp3"
    decoder = SniffingDecoder(MONO)
    with pytest.raises(WrongAudioFormat, match="mp3") as caught:
        for start in range(0, len(data), 100):  # the verdict waits for the second frame
            decoder.decode(data[start : start + 100])
    assert caught.value.kind == "mp3"


def test_pcm_that_opens_like_an_mp3_frame_header_still_plays() -> None:
    # 0xFFF3 0x84C4: a valid MPEG-2 Layer III header as two samples (-3073, -15228),
    # with no second frame where one would have to be.
    pcm = np.concatenate([np.array([[-3073], [-15228]], np.int16), tone()])
    assert sniff(pcm.tobytes()) == "pcm"
    assert np.array_equal(feed(SniffingDecoder(MONO), pcm.tobytes(), [3, 500, 507]), pcm)


def test_sniffing_decoder_trusts_bytes_over_labels() -> None:
    pcm = tone()
    assert np.array_equal(feed(SniffingDecoder(MONO), pcm.tobytes(), [1, 2]), pcm)
    wav = wav_header(rate=16_000) + pcm.tobytes()
    decoder = SniffingDecoder(MONO)
    assert np.array_equal(feed(decoder, wav, [2, 3]), pcm)
    assert decoder.format == AudioFormat(16_000, 1)
    with pytest.raises(StreamBroken, match="mp3"):
        SniffingDecoder(MONO).decode(b"ID3\x04\x00\x00")
    with pytest.raises(StreamBroken, match="text page"):
        SniffingDecoder(MONO).decode(b"<!DOCTYPE html><html>")
    with pytest.raises(StreamBroken, match="text page"):
        SniffingDecoder(MONO).decode(b'{"error": "x"}')


def test_sniffing_decoder_handles_tiny_bodies() -> None:
    decoder = SniffingDecoder(MONO)
    assert decoder.decode(b"\x01") == []
    assert [b.tolist() for b in decoder.flush()] == []
    decoder = SniffingDecoder(MONO)
    decoder.decode(b"\x01\x00\x02")
    assert np.concatenate(decoder.flush()).reshape(-1).tolist() == [1]


def test_base64_feed_carries_across_payloads() -> None:
    pcm = tone(999)
    raw = pcm.tobytes()
    payloads = [base64.b64encode(raw[i : i + 333]) for i in range(0, len(raw), 333)]
    feed64 = Base64Feed(PcmDecoder(MONO))
    blocks = [b for p in payloads for b in feed64.decode(p)] + feed64.flush()
    assert np.array_equal(np.concatenate(blocks), pcm)
    with pytest.raises(StreamBroken, match="base64"):
        feed64.decode("not base64!!")
