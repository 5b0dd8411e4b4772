"""Nothing paid twice: characters billed, counted at the loopback server.

Behind a proxy that holds each response until its whole request is synthesized, Reader
asks for the rest one sentence at a time once it notices; the request already in flight
then is kept. Listening, then exporting or skipping about, never asks again for text
whose audio was already paid for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.audio.output import clock_output
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.cache import AudioCache
from reader.reading.events import State, Voicing
from reader.reading.exporting import Export
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.text.sentences import split_sentences
from tests.helpers.fake_server import FakeSpeechServer

OPENING = "A short opening sentence here."
# The planner's second request begins here: several sentences, up to 250 characters.
SECOND = (
    "Then the second request starts with this sentence. "
    "It goes on with another one of these. "
    "And ends on a third sentence here."
)
REST = " ".join(f"After that comes sentence number {n}, a fair bit longer." for n in range(5))
TEXT = f"{OPENING} {SECOND} {REST}"


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        server.mode = "buffering"
        server.synthesis_speed = 6.0
        yield server


@pytest.fixture
def provider(server: FakeSpeechServer) -> Iterator[OpenAISpeech]:
    api = HttpApi("The proxy", "openai-compatible", server.url)
    provider = OpenAISpeech(api, "openai-compatible", "The proxy", compatible=True)
    yield provider
    provider.close()


def asked(server: FakeSpeechServer) -> list[str]:
    return [r.body["input"] for r in server.requests if r.method == "POST"]


def sentences_billed(inputs: list[str]) -> Counter[str]:
    return Counter(s.text for text in inputs for s in split_sentences(text))


def test_behind_a_buffering_proxy_each_sentence_is_paid_once_and_an_export_after_is_free(
    server, provider, tmp_path: Path
) -> None:
    readings = ReadingFactory(Settings(), AudioCache(tmp_path / "cache"))
    voicing = Voicing("af_heart", "tts-1")
    reading = readings.reading(TEXT, provider, voicing, clock_output(3.0))
    reading.start()
    assert reading.wait(60) and reading.state is State.FINISHED, reading.error
    inputs = asked(server)
    # Every sentence of the text paid for once: the request in flight when the proxy
    # was noticed (the second) was kept, not asked again sentence by sentence.
    assert sentences_billed(inputs) == Counter(s.text for s in split_sentences(TEXT)), inputs
    assert sum(len(text) for text in inputs) <= len(TEXT)
    kept = [text for text in inputs if len(split_sentences(text)) > 1]
    assert len(kept) == 1 and kept[0].startswith(SECOND), inputs
    # The rest was asked one sentence at a time (sound waits for one, not five).
    # An export right after: all of it from the cache.
    job = Export(readings, TEXT, provider, voicing, tmp_path / "out.wav")
    job.start()
    assert job.reading.wait(60)
    job.finish()
    assert asked(server) == inputs


# About 570 characters in twelve sentences: four requests (one sentence, then ~250, ~600).
SKIPPED = " ".join(
    f"Sentence {word} of the text goes on for a few more words."
    for word in "one two three four five six seven eight nine ten eleven twelve".split()
)


def test_three_skips_forward_and_one_back_pay_for_each_sentence_once(tmp_path: Path) -> None:
    import threading

    from reader.reading.events import SentenceStarted

    heard: list[int] = []
    moved = threading.Condition()

    def on_event(event: object) -> None:
        if isinstance(event, SentenceStarted):
            with moved:
                heard.append(event.index)
                moved.notify_all()

    def hear(sentence: int) -> None:
        with moved:
            assert moved.wait_for(lambda: heard and heard[-1] == sentence, 10), heard

    with FakeSpeechServer() as server:
        # A server that streams as it synthesizes, a little faster than it is heard: a
        # skip finds the next requests still streaming.
        server.mode, server.pace, server.first_byte_s = "paced", 1.5, 0.3
        api = HttpApi("The server", "openai-compatible", server.url)
        provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
        try:
            readings = ReadingFactory(Settings(), AudioCache(tmp_path / "cache"))
            reading = readings.reading(
                SKIPPED, provider, Voicing("af_heart", "tts-1"), clock_output(1.0), on_event
            )
            reading.start()
            hear(0)
            for sentence in (1, 2, 3):  # Alt+Right three times, as each is heard
                reading.next_sentence()
                hear(sentence)
            reading.previous_sentence()  # and once back
            hear(2)
            reading.seek(10)  # to near the end, to keep the test short
            assert reading.wait(60) and reading.state is State.FINISHED, reading.error
        finally:
            provider.close()
        inputs = asked(server)
    sentences = [s.text for s in split_sentences(SKIPPED)]
    billed = sentences_billed(inputs)
    assert max(billed.values()) == 1, inputs  # no sentence paid twice
    assert set(billed) <= set(sentences)
