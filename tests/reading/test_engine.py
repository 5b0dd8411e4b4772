"""The engine end to end with the real offline voice and a sped-up stand-in sound card."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from reader.audio.format import AudioFormat
from reader.audio.output import clock_output
from reader.errors import ProviderUnavailable, StreamBroken, UsageError
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice
from reader.reading.engine import Reading
from reader.reading.events import (
    Failed,
    Finished,
    SentenceStarted,
    Started,
    State,
    Stopped,
    Voicing,
)

TEXT = "First sentence here. The second one is a bit longer than that. Third. And the fourth."


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []
        self.audio: list[np.ndarray] = []

    def event(self, event: object) -> None:
        self.events.append(event)

    def write(self, block: np.ndarray, fmt: AudioFormat) -> None:
        self.audio.append(block)


def read(text: str, provider, speed: float = 4.0, **kwargs) -> tuple[Reading, Recorder]:
    # 4x real time: the one-second queue is 250 ms of wall time, enough headroom on a
    # loaded 2-core machine (at 20x, 50 ms was not, and underruns measured the load).
    recorder = Recorder()
    reading = Reading(
        text,
        provider,
        Voicing("en-US"),
        clock_output(speed),
        on_event=recorder.event,
        on_audio=recorder.write,
        **kwargs,
    )
    reading.start()
    return reading, recorder


def test_reads_everything_in_order_and_reports_sentences(offline_provider) -> None:
    reading, recorder = read(TEXT, offline_provider)
    assert reading.wait(10)
    assert reading.state is State.FINISHED
    assert isinstance(recorder.events[0], Started) or isinstance(recorder.events[1], Started)
    assert isinstance(recorder.events[-1], Finished)
    sentences = [e.index for e in recorder.events if isinstance(e, SentenceStarted)]
    assert sentences == [0, 1, 2, 3]
    assert reading.buffer.underruns == 0
    assert reading.buffer.played_frames == sum(len(b) for b in recorder.audio)
    assert not [
        t for t in threading.enumerate() if t.name.startswith(("fetch", "espeak", "reader"))
    ]


class Tap:
    """Wraps a real provider and keeps what it streamed, in request order."""

    def __init__(self, provider) -> None:
        self._provider = provider
        self.streamed: list[np.ndarray] = []
        self.requests: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self._provider, name)

    def stream(self, request: SpeechRequest, cancel: CancelToken) -> Iterator[AudioChunk]:
        self.requests.append(request.text)
        for chunk in self._provider.stream(request, cancel):
            self.streamed.append(chunk.pcm)
            yield chunk


def test_audio_is_exactly_what_the_provider_streamed(offline_provider) -> None:
    # espeak-ng varies by a few samples from call to call, so compare with what it sent.
    tap = Tap(offline_provider)
    reading, recorder = read(TEXT, tap)
    assert reading.wait(10)
    assert tap.requests[0] == "First sentence here."  # one sentence first: audio starts early
    assert " ".join(tap.requests) == TEXT
    assert np.array_equal(np.concatenate(recorder.audio), np.concatenate(tap.streamed))


def test_empty_text_is_refused(offline_provider) -> None:
    with pytest.raises(UsageError, match="Nothing to read"):
        Reading(" \n\t ", offline_provider, Voicing("en-US"), None)


def test_stop_is_prompt_and_leaves_no_thread(offline_provider) -> None:
    reading, recorder = read("A sentence to read. " * 400, offline_provider, speed=1.0)
    while reading.state is State.CONNECTING:
        time.sleep(0.005)
    started = time.monotonic()
    reading.stop()
    assert reading.wait(1)
    assert time.monotonic() - started < 0.1
    assert reading.state is State.STOPPED
    assert isinstance(recorder.events[-1], Stopped)
    time.sleep(0.05)
    assert not [
        t for t in threading.enumerate() if t.name.startswith(("fetch", "espeak", "reader"))
    ]


def test_seek_continues_from_the_sentence(offline_provider) -> None:
    text = " ".join(f"This is sentence {i}." for i in range(30))
    reading, recorder = read(text, offline_provider, speed=2.0)
    while reading.current_sentence() is None:
        time.sleep(0.005)
    reading.seek(25)
    assert reading.wait(10)
    heard = [e.index for e in recorder.events if isinstance(e, SentenceStarted)]
    assert heard[-5:] == [25, 26, 27, 28, 29]
    assert 25 in heard and max(heard[: heard.index(25)]) < 25


def test_pause_and_resume(offline_provider) -> None:
    reading, _ = read(TEXT, offline_provider, speed=1.0)
    while reading.state is State.CONNECTING:
        time.sleep(0.005)
    reading.pause()
    played = reading.buffer.played_frames
    time.sleep(0.2)
    assert reading.state is State.PAUSED
    assert reading.buffer.played_frames - played < 2048  # at most the block in flight
    reading.resume()
    assert reading.state is State.PLAYING
    reading.stop()
    reading.wait(1)


def test_export_only_runs_without_a_sound_card(offline_provider) -> None:
    recorder = Recorder()
    reading = Reading(
        TEXT,
        offline_provider,
        Voicing("en-US"),
        None,
        on_audio=recorder.write,
        on_event=recorder.event,
    )
    reading.start()
    assert reading.wait(10) and reading.state is State.FINISHED
    assert sum(len(b) for b in recorder.audio) > 22_050


class FlakyProvider:
    """A stand-in provider for the engine's retry logic (network providers come later)."""

    id = "flaky"
    display_name = "Flaky"
    needs_key = False
    concurrency = 2
    runs_here = False
    cache_scope = ""

    def __init__(self, failures: int, mid_stream: bool = False) -> None:
        self.failures = failures
        self.mid_stream = mid_stream
        self.requests: list[str] = []

    def voices(self) -> list[Voice]:
        return [Voice("v", "v")]

    def models(self) -> list[str]:
        return ["m"]

    def default_voice(self) -> str:
        return "v"

    def default_model(self) -> str:
        return "m"

    def max_chars(self, model: str) -> int:
        return 100

    def audio_format(self, model: str) -> AudioFormat:
        return AudioFormat(24_000, 1)

    def stream(self, request: SpeechRequest, cancel: CancelToken) -> Iterator[AudioChunk]:
        self.requests.append(request.text)
        fmt = AudioFormat(24_000, 1)
        if self.failures > 0:
            self.failures -= 1
            if self.mid_stream:
                yield AudioChunk(np.ones((100, 1), np.int16), fmt)
                raise StreamBroken("The connection dropped.")
            raise ProviderUnavailable("Server error 503.")
        yield AudioChunk(np.ones((2400, 1), np.int16), fmt)


