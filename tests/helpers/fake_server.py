"""A loopback HTTP server that frames bytes exactly as OpenAI-style speech servers do.

Real sockets, HTTP/1.1 keep-alive, chunked bodies cut at odd offsets. It serves real
speech (the offline voice, resampled to 24 kHz) and records every request and the PCM
it sent, so tests can compare what Reader wrote with what the server sent.
"""

from __future__ import annotations

import base64
import functools
import json
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from tests.helpers import litellm_seen as litellm

# Cuts that split samples and lines: odd sizes, tiny and large.
CUTS = (1, 3, 7, 333, 4093, 2, 9999, 5)


# What the Gemini API (and Vertex AI in express mode) answers a key it does not accept,
# as observed from the real service (issue 24): HTTP 400, not 401, so only the reason in
# the details says it is the key. streamGenerateContent wraps it in a one-element list.
GOOGLE_KEY_INVALID = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    }
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    arrived_at: float = 0.0  # time.monotonic() when its body had been read


@dataclass
class Failure:
    """A canned answer for the next request(s) instead of speech."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    method: str = ""  # only requests with this method ("" for all)


@functools.lru_cache(maxsize=512)
def speech_pcm(text: str) -> bytes:
    """Real speech for `text`: the offline voice at 24 kHz, s16le mono. Kept per text: the
    offline voice differs by a few samples from run to run (measured: 48410 and 48404
    bytes for "Hello there."), and a server answers the same text the same way, so an
    export through a proxy can be compared with a clean one sample for sample."""
    import soxr

    from reader.providers.base import CancelToken, SpeechRequest
    from reader.providers.registry import Registry

    provider = _offline(Registry)
    pcm = np.concatenate(
        [c.pcm.reshape(-1) for c in provider.stream(SpeechRequest(text, "en-US"), CancelToken())]
    )
    return bytes(soxr.resample(pcm, 22_050, 24_000).astype("<i2").tobytes())


_PROVIDER: Any = None
_LOCK = threading.Lock()
_SPOKEN: dict[str, bytes] = {}


def same_speech_pcm(text: str) -> bytes:
    """`speech_pcm(text)`, the same bytes every time it is asked for the same text (the
    offline voice varies a few samples from one call to the next): a deterministic
    server, for tests that compare a broken reading's file with a clean one's."""
    with _LOCK:
        known = _SPOKEN.get(text)
    if known is None:
        known = speech_pcm(text)
        with _LOCK:
            known = _SPOKEN.setdefault(text, known)
    return known


def _offline(registry: Any) -> Any:
    global _PROVIDER
    with _LOCK:
        if _PROVIDER is None:
            _PROVIDER = registry().create("offline")
        return _PROVIDER


class FakeSpeechServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Request] = []
        self.sent: dict[str, bytes] = {}  # request text → the PCM sent for it
        self.responses: list[tuple[str, bytes]] = []  # (text, PCM sent), in arrival order
        # Speech responses to break once: a phrase of the request's text → (how: "drop"
        # closes the connection, "stall" holds it silent for `stall_hold_s`; and after
        # which fraction of the audio).
        self.breaks: dict[str, tuple[str, float]] = {}
        self.stall_hold_s = 2.0
        # Speech made one sentence at a time and joined, so tests know where each
        # sentence's first sample is: request text → the frame each sentence starts at.
        self.per_sentence = False
        self.same_audio = False  # the same text always gets the same audio (same_speech_pcm)
        # "paced": synthetic audio (fast to make: 14 characters a second) streamed at
        # `pace` x real time after `first_byte_s`, as a server that synthesizes live.
        self.pace = 1.5
        self.first_byte_s = 0.3
        # Paced responses that pause mid-stream once, then go on: the response's number
        # (1 for the first) → (after which fraction of its audio, for how many seconds).
        self.paced_pauses: dict[int, tuple[float, float]] = {}
        self.sentence_frames: dict[str, list[int]] = {}
        self.failures: list[Failure] = []
        self.gemini_mime = "audio/L16;codec=pcm;rate=24000"
        self.gemini_piece = 1800  # bytes of audio per event (huge: one event, as unary)
        self.synthesis_speed = 4.0  # for the buffering proxy
        self.char_frames: dict[str, list[int]] = {}
        self.other_sent = False
        # raw | sse | sse-no-done | sse-error | edge | wav | mislabeled | drop | buffering
        # | litellm (what LiteLLM 1.106.12 was seen to do: tests/helpers/LITELLM.md)
        self.mode = "raw"
        # In "litellm" mode: the master key it checks (None: no check), and the request
        # bodies as it passed them on to its speech server (stream_format dropped).
        self.litellm_key: str | None = None
        self.forwarded: list[dict[str, Any]] = []
        # What "sse-error" sends after half the audio (vLLM-omni's mid-stream error).
        self.error_event: Any = {
            "type": "speech.audio.error",
            "error": {"message": "CUDA out of memory", "type": "server_error"},
        }
        self.voices: Any = {
            "voices": [
                {"id": "af_heart", "name": "af_heart"},
                {"id": "bm_george", "name": "bm_george"},
            ]
        }
        self.models: Any = {"object": "list", "data": [{"id": "kokoro"}, {"id": "tts-1"}]}
        self.connections = 0  # TCP connections accepted
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeSpeechServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def sent_pcm(self, text: str) -> np.ndarray:
        """What was sent for the requests cut from `text`, in reading order (requests run
        concurrently, so they may have been answered in another order)."""
        inputs = sorted(self.sent, key=text.index)
        return np.frombuffer(b"".join(self.sent[i] for i in inputs), dtype="<i2")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeSpeechServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _record(self) -> Any:
        length = int(self.headers.get("content-length", 0))
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.server.requests.append(
            Request(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                time.monotonic(),
            )
        )
        return body

    def do_GET(self) -> None:
        self._record()
        if self._fail():
            return
        if self.server.mode == "litellm":
            self._litellm_get()
            return
        if urlsplit(self.path).path.endswith("/audio/voices"):
            self._json(200, self.server.voices)
        elif urlsplit(self.path).path == "/v1/voices":  # ElevenLabs
            self._json(
                200,
                {
                    "voices": [
                        {
                            "voice_id": "21m00Tcm4TlvDq8ikWAM",
                            "name": "Rachel",
                            "labels": {"gender": "female"},
                        },
                        {
                            "voice_id": "pNInz6obpgDQGcFmaJgB",
                            "name": "Adam",
                            "labels": {"gender": "male"},
                        },
                    ]
                },
            )
        elif urlsplit(self.path).path.endswith("/models"):
            self._json(200, self.server.models)
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        body = self._record()
        if self._fail():
            return
        path = urlsplit(self.path).path
        if path.endswith("/chat/completions"):
            self._chat(body)
            return
        if ":streamGenerateContent" in path:
            self._gemini(body)
            return
        if path.startswith("/v1/text-to-speech/") and path.endswith("/stream/with-timestamps"):
            self._elevenlabs(body)
            return
        if not path.endswith("/audio/speech"):
            self._json(404, {"error": {"message": "Unknown path", "type": "invalid_request_error"}})
            return
        mode = self.server.mode
        if mode == "litellm":
            self._litellm_speech(body)
            return
        if mode == "paced":
            self._paced(body["input"])
            return
        pcm = self._speech(body["input"])
        sent = self.server.sent
        if self._break(body["input"], pcm):
            return
        if mode == "sse" or mode == "sse-no-done":
            sent[body["input"]] = pcm
            self._chunked("text/event-stream; charset=utf-8", self._sse(pcm, mode == "sse"))
        elif mode == "sse-error":
            sent[body["input"]] = pcm[: len(pcm) // 2]
            events = self._sse(pcm[: len(pcm) // 2], done=False, error=self.server.error_event)
            self._chunked("text/event-stream; charset=utf-8", events)
        elif mode == "edge" and body.get("stream_format") == "sse":
            # openai-edge-tts: SSE deltas are MP3 whatever response_format asked for.
            sent.pop(body["input"], None)
            self._chunked("text/event-stream; charset=utf-8", self._sse(_mp3(pcm), done=False))
        elif mode == "edge":
            sent[body["input"]] = pcm
            self._chunked("audio/L16", _cut(pcm))
        elif mode == "wav":
            sent[body["input"]] = pcm
            self._chunked("audio/wav", _cut(_wav_header() + pcm))
        elif mode == "buffering":
            # A LiteLLM-style proxy: the first byte only after the whole clip is ready
            # (synthesis at `synthesis_speed` x real time), then 8192-byte pieces, labelled
            # audio/mpeg whatever they are (LiteLLM 1.83's fixed media type, quoted in
            # BerriAI/litellm#33974; 1.106 passes audio/pcm on: the "litellm" mode),
            # stream_format ignored.
            sent[body["input"]] = pcm
            time.sleep(len(pcm) / 2 / 24_000 / self.server.synthesis_speed)
            pieces = (pcm[i : i + 8192] for i in range(0, len(pcm), 8192))
            self._chunked("audio/mpeg", pieces)
        elif mode == "drop":
            sent[body["input"]] = pcm[: len(pcm) // 2 | 1]
            self._chunked("audio/pcm", _cut(pcm[: len(pcm) // 2 | 1]), finish=False)
            self.close_connection = True
        else:
            sent[body["input"]] = pcm
            kind = "audio/mpeg" if mode == "mislabeled" else "audio/pcm"
            self._chunked(kind, _cut(pcm))
        self.server.responses.append((body["input"], sent.get(body["input"], b"")))

    def _litellm_get(self) -> None:
        path = urlsplit(self.path).path
        if path.endswith("/models") and not self._litellm_refused():
            self._json(200, litellm.MODELS)
        elif not path.endswith("/models"):
            self._json(404, {"detail": "Not Found"})  # no /audio/voices: FastAPI's 404

    def _litellm_refused(self) -> bool:
        """LiteLLM's own key check, as seen: no key 401, another key 400 (it looks keys
        other than the master key up in its database, and has none)."""
        key = self.server.litellm_key
        sent = self.headers.get("Authorization", "")
        if key is None or sent == f"Bearer {key}":
            return False
        if not sent:
            self._json(401, litellm.NO_KEY)
        else:
            self._json(400, litellm.NO_DB)
        return True

    def _litellm_speech(self, body: Any) -> None:
        """A speech request through LiteLLM 1.106.12: key and model checked, the body
        passed on without stream_format, the whole clip synthesized before the first
        byte, then 8192-byte pieces labelled as its speech server labelled them."""
        if self._litellm_refused():
            return
        names = [model["id"] for model in litellm.MODELS["data"]]
        if body.get("model") not in names:
            self._json(400, litellm.invalid_model(str(body.get("model"))))
            return
        self.server.forwarded.append({k: v for k, v in body.items() if k in litellm.PASSED_ON})
        text = body["input"]
        pcm = self._speech(text)
        self.server.sent[text] = pcm
        time.sleep(len(pcm) / 2 / 24_000 / self.server.synthesis_speed)
        self.server.responses.append((text, pcm))
        pieces = (pcm[i : i + 8192] for i in range(0, len(pcm), 8192))
        self._chunked("audio/pcm", pieces, headers=litellm.HEADERS)

    def _paced(self, text: str) -> None:
        frames = round(len(text) / 14 * 24_000)
        t = np.arange(frames)
        pcm = ((np.sin(t * 0.0523) * 6000) + (t * 7919 % 401) - 200).astype("<i2").tobytes()
        self.server.sent[text] = pcm
        self.server.responses.append((text, pcm))
        piece = 4800  # 0.1 s of audio

        number = len(self.server.responses)
        fraction, hold_s = self.server.paced_pauses.pop(number, (2.0, 0.0))

        def pieces() -> Iterator[bytes]:
            started = time.monotonic()
            time.sleep(self.server.first_byte_s)
            held = 0.0
            for start in range(0, len(pcm), piece):
                if not held and start >= fraction * len(pcm):
                    held = hold_s  # the server stops sending for a while, then catches up
                    time.sleep(held)
                due = started + self.server.first_byte_s + start / 48_000 / self.server.pace
                time.sleep(max(0.0, due + held - time.monotonic()))
                yield pcm[start : start + piece]

        self._chunked("audio/pcm", pieces())

    def _speech(self, text: str) -> bytes:
        if self.server.same_audio and not self.server.per_sentence:
            return same_speech_pcm(text)
        if not self.server.per_sentence:
            return speech_pcm(text)
        from reader.text.sentences import split_sentences

        speak = same_speech_pcm if self.server.same_audio else speech_pcm
        parts = [speak(s.text) for s in split_sentences(text)]
        starts = np.cumsum([0] + [len(p) // 2 for p in parts[:-1]])
        self.server.sentence_frames[text] = [int(f) for f in starts]
        return b"".join(parts)

    def _break(self, text: str, pcm: bytes) -> bool:
        """Send part of the audio, then drop or stall, if a break was set for `text`."""
        phrase = next((p for p in self.server.breaks if p in text), None)
        if phrase is None:
            return False
        kind, fraction = self.server.breaks.pop(phrase)
        part = pcm[: int(len(pcm) * fraction) // 2 * 2]
        self.server.sent[text] = part
        self.server.responses.append((text, part))
        self._chunked("audio/pcm", _cut(part), finish=False)
        if kind == "stall":
            time.sleep(self.server.stall_hold_s)
        self.close_connection = True
        return True

    def _chat(self, body: Any) -> None:
        """OpenAI chat audio as recorded: LF lines, transcript before audio, chunks with
        no `choices`, a usage chunk with `choices: []`, a last delta with only
        `expires_at` and no finish_reason, then [DONE]."""
        text = body["messages"][-1]["content"]
        pcm = speech_pcm(text)
        self.server.sent[text] = pcm
        base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-audio"}

        def choice(delta: dict[str, Any]) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta}]}

        chunks: list[dict[str, Any]] = [
            choice({"role": "assistant", "refusal": None}),
            choice({"audio": {"id": "audio_1", "transcript": text[:5]}}),
            {**base, "usage": None, "obfuscation": "x"},
        ]
        for i in range(0, len(pcm), 19_200):
            chunks.append(
                choice({"audio": {"data": base64.b64encode(pcm[i : i + 19_200]).decode()}})
            )
            chunks.append({**base, "obfuscation": "abc"})  # no choices at all
        chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 10, "total_tokens": 20}})
        chunks.append(choice({"audio": {"expires_at": 1}}))
        stream = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        self._chunked("text/event-stream", _cut(stream + b"data: [DONE]\n\n"))

    def _gemini(self, body: Any) -> None:
        text = body["contents"][0]["parts"][0]["text"]
        mode = self.server.mode
        if mode == "gemini-bad-key":
            raw = json.dumps([GOOGLE_KEY_INVALID], indent=2).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
            return
        if mode == "gemini-other" or (mode == "gemini-other-once" and not self.server.other_sent):
            self.server.other_sent = True
            empty = {"candidates": [{"content": {}, "finishReason": "OTHER", "index": 0}]}
            self._chunked("text/event-stream", _sse_events([empty]))
            return
        pcm = speech_pcm(text)
        if mode == "gemini-error":
            pcm = pcm[: len(pcm) // 2]  # half the audio, then an error without `data:`
        self.server.sent[text] = pcm
        # Gemini 3.8 answers with a whole WAV file, RIFF header and real sizes included.
        payload = _wav_header(size=len(pcm)) + pcm if "wav" in self.server.gemini_mime else pcm
        events = []
        piece = self.server.gemini_piece
        for i in range(0, len(payload), piece):
            data = base64.b64encode(payload[i : i + piece]).decode()
            part = {"inlineData": {"mimeType": self.server.gemini_mime, "data": data}}
            events.append({"candidates": [{"content": {"role": "model", "parts": [part]}}]})
        if mode == "gemini-error":
            error = {"error": {"code": 500, "message": "Internal error.", "status": "INTERNAL"}}
            tail = json.dumps(error, indent=2).encode() + b"\r\n"
        else:
            events.append({"candidates": [{"content": {"parts": []}, "finishReason": "STOP"}]})
            tail = b""
        self._chunked("text/event-stream", _cut(b"".join(_sse_events(events)) + tail))

    def _elevenlabs(self, body: Any) -> None:
        """ElevenLabs' with-timestamps stream: one JSON object per line, each with its audio
        and the start time of each of its characters."""
        text = body["text"]
        pcm = speech_pcm(text)
        self.server.sent[text] = pcm
        frames = len(pcm) // 2
        per_char = frames / max(1, len(text))
        self.server.char_frames[text] = [round(i * per_char) for i in range(len(text))]
        lines = []
        pieces = max(1, len(pcm) // 4800)
        for n in range(pieces):
            audio = pcm[n * len(pcm) // pieces // 2 * 2 : (n + 1) * len(pcm) // pieces // 2 * 2]
            first, last = n * len(text) // pieces, (n + 1) * len(text) // pieces
            starts = [self.server.char_frames[text][i] / 24_000 for i in range(first, last)]
            alignment = {
                "characters": list(text[first:last]),
                "character_start_times_seconds": starts,
                "character_end_times_seconds": starts,
            }
            lines.append(
                {
                    "audio_base64": base64.b64encode(audio).decode(),
                    "alignment": alignment,
                    "normalized_alignment": alignment,
                }
            )
        stream = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        self._chunked("application/json", _cut(stream))

    def _fail(self) -> bool:
        failures = self.server.failures
        if not failures or failures[0].method not in ("", self.command):
            return False
        failure = failures.pop(0)
        self.send_response(failure.status)
        self.send_header("Content-Type", failure.content_type)
        self.send_header("Content-Length", str(len(failure.body)))
        for name, value in failure.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(failure.body)
        return True

    def _json(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _sse(self, pcm: bytes, done: bool, error: Any = None) -> Iterator[bytes]:
        # OpenAI's recorded speech SSE: data lines only, CRLF, 4096-byte deltas.
        stream = b""
        for i in range(0, len(pcm), 4096):
            delta = base64.b64encode(pcm[i : i + 4096]).decode()
            stream += (
                b"data: "
                + json.dumps({"type": "speech.audio.delta", "audio": delta}).encode()
                + b"\r\n\r\n"
            )
        if error is not None:
            return _cut(stream + b"data: " + json.dumps(error).encode() + b"\r\n\r\n")
        usage = {"input_tokens": 10, "output_tokens": 93, "total_tokens": 103}
        stream += (
            b"data: "
            + json.dumps({"type": "speech.audio.done", "usage": usage}).encode()
            + b"\r\n\r\n"
        )
        if done:
            stream += b"data: [DONE]\r\n\r\n"
        return _cut(stream)

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up (a cancelled request): normal, not a server error

    def _chunked(
        self,
        content_type: str,
        pieces: Iterator[bytes],
        finish: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        if finish:
            self.wfile.write(b"0\r\n\r\n")


def _cut(data: bytes) -> Iterator[bytes]:
    position, index = 0, 0
    while position < len(data):
        size = CUTS[index % len(CUTS)]
        yield data[position : position + size]
        position += size
        index += 1


def _sse_events(events: list[Any]) -> Iterator[bytes]:
    return _cut(b"".join(b"data: " + json.dumps(e).encode() + b"\r\n\r\n" for e in events))


def _mp3(pcm: bytes) -> bytes:
    """`pcm` (s16le, 24 kHz) as MP3: bare frames, no ID3 tag, as edge-tts sends it."""
    import io

    import soundfile

    out = io.BytesIO()
    soundfile.write(out, np.frombuffer(pcm, dtype="<i2"), 24_000, format="MP3")
    return out.getvalue()


def _wav_header(rate: int = 24_000, size: int | None = None) -> bytes:
    # What OpenAI streams: RIFF and data sizes 0xFFFFFFFF (providers.md §1); a file's
    # real sizes when `size` (bytes of audio) is known.
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    riff = 0xFFFFFFFF if size is None else 36 + size
    data = 0xFFFFFFFF if size is None else size
    return (
        b"RIFF"
        + struct.pack("<I", riff)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data)
    )
