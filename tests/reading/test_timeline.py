"""Heard frame → sentence, from exact timings or estimates."""

from __future__ import annotations

from reader.providers.base import WordTiming
from reader.reading.timeline import Timeline
from reader.text.sentences import Chunk


def chunk(index: int, sentences: tuple[int, ...], starts: tuple[int, ...], length: int) -> Chunk:
    return Chunk(index, "x" * length, sentences, starts)


def test_exact_timings_place_sentences() -> None:
    timeline = Timeline(1000)
    timeline.begin_chunk(chunk(0, (0, 1, 2), (0, 10, 20), 30), 0)
    timeline.add_timings([WordTiming(3, 100), WordTiming(10, 400), WordTiming(21, 900)])
    timeline.end_chunk(1200)
    assert timeline.sentence_at(0) == 0
    assert timeline.sentence_at(399) == 0
    assert timeline.sentence_at(400) == 1
    assert timeline.sentence_at(900) == 2
    assert timeline.start_of(2) == 900


def test_estimates_never_pass_the_audio_received_and_end_proportionally() -> None:
    timeline = Timeline(1000)  # default 14 chars/s → 70 frames per char here
    timeline.begin_chunk(chunk(0, (0, 1), (0, 50), 100), 500)
    timeline.audio_received(1000)
    assert timeline.start_of(1) is None  # 50 chars ≈ 3571 frames: not yet
    timeline.end_chunk(2000)
    assert timeline.start_of(1) == 500 + 1000
    timeline.begin_chunk(chunk(1, (2, 3), (0, 50), 100), 2500)
    timeline.audio_received(1000)  # rate learnt: 20 frames per char → 50 chars = 1000
    assert timeline.start_of(3) == 3500
    assert timeline.sentence_at(499) is None
    assert timeline.sentence_at(2499) == 1


def test_a_broken_stream_resumes_at_the_last_sentence_surely_begun() -> None:
    timeline = Timeline(1000)
    timeline.begin_chunk(chunk(0, (0,), (0,), 100), 0)
    timeline.end_chunk(2000)  # 20 frames per char
    timeline.begin_chunk(chunk(1, (1, 2, 3), (0, 40, 80), 120), 2000)
    # Sentence 2 is estimated to start at 800 frames; allowing for slower speech it
    # counts as begun only from 1040.
    # Returned with where that sentence begins in the chunk's audio (50 frames a char).
    timeline.audio_received(1000)
    assert timeline.resume_point(1000) == (0, 0)
    timeline.audio_received(1100)
    assert timeline.resume_point(1100) == (1, 800)
    timeline.audio_received(5000)
    assert timeline.resume_point(5000) == (2, 1600)


def test_a_chunk_asked_again_is_heard_from_the_sentence_it_broke_in() -> None:
    timeline = Timeline(1000)
    three = Chunk(0, " ".join(["a" * 39, "b" * 39, "c" * 39]), (0, 1, 2), (0, 40, 80))
    timeline.begin_chunk(three, 0)
    timeline.add_timings([WordTiming(0, 0), WordTiming(40, 800)])
    timeline.abandon_chunk()  # broke after 1000 frames, in sentence 1
    # Asked again whole; its first 800 frames (sentence 0) are not played again.
    timeline.begin_chunk(three, 1000, position=1, skip=800)
    timeline.add_timings([WordTiming(0, 0), WordTiming(40, 800), WordTiming(80, 1600)])
    assert [s for s, _, _ in timeline.marks()] == [0, 1, 1, 2]
    assert timeline.marks()[-1][1] == 1000 + 800  # sentence 2: 800 frames after 1
    assert timeline.word_marks()[-2:] == [(1, 1000), (2, 1800)]


def test_with_exact_timings_a_broken_stream_resumes_at_the_last_timed_sentence() -> None:
    timeline = Timeline(1000)
    timeline.begin_chunk(chunk(0, (0, 1, 2), (0, 10, 20), 30), 0)
    timeline.add_timings([WordTiming(3, 100), WordTiming(10, 400)])
    assert timeline.resume_point(450) == (1, 400)
    timeline.abandon_chunk()
    timeline.end_chunk(10_000)  # nothing more is marked for an abandoned chunk
    assert timeline.start_of(2) is None


def test_text_position_is_the_heard_sentence_plus_what_was_spoken_of_it() -> None:
    from reader.text.sentences import Sentence

    # Two sentences of 10 and 20 characters at offsets 5 and 16 of the original text.
    sentences = [Sentence(0, 5, 15, "a" * 10, True), Sentence(1, 16, 36, "b" * 20, False)]
    timeline = Timeline(1000)
    timeline.begin_chunk(chunk(0, (0, 1), (0, 10), 30), 0)
    timeline.end_chunk(3000)  # learns 100 frames per character
    assert timeline.text_position(0, sentences, 0) == 5
    assert timeline.text_position(500, sentences, 0) == 10  # 5 characters into the first
    assert timeline.text_position(999, sentences, 0) == 15  # never past its end
    assert timeline.text_position(1500, sentences, 0) == 21
    assert timeline.text_position(99_999, sentences, 0) == 36
    assert Timeline(1000).text_position(0, sentences, 1) == 16  # before any audio
