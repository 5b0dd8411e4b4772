"""Kokoro-82M (int8 ONNX) with the voices a person downloaded (`reader voices install`),
run by onnxruntime directly: no kokoro-onnx, no phonemizer (both GPL). English phonemes
come from hibari's converter (misaki's rules and lexicons, Kokoro's own alphabet).

The model loads on the first request, on the fetch worker's thread. On 2 cores it runs
at about 1.5x real time: a sentence takes about as long to make as to hear, so the
first audio waits for the first sentence.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Generator
from typing import Any

import numpy as np

from reader.audio.format import AudioFormat
from reader.errors import NotFound, Remedy, SynthesisFailed
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice, WordTiming
from reader.voices.catalogue import KOKORO_LANGUAGES
from reader.voices.store import VoiceStore

log = logging.getLogger(__name__)

FORMAT = AudioFormat(24_000, 1)
MODEL = "kokoro-v1.0-int8.onnx"
_PREFIX = "kokoro-"
_STYLE = 256
_MAX_PHONEMES = 400  # the model takes 510 tokens; hibari cuts long sentences here too


class KokoroEngine:
    """The model session and the English phonemizers, made on first use, shared."""

    def __init__(self, model_path: str) -> None:
        self._model_path = model_path
        self._lock = threading.Lock()
        self._session: Any = None
        self._vocab: dict[str, int] = {}
        self._g2p: dict[bool, Any] = {}
        self._styles: dict[str, np.ndarray[Any, np.dtype[np.float32]]] = {}

    def _load(self) -> None:
        if self._session is not None:
            return
        import onnxruntime as ort
        from hibari import tts

        options = ort.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            self._model_path, options, providers=["CPUExecutionProvider"]
        )
        with open(os.path.join(tts.ASSETS, "vocab.json"), encoding="utf-8") as vocab:
            self._vocab = json.load(vocab)

    def sentences(self, text: str) -> list[tuple[int, str]]:
        from hibari.tts import Hibari

        found, position = [], 0
        for sentence in Hibari.split_sentences(text):
            at = text.find(sentence, position)
            at = position if at < 0 else at
            found.append((at, sentence))
            position = at + len(sentence)
        return found

    def synthesize(
        self, sentence: str, style_path: str, british: bool, speed: float
    ) -> np.ndarray[Any, np.dtype[np.int16]]:
        with self._lock:
            self._load()
            styles = self._style(style_path)
            parts = []
            for phonemes in self._phonemes(sentence, british):
                ids = [0, *(self._vocab[c] for c in phonemes if c in self._vocab), 0]
                if len(ids) < 3:
                    continue
                style = styles[min(len(ids) - 2, len(styles) - 1)]
                (audio,) = self._session.run(
                    None,
                    {
                        "tokens": np.asarray([ids], np.int64),
                        "style": style,
                        "speed": np.asarray([speed], np.float32),
                    },
                )
                parts.append(np.asarray(audio, np.float32).reshape(-1))
        if not parts:
            return np.zeros(0, np.int16)
        joined = np.concatenate(parts)
        pcm: np.ndarray[Any, np.dtype[np.int16]] = (np.clip(joined, -1, 1) * 32767).astype(np.int16)
        return pcm

    def _style(self, path: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        if path not in self._styles:
            self._styles[path] = np.fromfile(path, dtype=np.float32).reshape(-1, 1, _STYLE)
        return self._styles[path]

    def _phonemes(self, sentence: str, british: bool) -> list[str]:
        if british not in self._g2p:
            from hibari.g2p import G2P

            self._g2p[british] = G2P(british=british)
        text = self._g2p[british](sentence)
        if len(text) <= _MAX_PHONEMES:
            return [text] if text else []
        pieces, current = [], ""
        for part in text.replace("; ", ", ").split(", "):
            if current and len(current) + len(part) + 2 > _MAX_PHONEMES:
                pieces.append(current)
                current = part
            else:
                current = f"{current}, {part}" if current else part
        return [*pieces, current] if current else pieces


class KokoroProvider:
    """The Kokoro voices installed from the catalogue (English ones: see the README)."""

    id = "kokoro"
    display_name = "Kokoro (downloaded voices)"
    needs_key = False
    concurrency = 1
    runs_here = True
    cache_scope = "kokoro-v1.0-int8"  # synthesized near real time here: worth keeping

    def __init__(self, store: VoiceStore) -> None:
        self._store = store
        self._engine: KokoroEngine | None = None

    def close(self) -> None:
        pass

    def voices(self) -> list[Voice]:
        return [
            Voice(v.name.removeprefix(_PREFIX), v.name, v.language, v.gender)
            for v in self._store.catalogue.voices
            if v.engine == "kokoro" and v.language in KOKORO_LANGUAGES and self._store.installed(v)
        ]

    def models(self) -> list[str]:
        return ["kokoro-82m-v1.0-int8"]

    def default_voice(self) -> str:
        installed = [voice.id for voice in self.voices()]
        return "af_heart" if "af_heart" in installed or not installed else installed[0]

    def default_model(self) -> str:
        return "kokoro-82m-v1.0-int8"

    def max_chars(self, model: str) -> int:
        return 600

    def audio_format(self, model: str) -> AudioFormat:
        return FORMAT

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        entry = self._store.catalogue.find(_PREFIX + request.voice)
        if entry is None or entry.engine != "kokoro" or not self._store.installed(entry):
            name = _PREFIX + request.voice
            raise NotFound(
                f"The Kokoro voice '{request.voice}' is not installed.",
                Remedy(
                    f"Install it with `reader voices install {name}`.",
                    "Install it in Settings → Voices.",
                    "voices",
                    name if entry is not None else None,
                ),
            )
        model, style = (self._store.path(file) for file in entry.files)
        if self._engine is None:
            self._engine = KokoroEngine(str(model))
        engine = self._engine
        british = entry.language == "en-GB"
        speed = min(2.0, max(0.5, request.speed))
        frame = 0
        try:
            for offset, sentence in engine.sentences(request.text):
                if cancel.cancelled:
                    return
                pcm = engine.synthesize(sentence, str(style), british, speed)
                yield AudioChunk(pcm.reshape(-1, 1), FORMAT, (WordTiming(offset, frame),))
                frame += len(pcm)
        except (ImportError, OSError, RuntimeError) as error:
            raise SynthesisFailed(f"The Kokoro voice could not run ({error}).") from None
        if frame == 0:
            yield AudioChunk(np.zeros((0, 1), np.int16), FORMAT)
