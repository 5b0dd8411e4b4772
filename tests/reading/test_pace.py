"""The look-ahead follows the endpoint: a default until it answered, a few seconds for a
fast server, more for a slow first byte, much more for a server slower than real time."""

from __future__ import annotations

import pytest

from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.reading.pace import DEFAULT_S, MAXIMUM_S, MINIMUM_S, SAFETY, EndpointPace
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer


def test_the_default_holds_until_the_endpoint_answered() -> None:
    pace = EndpointPace()
    assert not pace.measured
    assert pace.lookahead_s(600) == DEFAULT_S


def test_a_fast_server_needs_only_the_minimum() -> None:
    pace = EndpointPace()
    pace.observe(wait_s=0.3, audio_s=40.0, delivery_s=5.0, chars=560)  # 8x real time
    assert pace.measured
    assert pace.lookahead_s(1500) == MINIMUM_S


def test_a_slow_first_byte_is_waited_for_with_room_to_spare() -> None:
    pace = EndpointPace()
    pace.observe(wait_s=6.0, audio_s=20.0, delivery_s=10.0, chars=280)
    assert pace.lookahead_s(1500) == pytest.approx(SAFETY * 6.0)


def test_a_server_slower_than_real_time_is_asked_far_sooner() -> None:
    pace = EndpointPace()
    # 0.8x real time, 14 characters a second: a 250-character chunk (about 18 s) falls
    # 4.5 s behind while it streams.
    pace.observe(wait_s=0.5, audio_s=20.0, delivery_s=25.0, chars=280)
    expected = SAFETY * (0.5 + 250 / 14 * (1 / 0.8 - 1))
    assert pace.lookahead_s(250) == pytest.approx(expected, rel=0.01)
    assert pace.lookahead_s(4000) == MAXIMUM_S  # capped: audio waiting in memory


def test_answers_are_averaged_so_one_slow_answer_does_not_swing_it() -> None:
    pace = EndpointPace()
    for _ in range(5):
        pace.observe(wait_s=0.4, audio_s=10.0, delivery_s=2.0, chars=140)
    pace.observe(wait_s=12.0, audio_s=10.0, delivery_s=2.0, chars=140)
    assert MINIMUM_S < pace.lookahead_s(600) < SAFETY * 12.0 / 2


def test_a_short_answer_teaches_the_wait_but_not_the_rate() -> None:
    pace = EndpointPace()
    pace.observe(wait_s=0.2, audio_s=1.0, delivery_s=5.0, chars=14)  # 0.2x, but 1 s long
    assert pace.lookahead_s(1500) == MINIMUM_S


@pytest.mark.parametrize(("speed", "slow"), [(12.0, False), (0.7, True)])
def test_a_reading_teaches_the_next_one_its_server_speed(speed: float, slow: bool) -> None:
    with FakeSpeechServer() as server:
        server.mode, server.pace, server.first_byte_s = "paced", speed, 0.05
        api = HttpApi("The server", "openai-compatible", server.url)
        provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
        readings = ReadingFactory(Settings())
        voicing = Voicing("af_heart", "tts-1")
        try:
            reading = readings.reading(
                "A first sentence that takes a few seconds to say aloud. " * 3,
                provider,
                voicing,
                None,
                on_audio=lambda block, fmt: None,
            )
            reading.start()
            assert reading.wait(60)
        finally:
            provider.close()
        pace = readings.pace(provider, "tts-1")
        assert pace.measured
        if slow:
            assert pace.lookahead_s(600) > DEFAULT_S
        else:
            assert pace.lookahead_s(600) == MINIMUM_S
