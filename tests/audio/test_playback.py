"""What a person hears: real playback through PulseAudio, recorded from the null sink."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import numpy as np
import soundfile

from reader.audio.output import device_output
from reader.engine import Reading
from reader.events import State, Voicing
from tests.helpers.sink import locate

RATE = 22_050  # the offline voice's rate: the recording needs no resampling to compare


def test_speak_plays_what_it_synthesized(reader_cmd, sink, tmp_path: Path) -> None:
    out = tmp_path / "heard.wav"
    with sink.recording(RATE) as recording:
        result = subprocess.run(
            [*reader_cmd, "--verbose", "speak", "-o", str(out), "Hello world. A second sentence."],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    underruns = re.search(r"with (\d+) underruns", result.stderr)
    assert underruns and underruns.group(1) == "0", result.stderr
    reference, rate = soundfile.read(out, dtype="int16")
    assert rate == RATE
    offset, ncc = locate(recording.samples, reference)
    assert ncc >= 0.95, f"normalized cross-correlation {ncc:.3f}"
    # The whole reading was heard, to its last sample (no tail cut off).
    heard = recording.samples[offset : offset + len(reference)]
    assert len(heard) == len(reference)
    _, tail_ncc = locate(heard[-RATE // 2 :], reference[-RATE // 2 :])
    assert tail_ncc >= 0.9


def window_offsets(samples: np.ndarray, reference: np.ndarray, window_s: float = 0.1):
    """For each voiced window of `reference`: (its position, where it was heard, ncc)."""
    window = int(window_s * RATE)
    found = []
    for position in range(0, len(reference) - window, window):
        piece = reference[position : position + window]
        if np.sqrt(np.mean(piece**2)) < 1000:
            continue  # near-silent windows match anywhere
        offset, ncc = locate(samples, piece)
        found.append((position, offset, ncc))
    return found


def test_pause_loses_and_repeats_nothing(offline_provider, sink) -> None:
    blocks: list[np.ndarray] = []
    text = "The first part plays now. Then a pause comes, and the rest follows after it."
    with sink.recording(RATE) as recording:
        reading = Reading(
            text,
            offline_provider,
            Voicing("en-US"),
            device_output(),
            on_audio=lambda block, fmt: blocks.append(block),
        )
        reading.start()
        while reading.state is not State.PLAYING:
            time.sleep(0.005)
        time.sleep(0.8)
        paused_at = time.monotonic()
        reading.pause()
        time.sleep(0.6)
        resumed_at = time.monotonic()
        reading.resume()
        assert reading.wait(30)
    assert reading.state is State.FINISHED
    reference = np.concatenate(blocks).reshape(-1).astype(np.float64)
    found = window_offsets(recording.samples, reference)
    missing = [(p / RATE, round((o - p) / RATE, 3), round(n, 2)) for p, o, n in found if n <= 0.8]
    assert not missing, f"speech never heard (position, shift, ncc): {missing}"
    shifts = sorted({round((offset - position) / RATE, 2) for position, offset, _ in found})
    before, after = shifts[0], shifts[-1]
    # Every window was heard at one of two shifts: before the pause and after it.
    assert all(min(abs(s - before), abs(s - after)) <= 0.01 for s in shifts), shifts
    # The shift grew by the pause and nothing else: losing or repeating what the device
    # held would change it by a whole device buffer (~0.19 s).
    assert abs((after - before) - (resumed_at - paused_at)) < 0.06, after - before
