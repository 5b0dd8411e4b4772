"""The built-in natural voice as a person gets it: `reader speak` with no options, heard
at the null sink, and saved again from the audio cache to the same samples."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from tests.helpers.cli import reader
from tests.helpers.sink import locate
from tests.providers.test_hibari import longest_gap, voiced_spans

RATE = 24_000
TEXT = "Hello, this is Reader. It reads in a natural voice, with nothing to download."


def test_heard_whole_without_silence_at_joins_then_exported_from_the_cache(
    sink, tmp_path: Path
) -> None:
    cache = {"XDG_CACHE_HOME": tempfile.mkdtemp(dir=tmp_path)}
    heard_file = tmp_path / "heard.wav"
    with sink.recording(RATE) as recording:
        played = reader("--verbose", "speak", "-o", str(heard_file), TEXT, env=cache)
    assert played.returncode == 0, played.stderr
    assert re.search(r"with 0 underruns", played.stderr), played.stderr
    reference, rate = soundfile.read(heard_file, dtype="int16")
    assert rate == RATE and len(reference) / RATE > 3.0

    # What played is the whole file, to its last sample, at full likeness.
    offset, ncc = locate(recording.samples, reference)
    assert ncc >= 0.95, f"normalized cross-correlation {ncc:.3f}"
    heard = recording.samples[offset : offset + len(reference)]
    assert len(heard) == len(reference)
    _, tail_ncc = locate(heard[-RATE // 2 :], reference[-RATE // 2 :])
    assert tail_ncc >= 0.9
    # Both sentences were heard, joined by a short pause and no longer silence (the model
    # pads each sentence with 0.75 s; a stall between requests would add more).
    assert len(voiced_spans(heard.astype(np.int16))) >= 4
    assert longest_gap(heard.astype(np.int16)) < 0.5

    # Saved again, without playing: every chunk comes from the cache, sample for sample.
    again_file = tmp_path / "again.flac"
    again = reader("--verbose", "speak", "--no-play", "-o", str(again_file), TEXT, env=cache)
    assert again.returncode == 0, again.stderr
    assert re.search(r"; 0 requests", again.stderr), again.stderr
    saved, rate = soundfile.read(again_file, dtype="int16")
    assert rate == RATE and np.array_equal(saved, reference)
