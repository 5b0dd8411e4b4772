"""A Kokoro voice installed from the stand-in hub, then read with: the real int8 model
and voice file, run by onnxruntime with hibari's English phonemes; then removed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.errors import NotFound
from reader.providers.base import CancelToken, SpeechRequest
from reader.providers.registry import Registry
from reader.voices.store import VoiceStore
from tests.providers.test_hibari import synthesize, voiced_spans
from tests.voices.hub import Hub
from tests.voices.test_store import CATALOGUE, hub_files

TEXT = "Hello, this is Reader."


def test_install_use_and_remove_a_kokoro_voice(
    kokoro_voice_files, kokoro_model, tmp_path: Path
) -> None:
    voices = tmp_path / "io.github.reader.Reader" / "voices"
    store = VoiceStore(CATALOGUE, voices)
    registry = Registry(voices=store)
    kokoro = registry.create("kokoro")
    assert kokoro.voices() == []
    with Hub(hub_files(kokoro_voice_files, kokoro_model)) as hub:
        store.hub = hub.url
        store.install(CATALOGUE.find("kokoro-af_heart"))
    assert [voice.id for voice in kokoro.voices()] == ["af_heart"]

    pcm, timings = synthesize(kokoro, TEXT, voice="af_heart")
    assert [t.char_offset for t in timings] == [0]
    assert np.abs(pcm).max() > 5000 and len(voiced_spans(pcm)) >= 3
    # hibari's voice was distilled from this one, on Kokoro's own timing: the two say
    # the same words in about the same time.
    natural, _ = synthesize(registry.create("natural"), TEXT, voice="heart")
    assert 0.75 < len(pcm) / len(natural) < 1.35

    # The command line finds it in the data folder and saves what it says.
    out = tmp_path / "kokoro.wav"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "reader", "speak", "-p", "kokoro", "--no-play"]
    spoken = subprocess.run(
        [*command, "-o", str(out), TEXT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert spoken.returncode == 0, spoken.stderr
    saved, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000 and abs(len(saved) - len(pcm)) < 2400

    store.remove(CATALOGUE.find("kokoro-af_heart"))
    assert kokoro.voices() == [] and list(voices.iterdir()) == []
    with pytest.raises(NotFound, match="Install it with `reader voices install kokoro-af_heart`"):
        list(kokoro.stream(SpeechRequest(TEXT, "af_heart"), CancelToken()))
    registry.close()