def test_unavailable_is_retried_before_any_audio() -> None:
    provider = FlakyProvider(failures=2)
    reading, recorder = read("One. Two.", provider)
    assert reading.wait(10) and reading.state is State.FINISHED
    assert len(provider.requests) == 4


def test_failure_is_reported_once_with_its_message() -> None:
    provider = FlakyProvider(failures=1, mid_stream=True)
    reading, recorder = read("One. Two.", provider)
    assert reading.wait(10)
    assert reading.state is State.FAILED
    failures = [e for e in recorder.events if isinstance(e, Failed)]
    assert len(failures) == 1 and "dropped" in str(failures[0].error)


class HangingProvider(FlakyProvider):
    """Sends a little audio, then nothing until its request is cancelled."""

    def __init__(self) -> None:
        super().__init__(failures=0)
        self.first_audio = threading.Event()

    def stream(self, request: SpeechRequest, cancel: CancelToken) -> Iterator[AudioChunk]:
        self.requests.append(request.text)
        yield AudioChunk(np.ones((2400, 1), np.int16), AudioFormat(24_000, 1))
        self.first_audio.set()
        cancel.wait(10)  # a server that went quiet; the cancel closes it


def test_a_stop_during_the_last_request_ends_stopped_not_finished() -> None:
    provider = HangingProvider()
    recorder = Recorder()
    reading = Reading(
        "Only one sentence here.", provider, Voicing("v"), None, on_audio=recorder.write
    )
    reading.start()
    assert provider.first_audio.wait(5)
    time.sleep(0.2)  # the pump is waiting for more of the last request
    reading.stop()
    assert reading.wait(5)
    assert reading.state is State.STOPPED  # an export must not take this for the whole text
