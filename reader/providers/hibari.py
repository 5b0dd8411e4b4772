"""The built-in natural voice: hibari (Apache-2.0), a small model distilled from Kokoro's
af_heart, inside its wheel, run by onnxruntime; eSpeak NG for what it cannot speak.

Nothing here downloads: the model is opened by its path in the wheel, never through
hibari's voice registry (which fetches the other voices from the network on first use).
The model loads on the first request, on the fetch worker's thread, so making the
provider (at the window's start) costs nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator, Iterator
from typing import Any

import numpy as np

from reader.audio.format import AudioFormat
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice, WordTiming
from reader.providers.espeak import EspeakEngine, OfflineProvider
from reader.providers.offline_choice import NATURAL, choose
from reader.voices.catalogue import CatalogueVoice
from reader.voices.store import VoiceStore

log = logging.getLogger(__name__)

HIBARI_VERSION = "0.2.1"  # pinned in pyproject.toml; part of the cache key
FORMAT = AudioFormat(24_000, 1)
AUTO = "auto"
HEART = "heart"
# hibari's own range; Reader's wider one is clamped to it (eSpeak's to 80–450 wpm).
_MIN_SPEED, _MAX_SPEED = 0.5, 2.0
_FALLBACK_VOICE = "en-US"
_DOWNLOADED = "hibari-"  # the catalogue's prefix for hibari's other voices
# The model pads every sentence with about 0.3 s of silence before and 0.45 s after:
# 0.75 s between two sentences, a hesitation. Kept: a soft onset before the first sound
# and, after the last, a pause as long as a reader's between sentences (Settings adds
# more where a person wants it).
_WINDOW = 240  # 10 ms
_VOICED_RMS = 80 / 32767
_KEEP_BEFORE, _KEEP_AFTER = 0.05, 0.25


class HibariEngine:
    """The model and its text-to-phoneme converter, loaded once on first use.

    `load()` returns False (after logging one line) where onnxruntime or the model
    cannot load: an old glibc, a missing VC++ runtime, a CPU it was not built for.
    """

    def __init__(self, model: str = "", voice: str = HEART) -> None:
        # The wheel's own model unless a downloaded voice's file is named.
        self._model = model
        self._voice = voice
        self._lock = threading.Lock()
        self._tts: Any = None
        self.failure = ""

    def load(self) -> bool:
        with self._lock:
            if self._tts is None and not self.failure:
                try:
                    self._tts = _open_model(self._model, self._voice)
                except Exception as error:  # ImportError, OSError, onnxruntime's own
                    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    self.failure = first
                    log.warning(
                        "The natural voice could not start (%s); reading with eSpeak NG.", first
                    )
            return self._tts is not None

    @property
    def loaded(self) -> bool:
        return self._tts is not None

    def sentences(self, text: str) -> list[tuple[int, str]]:
        """The sentences hibari reads at once, with where each starts in `text`."""
        found = []
        position = 0
        for sentence in self._tts.split_sentences(text):
            at = text.find(sentence, position)
            at = position if at < 0 else at
            found.append((at, sentence))
            position = at + len(sentence)
        return found

    def synthesize(self, sentence: str, speed: float) -> np.ndarray[Any, np.dtype[np.int16]]:
        """One sentence as int16 PCM. The noise is seeded, so the same sentence always
        sounds the same (a replay matches the cache and an export matches playback)."""
        with self._lock:
            tts = self._tts
            parts = [
                _trim(tts.from_ids(tts.ids(phonemes), speed, np.random.default_rng(0)))
                for phonemes in tts.phonemize(sentence)
            ]
        if not parts:
            return np.zeros(0, np.int16)
        audio: np.ndarray[Any, np.dtype[np.float32]] = np.concatenate(parts)
        pcm: np.ndarray[Any, np.dtype[np.int16]] = (np.clip(audio, -1.0, 1.0) * 32767.0).astype(
            np.int16
        )
        return pcm


def _trim(audio: np.ndarray[Any, np.dtype[np.float32]]) -> np.ndarray[Any, Any]:
    """`audio` without the model's long silences around the speech."""
    windows = len(audio) // _WINDOW
    if windows == 0:
        return audio
    framed = audio[: windows * _WINDOW].reshape(windows, _WINDOW)
    voiced = np.flatnonzero(np.sqrt(np.mean(framed * framed, axis=1)) > _VOICED_RMS)
    if len(voiced) == 0:
        return audio
    start = max(0, voiced[0] * _WINDOW - round(_KEEP_BEFORE * FORMAT.sample_rate))
    end = min(len(audio), (voiced[-1] + 1) * _WINDOW + round(_KEEP_AFTER * FORMAT.sample_rate))
    return audio[start:end]


