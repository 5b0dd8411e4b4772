"""The offline voices offered are the ones Reader can read."""

from __future__ import annotations

import json
import subprocess
import sys

from reader.voices.catalogue import CATALOGUE


def test_only_voices_reader_can_read_are_offered() -> None:
    # Kokoro's Spanish, French, Hindi… voices need eSpeak NG's phonemes, not built yet:
    # a person must not be able to install one that then never reads.
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "voices", "--offline"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    kept = json.loads(CATALOGUE.read_text(encoding="utf-8"))["voices"]
    for entry in kept:
        offered = entry["name"] in listed.stdout
        readable = entry["engine"] != "kokoro" or entry["language"] in ("en-US", "en-GB")
        assert offered == readable, entry["name"]
    refused = subprocess.run(
        [sys.executable, "-m", "reader", "voices", "install", "kokoro-ef_dora"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
