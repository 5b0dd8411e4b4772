"""A stream that breaks or stalls mid-request: the file and the cache are as if it never had.

Real sockets: the loopback server sends part of a response, then drops the connection or
holds it silent. A person exporting the text gets, sample for sample, the file a server
that never failed gives; the cache replays that same file without asking the server; and
the server is asked again for the broken request only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.cache import AudioCache
from reader.reading.events import State, Voicing
from reader.reading.exporting import Export
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from tests.helpers.fake_server import FakeSpeechServer

FIRST = "Hello from the loopback server."
# Three sentences, together under the planner's second request size: one request.
MIDDLE = (
    "The second sentence is about a quiet morning by the sea. "
    "Gulls were calling over the harbour as the boats went out. "
    "A little later the sun broke through the grey clouds."
)
LAST = "Then the day went on as any other day would. And that is the end of this story."
TEXT = f"{FIRST} {MIDDLE}\n\n{LAST}"  # a paragraph pause before the last request


def export(server: FakeSpeechServer, cache: AudioCache, out: Path) -> np.ndarray:
    # A short stall limit, so a stalled stream is noticed in a test's time.
    api = HttpApi("The server", "openai-compatible", server.url, stall_s=0.4)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    try:
        job = Export(
            ReadingFactory(Settings(), cache),
            TEXT,
            provider,
            Voicing("af_heart", "tts-1"),
            out,
        )
        job.start()
        assert job.reading.wait(60)
        assert job.reading.state is State.FINISHED, job.reading.error
        job.finish()
    finally:
        provider.close()
    audio, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000
    return np.asarray(audio)


@pytest.fixture(scope="module")
def clean_export(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """The file a server that never fails gives for TEXT."""
    folder = tmp_path_factory.mktemp("clean")
    with FakeSpeechServer() as server:
        server.same_audio = True
        audio = export(server, AudioCache(folder / "cache"), folder / "clean.wav")
        posts = [r.body["input"] for r in server.requests if r.method == "POST"]
    assert sorted(posts) == sorted([FIRST, MIDDLE, LAST])  # the middle one is broken below
    return audio


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        server.same_audio = True  # a deterministic server: same text, same audio
        yield server


def asked(server: FakeSpeechServer) -> list[str]:
    return [r.body["input"] for r in server.requests if r.method == "POST"]


@pytest.mark.parametrize(
    ("kind", "fraction"),
    [("drop", 0.1), ("drop", 0.3), ("drop", 0.5), ("drop", 0.7), ("drop", 0.9), ("stall", 0.5)],
)
def test_after_a_broken_stream_the_export_is_the_clean_one_and_the_cache_replays_it(
    server, tmp_path, clean_export, kind, fraction
) -> None:
    server.breaks = {"Gulls were calling": (kind, fraction)}
    server.stall_hold_s = 3.0
    cache = AudioCache(tmp_path / "cache")
    audio = export(server, cache, tmp_path / "broken.wav")
    # Heard in the file: every sentence once and whole, sample for sample the clean file.
    assert len(audio) == len(clean_export), (len(audio) / 24_000, len(clean_export) / 24_000)
    assert np.array_equal(audio, clean_export)
    # Paid: the broken request once more, nothing else.
    assert Counter(asked(server)) == Counter([FIRST, MIDDLE, MIDDLE, LAST]), asked(server)
    # Exported again: the same file, all of it from the cache.
    before = len(asked(server))
    again = export(server, cache, tmp_path / "again.wav")
    assert np.array_equal(again, clean_export)
    assert asked(server)[before:] == []
