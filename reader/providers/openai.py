"""OpenAI speech (`POST /audio/speech`) and the servers that copy it (LiteLLM, Kokoro…)."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from collections.abc import Generator, Iterator
from typing import Any

from reader.audio.decode import Base64Feed, SniffingDecoder
from reader.audio.format import CLOUD_PCM, AudioFormat, Pcm
from reader.audio.sse import SseDecoder
from reader.errors import StreamBroken, UsageError, WrongAudioFormat
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice
from reader.providers.http import HttpApi, HttpBacked, message_of

OPENAI_URL = "https://api.openai.com/v1"
VOICES = "alloy ash ballad coral echo fable onyx nova sage shimmer verse marin cedar".split()
MODELS = ("gpt-4o-mini-tts", "tts-1", "tts-1-hd")
# Models that neither take `instructions` nor stream SSE (providers.md §1).
_CLASSIC = ("tts-1", "tts-1-hd")
MAX_CHARS = 4096
TOKEN_MODEL_CHARS = 1800

log = logging.getLogger(__name__)

_SSE_START = b"data:"


def _peek(pieces: Iterator[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """The first `size` bytes of a stream (fewer if it is shorter), and the whole stream
    again, those bytes included."""
    head = b""
    taken: list[bytes] = []
    for piece in pieces:
        taken.append(piece)
        head += piece
        if len(head) >= size:
            break
    return head[:size], itertools.chain(taken, pieces)


def standard_voices() -> list[Voice]:
    return [Voice(name, name.capitalize()) for name in VOICES]


def takes_any_voice(provider: object) -> bool:
    """Whether `provider` takes voice names it did not list (a server that lists none);
    known once its voices were asked for."""
    return isinstance(provider, OpenAISpeech) and not provider.lists_voices


class OpenAISpeech(HttpBacked):
    """Streams `response_format=pcm` (s16le, 24 kHz): SSE deltas where the model can, raw
    bytes otherwise. The response's Content-Type decides how it is read, whatever was
    asked (proxies drop `stream_format`), and the bytes decide what they are (proxies
    label PCM `audio/mpeg`)."""

    concurrency = 2
    runs_here = False

    def __init__(
        self,
        api: HttpApi,
        provider_id: str = "openai",
        display_name: str = "OpenAI",
        compatible: bool = False,
        params: dict[str, str] | None = None,
        sse: bool = True,
        deployment: str = "",
    ) -> None:
        self.api = api
        self.id = provider_id
        self.display_name = display_name
        self.needs_key = not compatible
        self._compatible = compatible
        self._params = params  # Azure's api-version
        # Azure's SSE support is unverified (providers.md §3): raw only. Cleared for a
        # server whose SSE deltas are compressed whatever was asked (openai-edge-tts
        # sends MP3), since its raw path does honour response_format=pcm.
        self._sse = sse
        self._deployment = deployment
        # Whether the server lists its voices: until asked, assumed; a server that lists
        # none takes any name a person gives, and answers for it at the speech request.
        self.lists_voices = True
        self.model_modes: dict[str, str] = {}  # from the last `models()`

    def voices(self) -> list[Voice]:
        """The server's voices; for a server that lists none (LiteLLM has no
        `/audio/voices`), OpenAI's standard ones, and then `lists_voices` is False."""
        if not self._compatible:
            return standard_voices()
        data = self.api.get_listing("/audio/voices")
        items = data.get("voices", data) if isinstance(data, dict) else data
        voices = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                voices.append(Voice(item, item))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                voices.append(Voice(item["id"], str(item.get("name") or item["id"])))
        self.lists_voices = bool(voices)
        if not voices:
            log.debug("%s lists no voices; offering OpenAI's standard ones", self.display_name)
        return voices or standard_voices()

    @property
    def lists_models(self) -> bool:
        """Whether the model to use is found in the server's list (`models()` asks it):
        an OpenAI-compatible server's names are its own config's; OpenAI's and an Azure
        deployment's are known without asking."""
        return self._compatible and not self._deployment

    def models(self) -> list[str]:
        """The server's models; [] when it lists none (then any typed name is sent)."""
        if not self._compatible:
            return list(MODELS)
        data = self.api.get_listing("/models")
        items = data.get("data", []) if isinstance(data, dict) else []
        listed = [m for m in items if isinstance(m, dict) and "id" in m]
        # What each model is for, where the server says (LiteLLM: "audio_speech", "chat",
        # "audio_transcription"…, from the model a name maps to, so an alias says it too).
        self.model_modes = {
            str(m["id"]): m["mode"] for m in listed if isinstance(m.get("mode"), str)
        }
        return [str(m["id"]) for m in listed]

    def default_voice(self) -> str:
        return "alloy"

    def default_model(self) -> str:
        if self._deployment:
            return self._deployment
        return "tts-1" if self._compatible else "gpt-4o-mini-tts"

    def max_chars(self, model: str) -> int:
        model = model or self.default_model()
        if model not in _CLASSIC and not self._compatible and not self._deployment:
            # gpt-4o-mini-tts takes about 2000 tokens. A character is at most about one
            # token in most scripts, so this keeps CJK text under it too.
            return TOKEN_MODEL_CHARS
        return MAX_CHARS

    def audio_format(self, model: str) -> AudioFormat:
        return CLOUD_PCM

    def supports_instructions(self, model: str) -> bool:
        return model not in _CLASSIC

    def _body(self, request: SpeechRequest) -> dict[str, Any]:
        model = request.model or self.default_model()
        body: dict[str, Any] = {
            "model": model,
            "input": request.text,
            "voice": request.voice,
            "response_format": "pcm",
            "speed": request.speed,
        }
        if request.instructions:
            if not self.supports_instructions(model):
                raise UsageError(f"{model} does not take instructions; use gpt-4o-mini-tts.")
            body["instructions"] = request.instructions
        if self._sse and model not in _CLASSIC:
            body["stream_format"] = "sse"
        return body

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        body = self._body(request)
        heard = False
        try:
            with contextlib.closing(self._stream(body, cancel)) as chunks:
                for chunk in chunks:
                    heard = True
                    yield chunk
        except WrongAudioFormat as error:
            if heard or "stream_format" not in body:
                raise
            log.info(
                "%s sent %s in its SSE events; asking for raw PCM from now on",
                self.display_name,
                error.kind,
            )
            self._sse = False
            yield from self._stream(self._body(request), cancel)

    def _stream(
        self, body: dict[str, Any], cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        headers = {"Accept": "application/octet-stream, text/event-stream"}
        with self.api.stream(
            "POST", "/audio/speech", cancel, json_body=body, headers=headers, params=self._params
        ) as response:
            kind = response.headers.get("content-type", "").lower()
            decoder = SniffingDecoder(CLOUD_PCM, source=self.display_name)
            if "json" in kind:  # an error or a download link inside a 200
                raise StreamBroken(f"{self.display_name} answered without audio.")
            head, pieces = _peek(self.api.iter_bytes(response, cancel), len(_SSE_START))
            # LiteLLM passes a server's SSE on labelled from response_format (audio/pcm):
            # the bytes say it is events, not sound.
            if "text/event-stream" in kind or head.lstrip().startswith(_SSE_START):
                yield from self._from_sse(pieces, decoder)
                return
            for piece in pieces:
                for block in decoder.decode(piece):
                    yield AudioChunk(block, decoder.format or CLOUD_PCM)
            for block in decoder.flush():
                yield AudioChunk(block, decoder.format or CLOUD_PCM)

    def _from_sse(
        self, pieces: Iterator[bytes], decoder: SniffingDecoder
    ) -> Generator[AudioChunk, None, None]:
        # Everything here is local to this one response: two requests may stream at once.
        events = SseDecoder()
        feed = Base64Feed(decoder)
        done = False
        for piece in pieces:
            for data in events.decode(piece):
                more, blocks = self._event(data, feed)
                yield from self._chunks(blocks, decoder)
                if not more:
                    done = True
                    break
            if done:
                break
        else:
            for data in events.flush():
                more, blocks = self._event(data, feed)
                yield from self._chunks(blocks, decoder)
                if not more:
                    break
        yield from self._chunks(feed.flush(), decoder)

    @staticmethod
    def _chunks(blocks: list[Pcm], decoder: SniffingDecoder) -> Iterator[AudioChunk]:
        fmt = decoder.format or CLOUD_PCM
        return (AudioChunk(block, fmt) for block in blocks)

    def _event(self, data: str, feed: Base64Feed) -> tuple[bool, list[Pcm]]:
        """One SSE event: (whether more may follow, the audio it carried)."""
        if data.strip() == "[DONE]":
            return False, []
        try:
            event = json.loads(data)
        except ValueError:
            raise StreamBroken(f"{self.display_name} sent an event that is not JSON.") from None
        if not isinstance(event, dict):
            return True, []
        kind = str(event.get("type", ""))
        if kind == "speech.audio.delta":
            audio = event.get("audio")
            if not isinstance(audio, str):
                raise StreamBroken(f"{self.display_name} sent an audio event without audio.")
            return True, feed.decode(audio)
        if kind == "speech.audio.done":
            return False, []
        if "error" in kind or "error" in event:
            said = message_of(data.encode())
            raise StreamBroken(f"{self.display_name} failed mid-stream: {said}")
        return True, []  # events we do not know are skipped
