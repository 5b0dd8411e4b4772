"""The first sentence starts without a gap, even from a server streaming barely faster
than real time: right after the device's opening burst it asks for more, and that must
already be in hand. Heard back from the null sink."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from reader.audio.output import device_output
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.cache import AudioCache
from reader.reading.events import State, Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer
from tests.helpers.monitor import LOUD

RATE = 24_000
GAP_S = 0.005  # the tone's quietest stretch is a few samples: longer is a gap


def test_a_trickling_sentence_plays_whole_without_a_gap(sink, tmp_path: Path) -> None:
    text = "One sentence, streamed at only a little faster than it plays, from the start."
    with FakeSpeechServer() as server, sink.recording(RATE) as recording:
        server.mode, server.pace, server.first_byte_s = "paced", 1.2, 0.3
        api = HttpApi("The server", "openai-compatible", server.url)
        provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
        try:
            reading = ReadingFactory(Settings(), AudioCache(tmp_path)).reading(
                text, provider, Voicing("af_heart", "tts-1"), device_output()
            )
            reading.start()
            assert reading.wait(30)
            assert reading.state is State.FINISHED, reading.error
        finally:
            provider.close()
        time.sleep(0.3)  # the recorder is a little behind the sink
    assert reading.buffer.underruns == 0
    loud = np.flatnonzero(np.abs(recording.samples) > LOUD)
    assert len(loud), "nothing was heard"
    silences = np.diff(loud) - 1
    long_ones = np.flatnonzero(silences >= GAP_S * RATE)
    gaps = [(round(loud[i] / RATE, 3), int(silences[i])) for i in long_ones]
    assert not gaps, f"silences inside the sentence (at s, samples): {gaps}"
    # And all of it, to the end: the device is not stopped while its queue still holds
    # the last of the sentence (the tone's edges are a few samples under the threshold).
    heard = (loud[-1] - loud[0]) / RATE
    assert abs(heard - len(server.sent_pcm(text)) / RATE) < 0.01
