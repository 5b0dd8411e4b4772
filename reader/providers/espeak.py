"""The offline voice: espeak-ng from the espeakng-loader wheel, through ctypes."""

from __future__ import annotations

import ctypes
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np

from reader.audio.format import AudioFormat
from reader.errors import NotFound, Remedy, SynthesisFailed
from reader.providers.base import AudioChunk, CancelToken, SpeechRequest, Voice, WordTiming

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_BUFFER_MS = 100
_CHARS_UTF8 = 0x1
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
_RATE_PARAMETER = 1
_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_SENTENCE = 0, 1, 2
_DEFAULT_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450
# espeak-ng copies its data path into a 160-byte buffer and exits the process when the
# path does not fit; a longer path is copied under a short one first.
_MAX_DATA_PATH = 150


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class EspeakEngine:
    """The espeak-ng library: one per process, because the C library keeps global state.

    Every call goes through `lock`; the synthesis callback reads the state of the one
    synthesis in progress from this object. Use `shared()`: a second instance would
    install its own synthesis callback over the first one's, and the first one's
    syntheses would go silent.
    """

    _shared: EspeakEngine | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> EspeakEngine:
        # The one exception to "no singletons": it mirrors the C library's own.
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self) -> None:
        import espeakng_loader

        self.lock = threading.Lock()
        self._lib: Any = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = _short_data_path(Path(espeakng_loader.get_data_path()))
        self._lib.espeak_Initialize.restype = ctypes.c_int
        rate = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, str(data_path).encode(), 0
        )
        if rate <= 0:
            raise SynthesisFailed("The offline voice (espeak-ng) could not start.")
        self.format = AudioFormat(rate, 1)
        self._lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self._callback = _SynthCallback(self._on_audio)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._sink: _Synthesis | None = None
        self._voices: list[Voice] | None = None

    def voices(self) -> list[Voice]:
        with self.lock:
            if self._voices is None:
                self._voices = self._list_voices()
            return list(self._voices)

    def _list_voices(self) -> list[Voice]:
        voices = []
        entries = self._lib.espeak_ListVoices(None)
        index = 0
        while entries[index]:
            entry = entries[index].contents
            identifier = (entry.identifier or b"").decode("utf-8", "replace")
            # `languages` is a priority byte, a language name, NUL, … ; the first counts.
            raw = ctypes.string_at(entry.languages, 64)
            language = raw[1:].split(b"\0", 1)[0].decode("ascii", "replace")
            gender = {1: "male", 2: "female"}.get(entry.gender, "")
            voices.append(
                Voice(
                    id=identifier.rsplit("/", 1)[-1],
                    name=(entry.name or b"").decode("utf-8", "replace"),
                    language=language,
                    gender=gender,
                )
            )
            index += 1
        return sorted(voices, key=lambda v: v.name.lower())

    def synthesize(self, text: str, voice: str, speed: float, sink: _Synthesis) -> None:
        """Synthesize `text` into `sink`, blocking until done or aborted by the sink."""
        with self.lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise NotFound(
                    f"The offline voice has no voice '{voice}'.",
                    Remedy("See `reader voices`.", "Choose one from the voice menu."),
                )
            wpm = round(min(_MAX_WPM, max(_MIN_WPM, _DEFAULT_WPM * speed)))
            self._lib.espeak_SetParameter(_RATE_PARAMETER, wpm, 0)
            encoded = text.encode("utf-8")
            self._sink = sink
            try:
                status = self._lib.espeak_Synth(
                    encoded,
                    len(encoded) + 1,
                    0,
                    _POS_CHARACTER,
                    0,
                    _CHARS_UTF8 | _ENDPAUSE,
                    None,
                    None,
                )
            finally:
                self._sink = None
            if status != 0 and not sink.aborted:
                raise SynthesisFailed(f"The offline voice failed (espeak-ng error {status}).")

    def _on_audio(self, wav: Any, count: int, events: Any) -> int:
        sink = self._sink
        if sink is None or sink.aborted:
            return 1  # abort the synthesis
        timings = []
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            # The first word of a sentence reports position 0; its SENTENCE event has it.
            if event.type in (_EVENT_WORD, _EVENT_SENTENCE) and event.text_position > 0:
                timings.append(WordTiming(event.text_position - 1, event.sample))
            index += 1
        pcm = np.ctypeslib.as_array(wav, shape=(count,)).copy() if count > 0 else None
        sink.put(pcm, tuple(timings))
        return 0


def _short_data_path(path: Path) -> Path:
    if len(str(path).encode()) <= _MAX_DATA_PATH:
        return path
    user = os.getuid() if hasattr(os, "getuid") else 0
    short = Path(tempfile.gettempdir()) / f"reader-espeak-{user}"
    if not (short / "phontab").exists():
        shutil.copytree(path, short, dirs_exist_ok=True)
    return short


class _Synthesis:
    """One synthesis in progress: the C callback puts audio here, the stream takes it."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.closed = False
        self.queue: queue.Queue[tuple[Any, tuple[WordTiming, ...]] | BaseException | None] = (
            queue.Queue()
        )

    @property
    def aborted(self) -> bool:
        return self.closed or self.cancel.cancelled

    def put(self, pcm: Any, timings: tuple[WordTiming, ...]) -> None:
        if pcm is not None or timings:
            self.queue.put((pcm, timings))


class OfflineProvider:
    """espeak-ng, streaming PCM while it synthesizes, with word timings."""

    id = "offline"
    display_name = "Offline voice (eSpeak NG)"
    needs_key = False
    concurrency = 1
    runs_here = True
    # Synthesized faster than a cache file is read, and free: never cached.
    cache_scope = ""

    def __init__(self, engine: EspeakEngine | None = None) -> None:
        self._engine_instance = engine

    @property
    def _engine(self) -> EspeakEngine:
        if self._engine_instance is None:
            self._engine_instance = EspeakEngine.shared()
        return self._engine_instance

    def close(self) -> None:
        pass  # the engine is shared by the whole process

    def voices(self) -> list[Voice]:
        return self._engine.voices()

    def models(self) -> list[str]:
        return ["espeak-ng"]

    def default_voice(self) -> str:
        return "en-US"

    def default_model(self) -> str:
        return "espeak-ng"

    def max_chars(self, model: str) -> int:
        return 2000

    def audio_format(self, model: str) -> AudioFormat:
        return self._engine.format

    def stream(
        self, request: SpeechRequest, cancel: CancelToken
    ) -> Generator[AudioChunk, None, None]:
        engine = self._engine
        synthesis = _Synthesis(cancel)

        def run() -> None:
            try:
                engine.synthesize(request.text, request.voice, request.speed, synthesis)
            except BaseException as error:
                synthesis.queue.put(error)
            finally:
                synthesis.queue.put(None)

        worker = threading.Thread(target=run, name="espeak-synthesis", daemon=True)
        worker.start()
        try:
            while True:
                item = synthesis.queue.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                pcm, timings = item
                if pcm is None:
                    pcm = np.zeros(0, dtype=np.int16)
                yield AudioChunk(pcm.reshape(-1, 1), engine.format, timings)
        finally:
            # Closed early (stop, error downstream): make the C callback abort, then wait
            # for the library to return so no synthesis outlives its reading.
            synthesis.closed = True
            worker.join()
