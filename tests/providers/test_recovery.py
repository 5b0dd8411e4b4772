"""A stream that breaks mid-chunk: the chunk is asked for again, and the listener hears
the sentence it broke in again from its start, never a fragment and then more.

Real sockets: the loopback server sends part of a response, then drops the connection or
holds it silent. The sound card is a stand-in that keeps every sample it played. (What
the file and the cache get is in tests/reading/test_whole_after_breaks.py.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from reader.audio.format import AudioFormat
from reader.audio.output import ClockOutput, Output
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.engine import Reading
from reader.reading.events import Retrying, State, Voicing
from tests.helpers.cli import speak
from tests.helpers.fake_server import FakeSpeechServer
from tests.helpers.monitor import LOUD

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


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        server.same_audio = True  # the same text gets the same audio when asked again
        server.per_sentence = True  # and we know where each sentence starts
        yield server


class Tap:
    """The playback buffer as the stand-in sound card reads it, keeping what it played."""

    def __init__(self, buffer: Any, played: list[np.ndarray]) -> None:
        self._buffer = buffer
        self._played = played

    def read_into(self, out: np.ndarray) -> int:
        count = int(self._buffer.read_into(out))
        self._played.append(out[:count, 0].copy())
        return count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


def heard(server: FakeSpeechServer, kind: str, fraction: float) -> tuple[np.ndarray, Reading]:
    played: list[np.ndarray] = []

    def card(fmt: AudioFormat, buffer: Any) -> Output:
        return ClockOutput(fmt, Tap(buffer, played), speed=8.0)

    server.breaks = {"Gulls were calling": (kind, fraction)}
    server.stall_hold_s = 3.0
    api = HttpApi("The server", "openai-compatible", server.url, stall_s=0.4)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    events: list[object] = []
    try:
        reading = Reading(TEXT, provider, Voicing("af_heart", "tts-1"), card, events.append)
        reading.start()
        assert reading.wait(60)
    finally:
        provider.close()
    assert reading.state is State.FINISHED, reading.error
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1
    if kind == "stall":
        assert "stopped sending" in retries[0].reason
    return np.concatenate(played), reading


def pcm(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<i2")


@pytest.mark.parametrize(("kind", "fraction"), [("drop", 0.3), ("drop", 0.7), ("stall", 0.5)])
def test_after_a_break_the_sentence_it_broke_in_is_heard_again_from_its_start(
    server, kind, fraction
) -> None:
    audio, reading = heard(server, kind, fraction)
    first, middle, last = pcm(server.sent[FIRST]), pcm(server.sent[MIDDLE]), pcm(server.sent[LAST])
    broke_at = len(pcm(next(part for text, part in server.responses if text == MIDDLE)))
    assert broke_at < len(middle)
    # Heard: the first request, the middle one up to the break, the middle one again
    # from some point, then the last one; nothing else.
    rejoined = len(first) + broke_at + len(middle) + len(last) - len(audio)
    assert 0 <= rejoined <= len(middle)
    expected = np.concatenate([first, middle[:broke_at], middle[rejoined:], last])
    assert np.array_equal(audio, expected)
    # Rejoined at the start of the sentence the stream broke in: no word was lost
    # (silence only between the break and the rejoining point), and no more than
    # that sentence is heard twice (only silence before its start).
    starts = server.sentence_frames[MIDDLE]
    broken_in = max(start for start in starts if start <= broke_at)
    if rejoined > broke_at:
        assert np.abs(middle[broke_at:rejoined]).max() < LOUD
    if rejoined < broken_in:
        assert np.abs(middle[rejoined:broken_in]).max() < LOUD
    # Paid: the broken request once more, nothing else.
    posts = [r.body["input"] for r in server.requests if r.method == "POST"]
    assert Counter(posts) == Counter([FIRST, MIDDLE, MIDDLE, LAST]), posts
    # Highlighted from there: the sentence rejoined (sentence 0 is FIRST); the one it
    # broke in, or the next where it broke in the pause before that.
    rejoined_sentence = min(range(len(starts)), key=lambda i: abs(starts[i] - rejoined))
    marks = {frame: sentence for sentence, frame, _ in reading.timeline.marks()}
    assert marks[len(first) + broke_at] == 1 + rejoined_sentence


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
