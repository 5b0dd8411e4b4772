"""ElevenLabs: `/stream/with-timestamps` (newline-delimited JSON) with character timings."""

from __future__ import annotations

import json
import threading
from collections.abc import Generator
from typing import Any

import numpy as np

from reader.audio.decode import Base64Feed, PcmDecoder
from reader.audio.format import CLOUD_PCM, AudioFormat
from reader.errors import StreamBroken
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice, WordTiming
from reader.providers.http import HttpApi, HttpBacked

ELEVENLABS_URL = "https://api.elevenlabs.io"
DEFAULT_VOICE = "21m00Tcm4TlvDq8ikWAM"  # "Rachel", a long-standing premade voice
# Per-request limits when the models list cannot be read (providers.md §6).
_LIMITS = {
    "eleven_v3": 3_000,
    "eleven_flash_v2_5": 40_000,
    "eleven_turbo_v2_5": 40_000,
    "eleven_flash_v2": 30_000,
    "eleven_turbo_v2": 30_000,
    "eleven_multilingual_v2": 10_000,
}
# Even where a model allows 40 000 characters, one request of that size would hold back
# playback's look-ahead; Reader's chunks stay far smaller.
_CHUNK_CAP = 2_500
# Timings travel in an audio-less chunk of their own, after the audio they describe.
_NO_AUDIO = np.zeros((0, 1), dtype=np.int16)


class ElevenLabsSpeech(HttpBacked):
    id = "elevenlabs"
    display_name = "ElevenLabs"
    needs_key = True
    concurrency = 2  # plan concurrency limits are low; 429 too_many_concurrent is retried
    runs_here = False

    def __init__(self, api: HttpApi) -> None:
        self.api = api
        self._limits: dict[str, int] | None = None
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        data = self.api.get_json("/v1/voices")
        voices = []
        for item in data.get("voices", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("voice_id"), str):
                found = item.get("labels")
                labels: dict[str, Any] = found if isinstance(found, dict) else {}
                voices.append(
                    Voice(
                        item["voice_id"],
                        str(item.get("name") or item["voice_id"]),
                        str(labels.get("language", labels.get("accent", ""))),
                        str(labels.get("gender", "")),
                    )
                )
        return voices

    def models(self) -> list[str]:
        return list(self._model_limits())

    def _model_limits(self) -> dict[str, int]:
        with self._lock:
            if self._limits is None:
                data = self.api.get_json("/v1/models")
                limits = {}
                for item in data if isinstance(data, list) else []:
                    if not isinstance(item, dict) or not item.get("can_do_text_to_speech", True):
                        continue
                    limit = item.get("maximum_text_length_per_request") or item.get(
                        "max_characters_request_subscribed_user"
                    )
                    limits[str(item.get("model_id"))] = int(limit) if limit else 2_500
                self._limits = limits or dict(_LIMITS)
            return self._limits

    def default_voice(self) -> str:
        return DEFAULT_VOICE

    def default_model(self) -> str:
        return "eleven_multilingual_v2"

    def max_chars(self, model: str) -> int:
        try:
            limit = self._model_limits().get(model or self.default_model())
        except Exception:  # the list is a refinement; the table is the fallback
            limit = None
        return min(_CHUNK_CAP, limit or _LIMITS.get(model, 2_500))

    def audio_format(self, model: str) -> AudioFormat:
        return CLOUD_PCM

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        body = {
            "text": request.text,
            "model_id": request.model or self.default_model(),
            # ElevenLabs takes 0.7-1.2; outside it the request is refused.
            "voice_settings": {"speed": min(1.2, max(0.7, request.speed))},
        }
        path = f"/v1/text-to-speech/{request.voice}/stream/with-timestamps"
        params = {"output_format": "pcm_24000"}
        with self.api.stream("POST", path, cancel, json_body=body, params=params) as response:
            feed = Base64Feed(PcmDecoder(CLOUD_PCM))
            line = b""
            characters = 0  # characters of the request covered by earlier lines
            for piece in self.api.iter_bytes(response, cancel):
                line += piece
                *complete, line = line.split(b"\n")
                for raw in complete:
                    if raw.strip():
                        chunk, characters = self._line(raw, feed, characters)
                        yield from chunk
            if line.strip():
                chunk, characters = self._line(line, feed, characters)
                yield from chunk
            for block in feed.flush():
                yield AudioChunk(block, CLOUD_PCM)

    def _line(self, raw: bytes, feed: Base64Feed, characters: int) -> tuple[list[AudioChunk], int]:
        try:
            item = json.loads(raw)
        except ValueError:
            raise StreamBroken(f"{self.display_name} sent a line that is not JSON.") from None
        if not isinstance(item, dict):
            return [], characters
        timings, characters = _word_starts(item.get("alignment"), characters)
        audio = item.get("audio_base64")
        blocks = feed.decode(audio) if isinstance(audio, str) and audio else []
        chunks = [AudioChunk(block, CLOUD_PCM) for block in blocks]
        if timings:
            chunks.append(AudioChunk(_NO_AUDIO, CLOUD_PCM, tuple(timings)))
        return chunks, characters


def _word_starts(alignment: Any, characters: int) -> tuple[list[WordTiming], int]:
    """Timings of the characters that start a word; alignment lists one entry per
    character of this line's share of the text, with start times in seconds."""
    if not isinstance(alignment, dict):
        return [], characters
    chars = alignment.get("characters") or []
    starts = alignment.get("character_start_times_seconds") or []
    timings = []
    previous = " "
    for index, (char, start) in enumerate(zip(chars, starts, strict=False)):
        if isinstance(char, str) and not char.isspace() and previous.isspace():
            timings.append(WordTiming(characters + index, round(float(start) * 24_000)))
        previous = char if isinstance(char, str) else " "
    return timings, characters + len(chars)
