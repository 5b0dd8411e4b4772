"""Subtitles line up with the audio: each cue within 50 ms of its sentence's first sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.subtitles import Cue, Envelope, refine, render
from reader.text import split_sentences
from tests.helpers.cli import speak
from tests.helpers.fake_server import FakeSpeechServer

RATE = 24_000
TEXT = (
    "Subtitles follow the voice. Each sentence gets a cue of its own, timed to the audio. "
    "Some sentences are short. Others run on a little longer, with a comma or two, "
    "so that the pauses inside them are not taken for the end. This one ends the first "
    "paragraph of the reading.\n\n"
    "A second paragraph begins here, after a pause that Reader adds. It keeps going for "
    "a while, so the request is a long one. Then it stops. The last sentence is here."
)
PARAGRAPH_PAUSE_S = 0.4


def test_srt_and_vtt_formats() -> None:
    found = [Cue(0.0, 1.5, "One."), Cue(1.5, 3723.25, "Two, at length.")]
    assert render(found, "srt") == (
        "1\n00:00:00,000 --> 00:00:01,500\nOne.\n\n"
        "2\n00:00:01,500 --> 01:02:03,250\nTwo, at length.\n"
    )
    assert render(found, "vtt").startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nOne.\n")


def test_estimated_starts_move_onto_the_pauses_that_fit() -> None:
    # Speech bursts with short pauses inside sentences and long ones between them.
    rng = np.random.default_rng(1)
    pieces, truth = [], []
    position = 0
    for _sentence in range(4):
        truth.append(position)
        for word in range(3):
            burst = (rng.normal(0, 3000, RATE // 2)).astype(np.int16)
            pause = RATE // 10 if word < 2 else RATE * 4 // 10
            pieces += [burst, np.zeros(pause, np.int16)]
            position += len(burst) + pause
    audio = np.concatenate(pieces).reshape(-1, 1)
    envelope = Envelope(RATE)
    for start in range(0, len(audio), 4096):
        envelope.add(audio[start : start + 4096])
    # Estimates off by up to 0.6 s either way; the first mark is exact (a chunk start).
    marks = [(0, 0, True)] + [
        (n, truth[n] + off, False) for n, off in ((1, 14_000), (2, -9_000), (3, 12_000))
    ]
    placed = dict(refine(marks, envelope))
    for sentence in range(1, 4):
        assert abs(placed[sentence] - truth[sentence]) <= 0.03 * RATE, (sentence, placed)


def cue_starts(path: Path) -> list[float]:
    text = path.read_text(encoding="utf-8")
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d) -->", text)
    return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in stamps]


def first_samples(server: FakeSpeechServer) -> list[float]:
    """Where each sentence's first sample is in the exported file."""
    order = sorted(server.sentence_frames, key=TEXT.index)
    starts, position = [], 0
    for number, text in enumerate(order):
        if number and TEXT[: TEXT.index(text)].rstrip(" ").endswith("\n"):
            position += round(PARAGRAPH_PAUSE_S * RATE)
        starts += [(position + frame) / RATE for frame in server.sentence_frames[text]]
        position += len(server.sent[text]) // 2
    return starts


@pytest.mark.parametrize("kind", ["srt", "vtt"])
def test_cues_start_within_50_ms_of_their_sentences(tmp_path, kind) -> None:
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    settings = {"paragraph_pause_ms": round(PARAGRAPH_PAUSE_S * 1000), "sentence_pause_ms": 0}
    (config / "settings.json").write_text(json.dumps(settings))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    out, subtitles = tmp_path / "out.flac", tmp_path / f"out.{kind}"
    with FakeSpeechServer() as server:
        server.per_sentence = True
        extra = ("--subtitles", str(subtitles))
        result = speak("openai-compatible", server.url, out, TEXT, *extra, env=env)
        assert result.returncode == 0, result.stderr
        expected = first_samples(server)
        # Again from the cache (no timings at all there): the same cues.
        again = speak("openai-compatible", server.url, out, TEXT, *extra, env=env)
        assert again.returncode == 0, again.stderr
    assert len(expected) == len(split_sentences(TEXT))
    starts = cue_starts(subtitles)
    assert len(starts) == len(expected)
    misses = [
        (n, round(s - e, 3))
        for n, (s, e) in enumerate(zip(starts, expected, strict=True))
        if abs(s - e) > 0.05
    ]
    assert not misses, misses
    audio, rate = soundfile.read(out, dtype="int16")
    assert rate == RATE and abs(len(audio) / RATE - (expected[-1] + 0.5)) < 5


def test_subtitles_that_cannot_be_written_say_where_and_leave_nothing(tmp_path) -> None:
    from reader.errors import ExportError
    from reader.subtitles import write_subtitles

    target = tmp_path / "gone" / "x.srt"
    with pytest.raises(ExportError, match="Cannot write subtitles to .*gone/x.srt"):
        write_subtitles(target, [Cue(0, 1, "One.")])
    write_subtitles(tmp_path / "x.vtt", [Cue(0, 1, "One.")])
    assert [p.name for p in tmp_path.iterdir()] == ["x.vtt"]  # no temporary left beside it
