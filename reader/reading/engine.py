"""A Reading: text plan → provider requests ahead of playback → ordered audio → output."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

import numpy as np

from reader.audio.buffer import PlaybackBuffer
from reader.audio.format import AudioFormat, Pcm
from reader.audio.output import CALLBACK_FRAMES, OutputFactory
from reader.errors import ReaderError, StreamBroken, UsageError
from reader.providers.base import AudioChunk, Provider
from reader.reading.cache import AudioCache
from reader.reading.controls import Controls, SeekRequested, StopRequested
from reader.reading.cost import Tally
from reader.reading.events import (
    BufferingChanged,
    Event,
    Failed,
    Finished,
    Progress,
    Retrying,
    SentenceStarted,
    Started,
    State,
    Stopped,
    Voicing,
)
from reader.reading.fetch import ChunkSlot, Fetcher, may_retry
from reader.reading.pace import EndpointPace
from reader.reading.planner import Planner
from reader.reading.playback import Playback
from reader.reading.progress import snapshot
from reader.reading.rejoin import Rejoin
from reader.reading.timeline import Timeline
from reader.reading.whole import WholeChunks
from reader.text.sentences import Chunk, Sentence, split_sentences

log = logging.getLogger(__name__)

# How often the pump looks at counters when no audio arrives. New audio wakes it at once
# (a queue), Stop/Pause act on the output from the caller's thread, and the GUI reads
# the heard sentence from its own 30 Hz poll, so this only bounds how late a
# SentenceStarted event can be. Each wake-up costs ~0.1 ms of CPU on a small machine:
# polling every 10 ms cost 10 ms of CPU per second of audio (bench/cpu.py).
_POLL_S = 0.1


class Reading:
    """Reads `text` aloud (and/or into `on_audio`) on its own threads.

    Fetch workers stream chunks from the provider ahead of playback, up to `lookahead_s`
    of audio (else what `pace` learned the endpoint needs) and `provider.concurrency`
    requests at once. A pump thread moves audio in order into the playback, which starts
    the device on the first audio, and reports through `on_event` (called from engine
    threads; keep it quick and thread-safe). `on_audio` (an export) gets each chunk's
    audio only once its request ended well (`WholeChunks`), so a broken stream is not in it.
    """

    def __init__(
        self,
        text: str,
        provider: Provider,
        voicing: Voicing,
        output: OutputFactory | None,
        on_event: Callable[[Event], None] = lambda event: None,
        on_audio: Callable[[Pcm, AudioFormat], None] | None = None,
        start_sentence: int = 0,
        lookahead_s: float | None = None,
        max_queued_s: float = 1.0,
        sentences: Sequence[Sentence] | None = None,
        cache: AudioCache | None = None,
        pauses: tuple[float, float] = (0.0, 0.0),
        tally: Tally | None = None,
        pace: EndpointPace | None = None,
    ) -> None:
        # `sentences` as prepared for speech (reader.text.prepare), offsets into `text`.
        self.sentences: Sequence[Sentence] = (
            split_sentences(text) if sentences is None else sentences
        )
        if not self.sentences:
            raise UsageError("Nothing to read: the text is empty or has no words.")
        # Made here, where the reading is prepared (off the GUI thread): for a megabyte
        # of text the window's copy of them took 13 ms of its event loop.
        self.spans: tuple[tuple[int, int], ...] = tuple((s.start, s.end) for s in self.sentences)
        self.text = text
        self._provider = provider
        self._voicing = voicing
        self._on_event = on_event
        # What an export gets: each chunk once and whole, however its stream went.
        self.saved = WholeChunks(on_audio, voicing.speed) if on_audio is not None else None
        self._start_sentence = min(max(0, start_sentence), len(self.sentences) - 1)
        self._max_queued_s = max_queued_s
        fmt = provider.audio_format(voicing.model)
        self._playback = Playback(output, fmt)
        self.timeline = Timeline(fmt.sample_rate, voicing.speed)
        self._controls = Controls(len(self.sentences))
        # A fixed look-ahead when given; else learned from the endpoint's answers (pace).
        self._fetcher = Fetcher(provider, voicing, self._emit, cache, tally, pace, lookahead_s)
        self._slots: list[ChunkSlot] = []
        self._planner = Planner(self.sentences, lambda: provider.max_chars(voicing.model), pauses)
        self._audio_in_pass = False
        self._current_slot = 0
        self._state = State.CONNECTING
        self._last_sentence: int | None = None
        self._buffering = False
        self._done = threading.Event()
        self._pump = threading.Thread(target=self._run, name="reader-pump", daemon=True)
        self.error: ReaderError | None = None

    # -- control, from any thread -------------------------------------------------------

    def start(self) -> None:
        self._pump.start()

    def pause(self) -> None:
        if self._state in (State.FINISHED, State.STOPPED, State.FAILED):
            return
        self._playback.pause()
        self._state = State.PAUSED

    def resume(self) -> None:
        if not self._playback.paused:
            return
        self._playback.resume()
        self._state = State.PLAYING if self._playback.started else State.CONNECTING

    def stop(self) -> None:
        """Silence now; threads wind down on their own (join with `wait`)."""
        self._controls.stop()
        self._fetcher.cancel_all()
        self._playback.close()

    def seek(self, sentence: int) -> None:
        """Continue reading from `sentence` (clamped to the text). Like a step, it leaves
        requests in flight alone: the next pass takes over their paid-for audio."""
        self._controls.seek(sentence)

    def next_sentence(self) -> None:
        self._controls.step(self.current_sentence(), 1)

    def previous_sentence(self) -> None:
        self._controls.step(self.current_sentence(), -1)

    def replay_sentence(self) -> None:
        self._controls.step(self.current_sentence(), 0)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the reading to end; joins every thread it started."""
        if not self._done.wait(timeout):
            return False
        self._pump.join(timeout)
        return True

    # -- state, from any thread ---------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def audio_format(self) -> AudioFormat:
        return self._playback.format

    @property
    def buffer(self) -> PlaybackBuffer:
        return self._playback.buffer

    def characters_to_synthesize(self) -> int:
        """Characters this reading will send to the provider, leaving out what the cache
        holds (call before `start`: the price to show first)."""
        plan = self._plan_from(self._start_sentence)
        return sum(len(chunk.text) for chunk in plan if not self._fetcher.cached(chunk.text))

    @property
    def requests(self) -> int:
        """Requests sent to the provider so far (audio from the cache is not requested)."""
        return self._fetcher.requests

    @property
    def delivered_frames(self) -> int:
        """Frames handed on in play order: to the output, or to `on_audio` without one."""
        return self._playback.delivered_frames

    def heard_frames(self) -> int:
        return self._playback.heard_frames()

    def current_sentence(self) -> int | None:
        return self.timeline.sentence_at(self.heard_frames())

    def progress(self) -> Progress:
        playback, first = self._playback, self._start_sentence
        return snapshot(self._state, playback, self.timeline, self.sentences, first, len(self.text))

    # -- the pump thread ----------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not kill the reading
            log.exception("event listener failed")

    def _run(self) -> None:
        try:
            self._playback.open(self._playback.format)
            start = self._start_sentence
            while True:
                try:
                    self._play_from(start)
                    break
                except SeekRequested as seek:
                    start = seek.sentence
            self._state = State.FINISHED
            self._emit(Finished())
        except StopRequested:
            self._state = State.STOPPED
            self._emit(Stopped())
        except ReaderError as error:
            self._fail(error)
        except Exception as error:
            log.exception("reading failed")
            self._fail(ReaderError(f"Reading failed unexpectedly: {error}"))
        finally:
            self._fetcher.cancel_all()
            self._playback.close()
            self._fetcher.join()
            self._done.set()

    def _fail(self, error: ReaderError) -> None:
        self.error = error
        self._state = State.FAILED
        self._emit(Failed(error))

    def _play_from(self, first_sentence: int) -> None:
        self._audio_in_pass = False
        old = self._slots[self._current_slot :]
        self._slots = self._planner.pass_from(first_sentence, self._fetcher, old, self.timeline)
        self._fetcher.new_pass(self._slots)
        index = 0
        while index < len(self._slots):  # the plan may be cut finer as it plays
            self._current_slot = index
            self._schedule()
            self._stream_slot(self._slots[index])
            self._slots[index].kept, self._slots[index].played = [], True
            index += 1
        self._playback.end()
        self._start(force=True)  # a text shorter than the device buffer still plays
        while not self._playback.wait_until_finished(_POLL_S):
            self._check_controls()
            self._tick()
        self._tick()

    def _plan_from(self, first: int) -> list[Chunk]:
        return self._planner.plan_from(first, self._fetcher.buffering)

    def _stream_slot(self, slot: ChunkSlot) -> None:
        began = False
        while True:
            item = self._next_item(slot)
            if item is None:
                if slot.cancel.cancelled:
                    # Cut short by a stop or a seek, never a whole chunk: act on it.
                    self._check_controls()
                    raise StreamBroken("A request was cancelled before its audio ended.")
                break
            if isinstance(item, BaseException):
                if began and may_retry(item, slot.attempt):
                    self._ask_again(slot, item)
                    return
                raise item
            if not began:
                self._pause_before()
                if slot.rejoin is None:
                    self.timeline.begin_chunk(slot.chunk, self._playback.delivered_frames)
                began = True
                self._audio_in_pass = True
            self._take(item, slot)
        if began:
            if slot.rejoin is not None and not slot.rejoin.decided:
                self._hear(slot, slot.rejoin.finish())  # it ended before the break point
            self.timeline.end_chunk(slot.pushed_frames)
            if self.saved is not None:
                self.saved.commit(slot.chunk)
            self._start(force=True)  # all of this chunk is queued: no gap to fear

    def _pause_before(self) -> None:
        if not self._audio_in_pass:
            return  # never before the first audio
        seconds = self._planner.pause_before(self._slots, self._current_slot)
        frames = self._playback.format.frames(seconds)
        if self.saved is not None:
            self.saved.pause(max(0, frames))
        silence = np.zeros((max(0, frames), self._playback.format.channels), np.int16)
        for start in range(0, len(silence), CALLBACK_FRAMES * 4):
            self._deliver(silence[start : start + CALLBACK_FRAMES * 4])

    def _ask_again(self, slot: ChunkSlot, error: BaseException) -> None:
        """The stream of `slot` broke after some of its audio was queued: ask again for
        the chunk, to be heard from the sentence it broke in; what was queued plays on,
        and an export gets none of the broken stream."""
        rate = self._playback.format.sample_rate
        rejoin = Rejoin.after(slot.rejoin, self.timeline, slot.pushed_frames, rate)
        self.timeline.abandon_chunk()
        if self.saved is not None:
            self.saved.abandon()
        retry = self._planner.ask_again(self._slots, slot, rejoin)
        log.warning("%s; asking again (retry %d)", str(error).rstrip("."), retry.attempt)
        self._emit(Retrying(retry.delay, str(error)))

    def _next_item(self, slot: ChunkSlot) -> AudioChunk | BaseException | None:
        while True:
            self._check_controls()
            self._tick()
            self._schedule()
            self._start()
            if slot.replay:
                return slot.replay.pop()
            try:
                return slot.queue.get(timeout=_POLL_S)
            except queue.Empty:
                continue

    def _take(self, audio: AudioChunk, slot: ChunkSlot) -> None:
        playback = self._playback
        if audio.format != playback.format:
            if playback.started:
                raise StreamBroken("The provider changed audio format in the middle of a reading.")
            playback.open(audio.format)
            self.timeline = Timeline(audio.format.sample_rate, self._voicing.speed)
            if slot.rejoin is None:
                self.timeline.begin_chunk(slot.chunk, 0)
        if self.saved is not None:
            self.saved.add(audio.pcm, audio.format, audio.timings)
        slot.pushed_frames += len(audio.pcm)
        slot.kept.append(audio)  # a seek inside this chunk hears it again from here
        rejoin = slot.rejoin
        self._hear(slot, audio.pcm if rejoin is None else rejoin.take(audio.pcm, audio.timings))
        self.timeline.add_timings(audio.timings)
        self.timeline.audio_received(slot.pushed_frames)
        self._start()

    def _hear(self, slot: ChunkSlot, pcm: Pcm) -> None:
        if slot.rejoin is not None:  # a chunk asked for again: from the sentence it broke in
            slot.rejoin.begin(self.timeline, slot.chunk, self._playback.delivered_frames)
        if len(pcm):
            self._deliver(pcm)

    def _deliver(self, block: Pcm) -> None:
        """Hand `block` on to the output, in play order."""
        self._playback.wait_for_room(self._max_queued_s, self._while_draining, _POLL_S)
        self._playback.push(block)

    def _start(self, force: bool = False) -> None:
        if self._playback.try_start(force):
            self._state = State.PLAYING
            self._emit(Started())

    def _while_draining(self) -> None:
        self._check_controls()
        self._tick()
        self._schedule()  # the next request starts as soon as the last one finished

    def _check_controls(self) -> None:
        try:
            self._controls.check()
        except SeekRequested:
            if self.saved is not None:
                self.saved.skip()
            self._playback.restart()
            self._last_sentence = None
            if not self._playback.paused:
                self._state = State.CONNECTING
            raise

    def _tick(self) -> None:
        """Turn counters into events: heard sentence changes, buffering."""
        sentence = self.current_sentence()
        if sentence is not None and sentence != self._last_sentence:
            self._last_sentence = sentence
            self._emit(SentenceStarted(sentence))
        playback = self._playback
        if not playback.has_device or not playback.started or playback.paused:
            return
        dry = playback.queued_frames() == 0 and not playback.buffer.ended
        if dry != self._buffering:
            self._buffering = dry
            self._state = State.BUFFERING if dry else State.PLAYING
            self._emit(BufferingChanged(dry))

    def _schedule(self) -> None:
        if self._fetcher.buffering:
            finer = self._planner.one_sentence_each(self._slots, self._current_slot)
            if finer is not None:
                self._slots = finer
        queued = self._playback.queued_frames()
        self._fetcher.schedule(self._slots, self._current_slot, queued, self._planner.prefer_cached)
