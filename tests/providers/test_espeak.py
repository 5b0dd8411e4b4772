"""The offline voice: real espeak-ng from the wheel."""

from __future__ import annotations

import time

import numpy as np
import pytest

from reader.errors import NotFound
from reader.providers.base import CancelToken, SpeechRequest


def synthesize(provider, text: str, voice: str = "en-US", speed: float = 1.0):
    chunks = list(provider.stream(SpeechRequest(text, voice, speed=speed), CancelToken()))
    pcm = np.concatenate([c.pcm for c in chunks])
    timings = [t for c in chunks for t in c.timings]
    return pcm, timings, chunks[0].format


def test_streams_pcm_with_word_timings(offline_provider) -> None:
    text = "Hello world. A second sentence follows here."
    pcm, timings, fmt = synthesize(offline_provider, text)
    assert fmt.sample_rate == 22_050 and fmt.channels == 1
    assert pcm.dtype == np.int16 and pcm.shape[1] == 1
    assert 1.5 < len(pcm) / fmt.sample_rate < 6
    assert np.abs(pcm).max() > 3000
    offsets = [t.char_offset for t in timings]
    assert text.index("second") in offsets and text.index("A second") in offsets
    frames = [t.frame for t in timings]
    assert frames == sorted(frames) and frames[-1] < len(pcm)


def test_speed_changes_duration(offline_provider) -> None:
    slow, _, _ = synthesize(offline_provider, "A sentence to time at two speeds.", speed=1.0)
    fast, _, _ = synthesize(offline_provider, "A sentence to time at two speeds.", speed=2.0)
    assert len(fast) < 0.7 * len(slow)


def test_voices_come_from_espeak(offline_provider) -> None:
    voices = offline_provider.voices()
    assert len(voices) > 100
    ids = {v.id for v in voices}
    assert {"en-US", "en", "de", "fr"} <= ids
    pcm, _, _ = synthesize(offline_provider, "Guten Tag.", voice="de")
    assert len(pcm) > 0


def test_unknown_voice(offline_provider) -> None:
    with pytest.raises(NotFound, match="no voice 'xx-nope'"):
        synthesize(offline_provider, "Hello.", voice="xx-nope")


def test_cancel_stops_a_long_synthesis_promptly(offline_provider) -> None:
    cancel = CancelToken()
    stream = offline_provider.stream(SpeechRequest("Long text. " * 3000, "en-US"), cancel)
    next(stream)
    started = time.monotonic()
    cancel.cancel()
    remaining = sum(1 for _ in stream)
    assert time.monotonic() - started < 0.1
    assert remaining < 1000


def test_emoji_rtl_and_controls_do_not_crash(offline_provider) -> None:
    pcm, _, _ = synthesize(offline_provider, "Smile 😀 שלום\u200f مرحبا \x07 done.")
    assert len(pcm) > 0


def test_every_offline_provider_shares_the_one_engine(offline_provider) -> None:
    # A second engine would replace the C library's synthesis callback and silence the
    # first one's readings (found when a test server made its own).
    from reader.providers.registry import Registry

    other = Registry().create("offline")
    first, _, _ = synthesize(offline_provider, "Still speaking.")
    second, _, _ = synthesize(other, "Also speaking.")
    assert len(first) > 0 and len(second) > 0
    assert other._engine is offline_provider._engine
