"""How fast the device drains what is queued, as the fetcher's choices read it: real time
until it has played a while, then its own pace without the burst it opens with."""

from __future__ import annotations

import time

import numpy as np

from reader.audio.format import AudioFormat
from reader.audio.output import clock_output
from reader.playback import Playback

FORMAT = AudioFormat(24_000, 1)


def _playing(speed: float) -> Playback:
    playback = Playback(clock_output(speed), FORMAT)
    playback.open(FORMAT)
    playback.push(np.zeros((24_000 * 30, 1), np.int16))
    assert playback.try_start(force=True)
    return playback


def test_real_time_until_the_device_has_played_a_while() -> None:
    playback = _playing(1.0)
    try:
        assert playback.drain_speed() == 1.0
        time.sleep(0.7)
        assert 0.9 <= playback.drain_speed() <= 1.2
    finally:
        playback.close()


def test_a_faster_consumer_is_seen_at_its_pace() -> None:
    playback = _playing(6.0)
    try:
        time.sleep(0.8)
        assert 4.5 <= playback.drain_speed() <= 7.0
    finally:
        playback.close()


def test_without_a_start_it_is_real_time() -> None:
    playback = Playback(clock_output(6.0), FORMAT)
    assert playback.drain_speed() == 1.0
