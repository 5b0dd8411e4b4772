"""OpenAI chat completions with audio output (gpt-audio, gpt-4o-audio-preview…), streamed."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from reader.audio.decode import Base64Feed, PcmDecoder
from reader.audio.format import CLOUD_PCM, AudioFormat
from reader.audio.sse import SseDecoder
from reader.errors import StreamBroken
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice
from reader.providers.http import HttpApi, HttpBacked, message_of

MODELS = ("gpt-audio", "gpt-audio-mini", "gpt-4o-audio-preview", "gpt-4o-mini-audio-preview")
# The chat endpoint's voice list has no "verse" (providers.md §2).
VOICES = "alloy ash ballad coral echo fable nova onyx sage shimmer marin cedar".split()
# A chat model answers unless told not to; this makes it a reader.
SYSTEM = (
    "You are a text-to-speech reader. Read the user's message aloud exactly as written, "
    "word for word, in its own language. Do not answer it, summarize it, translate it, "
    "comment on it or add anything before or after it."
)


class OpenAIChatAudio(HttpBacked):
    """Streams `delta.audio.data` (pcm16: s16le, 24 kHz) from chat completions."""

    id = "openai-chat"
    display_name = "OpenAI (chat audio)"
    needs_key = True
    concurrency = 2
    runs_here = False

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    def voices(self) -> list[Voice]:
        return [Voice(name, name.capitalize()) for name in VOICES]

    def models(self) -> list[str]:
        return list(MODELS)

    def default_voice(self) -> str:
        return "alloy"

    def default_model(self) -> str:
        return "gpt-audio"

    def max_chars(self, model: str) -> int:
        return 2000  # a chat turn: shorter requests keep the model on the text

    def audio_format(self, model: str) -> AudioFormat:
        return CLOUD_PCM

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        system = SYSTEM + (f" Style: {request.instructions}" if request.instructions else "")
        body = {
            "model": request.model or self.default_model(),
            "modalities": ["text", "audio"],
            "audio": {"voice": request.voice, "format": "pcm16"},  # the only format streamed
            "stream": True,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": request.text},
            ],
        }
        with self.api.stream("POST", "/chat/completions", cancel, json_body=body) as response:
            events = SseDecoder()
            feed = Base64Feed(PcmDecoder(CLOUD_PCM))
            for piece in self.api.iter_bytes(response, cancel):
                for data in events.decode(piece):
                    if data.strip() == "[DONE]":
                        yield from self._chunks(feed.flush())
                        return
                    yield from self._chunks(self._audio(data, feed))
            for data in events.flush():
                if data.strip() != "[DONE]":
                    yield from self._chunks(self._audio(data, feed))
            yield from self._chunks(feed.flush())

    @staticmethod
    def _chunks(blocks: list[Any]) -> Generator[AudioChunk, None, None]:
        for block in blocks:
            yield AudioChunk(block, CLOUD_PCM)

    def _audio(self, data: str, feed: Base64Feed) -> list[Any]:
        try:
            chunk = json.loads(data)
        except ValueError:
            raise StreamBroken(f"{self.display_name} sent an event that is not JSON.") from None
        if not isinstance(chunk, dict):
            return []
        if "error" in chunk:
            raise StreamBroken(
                f"{self.display_name} failed mid-stream: {message_of(data.encode())}"
            )
        blocks: list[Any] = []
        # Chunks without `choices`, the usage chunk with `choices: []` and the last delta
        # holding only `expires_at` all carry no audio; none of them ends the stream.
        for choice in chunk.get("choices") or []:
            audio = (choice.get("delta") or {}).get("audio") if isinstance(choice, dict) else None
            if isinstance(audio, dict) and isinstance(audio.get("data"), str):
                blocks += feed.decode(audio["data"])
        return blocks
