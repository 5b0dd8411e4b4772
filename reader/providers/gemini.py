"""Gemini speech through `streamGenerateContent?alt=sse` (Gemini API, and Vertex AI's twin)."""

from __future__ import annotations

import json
import re
from collections.abc import Generator

import httpx

from reader.audio.decode import Base64Feed, PcmDecoder, SniffingDecoder
from reader.audio.format import CLOUD_PCM, AudioFormat, Pcm
from reader.audio.sse import SseDecoder
from reader.errors import ProviderUnavailable, StreamBroken
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice
from reader.providers.http import HttpApi, HttpBacked, error_for

GEMINI_URL = "https://generativelanguage.googleapis.com/v1beta"
MODELS = ("gemini-2.5-flash-preview-tts", "gemini-2.5-pro-preview-tts")
VOICES = (
    "Zephyr Puck Charon Kore Fenrir Leda Orus Aoede Callirrhoe Autonoe Enceladus Iapetus "
    "Umbriel Algieba Despina Erinome Algenib Rasalgethi Laomedeia Achernar Alnilam Schedar "
    "Gacrux Pulcherrima Achird Zubenelgenubi Vindemiatrix Sadachbia Sadaltager Sulafat"
).split()
# Streams are cut off once audio passes ~60 s (providers.md §4); at ~15 characters a
# second, 600 characters keep every request well under 45 s of audio.
MAX_CHARS = 600
_RATE = re.compile(r"(?i)\brate\s*=\s*(\d+)")


_CHANNELS = re.compile(r"(?i)\bchannels\s*=\s*(\d+)")
# What a PCM stream can be; anything else announced is a server's mistake, and taken at
# its word would divide by zero (rate 0, no channels) or overflow deep in playback.
_RATES = range(1000, 768_001)
_CHANNEL_COUNTS = range(1, 17)


def pcm_format(mime: str) -> AudioFormat:
    """The PCM format an inlineData mimeType announces: `audio/L16;codec=pcm;rate=24000`,
    `audio/l16; rate=24000; channels=1`; the rate defaults to 24 kHz. StreamBroken for
    a format no audio can have."""
    rate = _RATE.search(mime)
    channels = _CHANNELS.search(mime)
    # Digits only, but possibly thousands of them: compare as text before int().
    rate_value = _bounded(rate.group(1)) if rate else 24_000
    channel_value = _bounded(channels.group(1)) if channels else 1
    if rate_value not in _RATES or channel_value not in _CHANNEL_COUNTS:
        raise StreamBroken(f"The server announced an audio format no audio can have ({mime[:80]}).")
    return AudioFormat(rate_value, channel_value)


def _bounded(digits: str) -> int:
    return int(digits) if len(digits) <= 9 else -1


class GeminiSpeech(HttpBacked):
    """Each SSE event is a whole GenerateContentResponse whose parts carry base64 audio.
    A 200 that finishes with `OTHER` and no audio is tried once more, then reported."""

    id = "gemini"
    needs_key = True
    concurrency = 2
    runs_here = False

    def __init__(
        self, api: HttpApi, provider_id: str = "gemini", display_name: str = "Gemini"
    ) -> None:
        self.api = api
        self.id = provider_id
        self.display_name = display_name
        self.model_names: tuple[str, ...] = MODELS  # Vertex names them differently

    def voices(self) -> list[Voice]:
        return [Voice(name, name) for name in VOICES]

    def models(self) -> list[str]:
        return list(self.model_names)

    def default_voice(self) -> str:
        return "Kore"

    def default_model(self) -> str:
        return self.model_names[0]

    def max_chars(self, model: str) -> int:
        return MAX_CHARS

    def audio_format(self, model: str) -> AudioFormat:
        return CLOUD_PCM

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        for attempt in (1, 2):
            produced = False
            for chunk in self._once(request, cancel):
                produced = True
                yield chunk
            if produced or cancel.cancelled:
                return
            if attempt == 2:
                raise ProviderUnavailable(
                    f"{self.display_name} returned no audio twice (finishReason OTHER); "
                    "try again, or a shorter text."
                )

    def _once(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        text = request.text
        if request.instructions:
            text = f"{request.instructions.rstrip(':. ')}: {text}"
        body = {
            "contents": [{"role": "user", "parts": [{"text": text}]}],
            "generationConfig": {
                "responseModalities": ["AUDIO"],
                "speechConfig": {
                    "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": request.voice}}
                },
            },
        }
        model = request.model or self.default_model()
        path = f"/models/{model}:streamGenerateContent"
        with self.api.stream(
            "POST", path, cancel, json_body=body, params={"alt": "sse"}
        ) as response:
            events = SseDecoder()
            feeds: dict[str, Base64Feed] = {}
            for piece in self.api.iter_bytes(response, cancel):
                for data in events.decode(piece):
                    yield from self._event(data, feeds)
            for data in events.flush():
                yield from self._event(data, feeds)
            for mime, feed in feeds.items():
                yield from _chunks(feed.flush(), feed.format or pcm_format(mime))

    def _event(self, data: str, feeds: dict[str, Base64Feed]) -> Generator[AudioChunk, None, None]:
        try:
            event = json.loads(data)
        except ValueError:
            raise StreamBroken(f"{self.display_name} sent an event that is not JSON.") from None
        if isinstance(event, list) and event:
            event = event[0]  # errors may come wrapped in a one-element list
        if not isinstance(event, dict):
            return
        if "error" in event:
            # An error inside a 200 stream, often without a `data:` prefix.
            error = event["error"]
            status = error.get("code", 500) if isinstance(error, dict) else 500
            code = int(status) if str(status).isdigit() else 500
            raise error_for(self.api, code, data.encode(), httpx.Headers())
        for candidate in event.get("candidates") or []:
            parts = ((candidate or {}).get("content") or {}).get("parts") or []
            for part in parts:
                inline = part.get("inlineData") if isinstance(part, dict) else None
                if not isinstance(inline, dict) or not isinstance(inline.get("data"), str):
                    continue
                mime = str(inline.get("mimeType", "audio/L16;rate=24000"))
                feed = feeds.get(mime)
                if feed is None:
                    fmt = pcm_format(mime)
                    # The WAV that some models return is sniffed from its RIFF header.
                    inner = (
                        SniffingDecoder(fmt, source=self.display_name)
                        if "wav" in mime.lower()
                        else PcmDecoder(fmt)
                    )
                    feed = feeds[mime] = Base64Feed(inner)
                blocks = feed.decode(inline["data"])
                yield from _chunks(blocks, feed.format or pcm_format(mime))


def _chunks(blocks: list[Pcm], fmt: AudioFormat) -> Generator[AudioChunk, None, None]:
    for block in blocks:
        yield AudioChunk(block, fmt)