def _open_model(model: str, voice: str) -> Any:
    import os

    from hibari import tts

    # Always a model's path: without one, hibari.voices downloads what is not in the
    # wheel. The voice name only picks the phoneme rules (British for emma and fable).
    path = model or os.path.join(tts.ASSETS, "hibari.onnx")
    return tts.Hibari(voice=voice, model=path, threads=1)


class NaturalProvider:
    """English in the natural voice; other languages, and everything where the natural
    voice cannot start, in eSpeak NG at the same 24 kHz. Voice "auto" chooses per
    request by the text (`offline_choice`); "heart" is always the natural voice."""

    id = "natural"
    display_name = "Natural voice (built-in)"
    needs_key = False
    concurrency = 1
    runs_here = True

    def __init__(
        self,
        engine: HibariEngine,
        espeak: EspeakEngine | None = None,
        downloaded: VoiceStore | None = None,
    ) -> None:
        self._engine = engine
        self._espeak = OfflineProvider(espeak)
        self._store = downloaded  # hibari's other voices, from `reader voices install`
        self._engines: dict[str, HibariEngine] = {}

    @property
    def cache_scope(self) -> str:
        # Cached, so a seek back or an export reuses what was heard; where eSpeak stands
        # in, not cached (its audio must not be found later under the natural voice).
        return "" if self._engine.failure else f"builtin:hibari-{HIBARI_VERSION}"

    def close(self) -> None:
        pass  # the engine lives as long as the registry that made it

    def voices(self) -> list[Voice]:
        return [
            Voice(AUTO, "Automatic (follows the text's language)"),
            Voice(HEART, "Heart (natural American English)", "en-US", "female"),
            *(
                Voice(name, f"{name.capitalize()} (natural, downloaded)", entry.language, gender)
                for name, entry, gender in self._downloaded()
            ),
        ]

    def _downloaded(self) -> list[tuple[str, CatalogueVoice, str]]:
        if self._store is None:
            return []
        return [
            (entry.name.removeprefix(_DOWNLOADED), entry, entry.gender)
            for entry in self._store.catalogue.voices
            if entry.engine == "hibari" and self._store.installed(entry)
        ]

    def _engine_for(self, voice: str) -> HibariEngine:
        if voice in (AUTO, HEART) or self._store is None:
            return self._engine
        for name, entry, _ in self._downloaded():
            if name == voice:
                path = str(self._store.path(entry.files[0]))
                if voice not in self._engines:
                    self._engines[voice] = HibariEngine(path, voice)
                return self._engines[voice]
        return self._engine

    def models(self) -> list[str]:
        return ["hibari"]

    def default_voice(self) -> str:
        return AUTO

    def default_model(self) -> str:
        return "hibari"

    def max_chars(self, model: str) -> int:
        return 1000

    def audio_format(self, model: str) -> AudioFormat:
        return FORMAT

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        if request.voice == AUTO:
            choice = choose(request.text)
            natural, espeak_voice = choice.engine == NATURAL, choice.voice or _FALLBACK_VOICE
        else:
            natural, espeak_voice = True, _FALLBACK_VOICE
        engine = self._engine_for(request.voice)
        if natural and engine.load():
            yield from self._natural(engine, request, cancel)
        else:
            yield from self._espeak_at_24k(request, espeak_voice, cancel)

    def _natural(
        self, engine: HibariEngine, request: SpeechRequest, cancel: CancelToken
    ) -> Iterator[AudioChunk]:
        speed = min(_MAX_SPEED, max(_MIN_SPEED, request.speed))
        frame = 0
        for offset, sentence in engine.sentences(request.text):
            if cancel.cancelled:
                return
            pcm = engine.synthesize(sentence, speed)
            yield AudioChunk(pcm.reshape(-1, 1), FORMAT, (WordTiming(offset, frame),))
            frame += len(pcm)
        if frame == 0:
            yield AudioChunk(np.zeros((0, 1), np.int16), FORMAT)

    def _espeak_at_24k(
        self, request: SpeechRequest, voice: str, cancel: CancelToken
    ) -> Iterator[AudioChunk]:
        import soxr

        source = self._espeak.audio_format("").sample_rate
        ratio = FORMAT.sample_rate / source
        resampler = soxr.ResampleStream(source, FORMAT.sample_rate, 1, dtype="int16")
        spoken = SpeechRequest(request.text, voice, speed=request.speed)
        out_frames = 0
        for chunk in self._espeak.stream(spoken, cancel):
            pcm = resampler.resample_chunk(chunk.pcm.reshape(-1))
            timings = tuple(
                WordTiming(t.char_offset, max(out_frames, round(t.frame * ratio)))
                for t in chunk.timings
            )
            out_frames += len(pcm)
            yield AudioChunk(pcm.reshape(-1, 1), FORMAT, timings)
        tail = resampler.resample_chunk(np.zeros(0, np.int16), last=True)
        yield AudioChunk(tail.reshape(-1, 1), FORMAT)
