"""One connection per reading where that is safe: the next request waits for the last
response to end (and reuses its connection) when the audio in hand will outlast the
next wait, and goes out beside it when it will not. Played in real time on the null
sink, against the loopback server."""

from __future__ import annotations

from pathlib import Path

from reader.audio.output import device_output
from reader.cache import AudioCache
from reader.events import BufferingChanged, Event, State, Voicing
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.readings import ReadingFactory
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer


def _read_aloud(server: FakeSpeechServer, text: str, cache: Path) -> list[Event]:
    api = HttpApi("The server", "openai-compatible", server.url)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    readings = ReadingFactory(Settings(), AudioCache(cache))
    events: list[Event] = []
    try:
        reading = readings.reading(
            text, provider, Voicing("af_heart", "tts-1"), device_output(), on_event=events.append
        )
        reading.start()
        assert reading.wait(60)
        assert reading.state is State.FINISHED, reading.error
    finally:
        provider.close()
    return events


def _posts(server: FakeSpeechServer) -> list[float]:
    return [r.arrived_at for r in server.requests if r.method == "POST"]


def test_a_fast_stream_is_followed_on_the_same_connection(sink, tmp_path: Path) -> None:
    text = "This first sentence lasts long enough to cover a wait. Then one more."
    with FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", 2.0, 0.2
        events = _read_aloud(server, text, tmp_path)
        posts = _posts(server)
        assert len(posts) == 2
        assert server.connections == 1
        # The second request went out after the first response ended (it is 3.9 s of
        # audio at 2x: about 2 s), not beside it.
        assert posts[1] - posts[0] > 1.5
    assert BufferingChanged(True) not in events, "the audio ran dry at the join"


def test_a_short_first_sentence_on_a_slow_server_gets_a_second_connection(
    sink, tmp_path: Path
) -> None:
    text = "Hello there. A second sentence follows it, and that is all."
    with FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", 1.0, 0.5
        events = _read_aloud(server, text, tmp_path)
        posts = _posts(server)
        assert len(posts) == 2
        # Less than a second of audio cannot cover a half-second wait after it ends.
        assert server.connections == 2
        assert posts[1] - posts[0] < 0.2
    assert BufferingChanged(True) not in events, "the audio ran dry at the join"
