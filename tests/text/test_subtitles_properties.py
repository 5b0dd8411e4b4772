"""Subtitle cues from any marks and any audio: in order, never backwards, well-formed."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.text.sentences import split_sentences
from reader.text.subtitles import Envelope, cues, refine, render

RATE = 24_000
TEXTS = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40),
    min_size=1,
    max_size=6,
).map(lambda parts: ". ".join(p.replace(".", " ") for p in parts) + ".")
_CLOCK = r"\d\d:\d\d:\d\d[.,]\d\d\d"


@given(TEXTS, st.data())
def test_cues_are_ordered_and_render_as_valid_srt_and_vtt(text, data) -> None:
    sentences = split_sentences(text)
    if not sentences:
        return
    total = data.draw(st.integers(1, 10 * RATE))
    frames = sorted(data.draw(st.lists(st.integers(0, total), min_size=len(sentences))))
    starts = list(enumerate(frames[: len(sentences)]))
    words = data.draw(
        st.lists(st.tuples(st.integers(0, len(sentences) - 1), st.integers(0, total)))
    )
    found = cues(starts, sentences, text, total, RATE, sorted(words, key=lambda w: w[1]))
    for cue in found:
        assert 0 <= cue.start_s < cue.end_s <= total / RATE
        assert all(cue.start_s <= at <= cue.end_s for at in cue.word_starts_s)
    for before, after in zip(found, found[1:], strict=False):
        assert before.start_s <= after.start_s
    srt = render(found, "srt")
    times = re.findall(rf"^({_CLOCK}) --> ({_CLOCK})$", srt, re.M)
    assert len(times) == len(found)
    vtt = render(found, "vtt")
    assert vtt.startswith("WEBVTT\n\n") and len(re.findall(rf"^{_CLOCK} --> ", vtt, re.M)) == len(
        found
    )
    for cue in found:
        assert "-->" not in cue.text or "-->" in text


@given(
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5 * RATE), st.booleans()), max_size=12),
    st.lists(st.integers(-32768, 32767), max_size=3 * RATE // 100).map(
        lambda v: np.repeat(np.array(v, np.int16), 100)
    ),
)
def test_refined_starts_stay_inside_the_audio_and_in_order(marks, audio) -> None:
    envelope = Envelope(RATE)
    envelope.add(audio.reshape(-1, 1))
    placed = refine(marks, envelope)
    assert sorted({s for s, _, _ in marks}) == sorted(s for s, _ in placed)
    frames = [f for _, f in placed]
    assert all(f >= 0 for f in frames)
    exact = {s: f for s, f, e in marks if e}
    for sentence, frame in placed:  # a mark the voice reported exactly is never moved
        last = [(f, e) for s, f, e in marks if s == sentence][-1]
        if last[1]:
            assert frame == last[0] == exact[sentence] or frame == last[0]
