"""Subtitles line up with the audio: each cue within 50 ms of its sentence's first sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.text.sentences import split_sentences
from reader.text.subtitles import LINE_CHARS, Cue, Envelope, cues, refine, render
from tests.helpers.cli import reader, speak
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
    from reader.text.subtitles import write_subtitles

    target = tmp_path / "gone" / "x.srt"
    with pytest.raises(ExportError, match="Cannot write subtitles to .*gone/x.srt"):
        write_subtitles(target, [Cue(0, 1, "One.")])
    write_subtitles(tmp_path / "x.vtt", [Cue(0, 1, "One.")])
    assert [p.name for p in tmp_path.iterdir()] == ["x.vtt"]  # no temporary left beside it


LONG = (
    "Where a voice tells when each word begins, a sentence too long for one line of "
    "subtitles is cut into lines at its words, and each line shows when it is said."
)


def test_timed_words_cut_a_long_sentence_into_lines() -> None:
    sentences = split_sentences(LONG)
    words = LONG.split()
    frames = [i * 6000 for i in range(len(words))]  # a word every 0.25 s
    found = cues([(0, 0)], sentences, LONG, len(words) * 6000, RATE, words=[(0, f) for f in frames])
    assert len(found) > 2
    assert all(len(cue.text) <= LINE_CHARS for cue in found)
    assert " ".join(cue.text for cue in found) == LONG
    assert found[0].start_s == 0 and found[-1].end_s == len(words) * 0.25
    for before, after in zip(found, found[1:], strict=False):
        assert before.end_s == after.start_s  # back to back, each from its first word
        first_word = len(" ".join(c.text for c in found[: found.index(after)]).split())
        assert after.start_s == first_word * 0.25
    vtt = render(found, "vtt")
    assert "Where <00:00:00.250>a <00:00:00.500>voice" in vtt
    srt = render(found, "srt")
    assert "<" not in srt  # SRT has no word timestamps


def test_words_that_do_not_match_the_text_keep_one_cue_per_sentence() -> None:
    sentences = split_sentences(LONG)
    frames = [(0, i * 6000) for i in range(5)]  # a dictionary changed what was said
    found = cues([(0, 0)], sentences, LONG, 200_000, RATE, words=frames)
    assert [cue.text for cue in found] == [LONG]


def test_the_offline_voice_times_its_words_into_the_subtitles(tmp_path) -> None:
    out, subtitles = tmp_path / "words.wav", tmp_path / "words.vtt"
    text = f"{LONG} A short one ends it."
    result = reader(
        "speak", "-p", "offline", "--no-play", "-o", str(out), "--subtitles", str(subtitles), text
    )
    assert result.returncode == 0, result.stderr
    vtt = subtitles.read_text(encoding="utf-8")
    timed_cues = cue_starts(subtitles)
    assert len(timed_cues) > len(split_sentences(text))  # the long sentence became lines
    assert timed_cues == sorted(timed_cues)
    stamps = [
        sum(float(p) * m for p, m in zip(t.split(":"), (3600, 60, 1), strict=True))
        for t in re.findall(r"<(\d\d:\d\d:\d\d\.\d{3})>", vtt)
    ]
    assert len(stamps) >= len(LONG.split()) - 4  # (nearly) every word has its time
    assert stamps == sorted(stamps)
    duration = soundfile.info(out).duration
    assert stamps[-1] < duration and timed_cues[-1] < duration
    # Each line starts where the voice starts its first word: sound within 100 ms after.
    audio, rate = soundfile.read(out, dtype="int16")
    for start in timed_cues[1:]:
        window = np.abs(audio[int(start * rate) : int((start + 0.1) * rate)])
        assert window.max(initial=0) > 500, start
