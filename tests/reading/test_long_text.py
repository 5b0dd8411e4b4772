"""Long texts never go silent: no underrun at any join, with a server at 1.5x real time.

The audio clock runs 8x faster than real time and the server's pace and first-byte wait
scale with it, so a slice of a long text (every stage of the chunk ramp: one sentence,
then 250, 600 and 1500 characters) plays in about half a minute. The benchmark plays the
whole 60,000 characters at real speed.
"""

from __future__ import annotations

import numpy as np

from reader.audio.output import clock_output
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers.fake_server import FakeSpeechServer

CLOCK = 8.0
WORDS = "the reader keeps every join smooth while the next request is on its way".split()


def long_text(characters: int) -> str:
    sentences, length, n = [], 0, 0
    while length < characters:
        words = [WORDS[(n * 7 + i) % len(WORDS)] for i in range(8 + n % 9)]
        sentence = " ".join(words).capitalize() + "."
        if n % 30 == 29:
            sentence += "\n\n"
        sentences.append(sentence)
        length += len(sentence) + 1
        n += 1
    return " ".join(sentences)


def test_no_underrun_at_any_join_at_one_and_a_half_times_real_time() -> None:
    text = long_text(3_200)
    with FakeSpeechServer() as server:
        server.mode = "paced"
        server.pace = 1.5 * CLOCK
        server.first_byte_s = 0.3 / CLOCK
        api = HttpApi("The server", "openai-compatible", server.url)
        provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
        audio: list[np.ndarray] = []
        try:
            reading = Reading(
                text,
                provider,
                Voicing("af_heart", "tts-1"),
                clock_output(CLOCK),
                on_audio=lambda block, fmt: audio.append(block),
                pauses=(0.0, 0.4),
            )
            reading.start()
            assert reading.wait(120)
        finally:
            provider.close()
        assert reading.state is State.FINISHED, reading.error
        sizes = sorted(len(r.body["input"]) for r in server.requests if r.method == "POST")
    assert len(sizes) >= 5 and sizes[-1] > 1000  # the ramp's every stage was crossed
    assert reading.buffer.underruns == 0
    heard = np.concatenate(audio).reshape(-1)
    sent = sum(len(pcm) // 2 for pcm in server.sent.values())
    assert len(heard) >= sent  # every sample the server sent was played (plus pauses)
