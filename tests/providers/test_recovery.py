"""A stream that breaks mid-chunk is asked for again from the sentence it broke in.

Real sockets: the loopback server sends part of a response, then drops the connection or
holds it silent; Reader must ask again for that chunk only, from a sentence it had
surely begun, and the audio must run on with nothing lost and nothing else repeated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
import soundfile

from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.engine import Reading
from reader.reading.events import Retrying, State, Voicing
from tests.helpers.cli import speak
from tests.helpers.fake_server import FakeSpeechServer

FIRST = "Hello from the loopback server."
# Four sentences of about equal length: the planner puts them in the second request.
MIDDLE = (
    "The second sentence is about a quiet morning by the sea. "
    "Gulls were calling over the harbour as the boats went out. "
    "A little later the sun broke through the grey clouds. "
    "Everyone on the pier stopped for a moment to look up."
)
LAST = "Then the day went on as any other day would. And that is the end of this story."
TEXT = f"{FIRST} {MIDDLE} {LAST}"
BREAK_AT = 0.7  # of the middle request's audio: inside its third sentence


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        yield server


def expected_audio(server: FakeSpeechServer) -> np.ndarray:
    """Every response in reading order: a broken one, then its retry, then the rest."""
    order = sorted(
        range(len(server.responses)), key=lambda i: (TEXT.index(server.responses[i][0]), i)
    )
    return np.frombuffer(b"".join(server.responses[i][1] for i in order), dtype="<i2")


def check_asked_again_from_a_begun_sentence(server: FakeSpeechServer) -> str:
    inputs = [r.body["input"] for r in server.requests if r.method == "POST"]
    assert set(inputs[:2]) == {FIRST, MIDDLE} and LAST in inputs  # the first two go at once
    retries = [text for text in inputs if text not in (FIRST, MIDDLE, LAST)]
    assert len(retries) == 1, inputs
    retry = retries[0]
    # A suffix of the broken request that starts at one of its sentences, past its first
    # (the audio had passed that) and not past the break (no word may be lost).
    assert MIDDLE.endswith(retry)
    offset = len(MIDDLE) - len(retry)
    assert 0 < offset <= BREAK_AT * len(MIDDLE)
    assert MIDDLE[offset - 2 : offset] == ". "
    # Nothing else was asked for twice.
    assert Counter(inputs) == Counter([FIRST, MIDDLE, LAST, retry])
    return retry


def test_a_dropped_stream_resumes_from_the_sentence_it_broke_in(server, tmp_path) -> None:
    server.breaks = {"Gulls were calling": ("drop", BREAK_AT)}
    out = tmp_path / "out.wav"
    result = speak("openai-compatible", server.url, out, TEXT)
    assert result.returncode == 0, result.stderr
    check_asked_again_from_a_begun_sentence(server)
    audio, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000
    assert np.array_equal(audio, expected_audio(server))


def test_a_stalled_stream_times_out_and_resumes(server) -> None:
    server.breaks = {"Gulls were calling": ("stall", BREAK_AT)}
    server.stall_hold_s = 1.5
    api = HttpApi("The server", "openai-compatible", server.url, stall_s=0.3)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    events: list[object] = []
    audio: list[np.ndarray] = []
    try:
        reading = Reading(
            TEXT,
            provider,
            Voicing("af_heart", "tts-1"),
            None,
            on_event=events.append,
            on_audio=lambda block, fmt: audio.append(block.reshape(-1)),
        )
        reading.start()
        assert reading.wait(30)
    finally:
        provider.close()
    assert reading.state is State.FINISHED, reading.error
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1 and "stopped sending" in retries[0].reason
    check_asked_again_from_a_begun_sentence(server)
    assert np.array_equal(np.concatenate(audio), expected_audio(server))


def test_a_stream_that_keeps_breaking_fails_after_the_retries(server, tmp_path) -> None:
    server.mode = "drop"
    result = speak("openai-compatible", server.url, tmp_path / "x.wav", TEXT)
    assert result.returncode == 4
    assert "broke mid-response" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    # The first request and three retries of what it had not delivered; nothing more.
    posts = [r.body["input"] for r in server.requests if r.method == "POST"]
    assert posts.count(FIRST) == 4 and set(posts) <= {FIRST, MIDDLE, LAST}
