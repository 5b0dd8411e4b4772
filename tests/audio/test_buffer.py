"""The playback buffer, driven as the callback would drive it."""

from __future__ import annotations

import threading

import numpy as np

from reader.audio.buffer import PlaybackBuffer


def blocks(total: int, size: int) -> list[np.ndarray]:
    data = np.arange(total, dtype=np.int16).reshape(-1, 1)
    return [data[i : i + size] for i in range(0, total, size)]


def test_copies_across_block_boundaries_in_order() -> None:
    buffer = PlaybackBuffer(1)
    for block in blocks(1000, 300):
        buffer.push(block)
    buffer.end()
    out = np.empty((128, 1), np.int16)
    heard = []
    while not buffer.drained():
        count = buffer.read_into(out)
        heard.append(out[:count].copy())
    assert np.concatenate(heard).reshape(-1).tolist() == list(range(1000))
    assert buffer.underruns == 0
    assert buffer.played_frames == 1000


def test_underrun_zero_fills_and_counts_but_the_end_does_not() -> None:
    buffer = PlaybackBuffer(1)
    buffer.push(np.ones((100, 1), np.int16))
    out = np.full((256, 1), 7, np.int16)
    assert buffer.read_into(out) == 100
    assert out[100:].max() == 0 and buffer.underruns == 1
    buffer.end()
    buffer.read_into(out)
    assert buffer.underruns == 1


def test_rewind_puts_back_exactly_what_was_not_heard() -> None:
    buffer = PlaybackBuffer(1)
    for block in blocks(1000, 300):
        buffer.push(block)
    out = np.empty((700, 1), np.int16)
    buffer.read_into(out)
    assert buffer.rewind(450) == 450
    assert buffer.played_frames == 250
    rest = np.empty((750, 1), np.int16)
    assert buffer.read_into(rest) == 750
    assert rest.reshape(-1).tolist() == list(range(250, 1000))


def test_clear_drops_pending_and_keeps_counters_consistent() -> None:
    buffer = PlaybackBuffer(1)
    for block in blocks(1000, 300):
        buffer.push(block)
    buffer.clear()
    assert buffer.queued_frames() == 0
    out = np.empty((10, 1), np.int16)
    assert buffer.read_into(out) == 0


def test_wait_for_room_blocks_until_played_or_cancelled() -> None:
    buffer = PlaybackBuffer(1)
    buffer.push(np.zeros((1000, 1), np.int16))
    cancelled = threading.Event()
    cancelled.set()
    assert buffer.wait_for_room(10, cancelled) is False
    out = np.empty((995, 1), np.int16)
    buffer.read_into(out)
    assert buffer.wait_for_room(10, threading.Event()) is True
