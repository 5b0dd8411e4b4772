"""The audio format Gemini announces in each part's mimeType is outside input too: one it
cannot be (rate 0, no channels, absurd numbers) is a clear error, never a crash."""

from __future__ import annotations

import pytest

from reader.audio.format import AudioFormat
from reader.providers.gemini import pcm_format
from tests.providers.test_cloud import keyed, save_key, speak

__all__ = ["keyed"]


@pytest.mark.parametrize(
    "mime",
    [
        "audio/L16;rate=0",
        "audio/L16;rate=24000;channels=0",
        "audio/l16; rate=99999999999999999999; channels=1",
        "audio/L16;rate=24000;channels=4096",
    ],
)
def test_an_impossible_announced_format_is_one_clear_error(keyed, tmp_path, mime) -> None:
    server, env, saved = keyed
    server.gemini_mime = mime
    save_key("gemini", server.url, env, saved)
    result = speak("gemini", server.url, tmp_path / "out.wav", env)
    assert result.returncode == 4, result.stderr
    assert "audio format" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.wav").exists()


def test_every_spelling_seen_still_reads() -> None:
    assert pcm_format("audio/L16;codec=pcm;rate=24000") == AudioFormat(24_000, 1)
    assert pcm_format("audio/l16; rate=24000; channels=1") == AudioFormat(24_000, 1)
    assert pcm_format("audio/wav") == AudioFormat(24_000, 1)
