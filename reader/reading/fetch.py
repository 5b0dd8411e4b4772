"""Fetching ahead: one worker thread per chunk request, within the provider's limits."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from reader.audio.decode import BLOCK_FRAMES
from reader.errors import (
    ConnectionDropped,
    ProviderUnavailable,
    RateLimited,
    ReaderError,
    StreamBroken,
)
from reader.providers.base import AudioChunk, CancelToken, Provider, SpeechRequest
from reader.reading.cache import AudioCache, CacheKey, CacheWriter
from reader.reading.cost import Tally
from reader.reading.events import Event, Retrying, Voicing
from reader.reading.pace import EndpointPace
from reader.reading.rejoin import Rejoin
from reader.text.sentences import Chunk

log = logging.getLogger(__name__)

_RETRIES = 3

# Failures that say nothing about the request itself: sent again, it may well succeed.
TRANSIENT = (ProviderUnavailable, RateLimited, ConnectionDropped)


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1-based) when the provider named
    no wait of its own."""
    return 0.5 * 2.0 ** (attempt - 1)


def may_retry(error: BaseException, attempt: int) -> bool:
    """Whether a request that failed with `error` on its `attempt`-th retry (0: the
    first try) may be sent once more."""
    return isinstance(error, TRANSIENT) and attempt < _RETRIES


class ChunkSlot:
    """One chunk's audio as it arrives from its fetch worker.

    `attempt` counts how often this chunk was asked for again after a stream broke
    mid-chunk; `delay` is how long its worker waits before the request.

    A long text has a slot per chunk from the start (14,000 for a megabyte), so a slot
    is kept small: slots and a C queue rather than a dict and `queue.Queue`'s three
    Conditions. Hundreds of thousands of small objects made each of Python's full
    garbage collections stall every thread, the window's included, for 20–50 ms.
    """

    __slots__ = (
        "chunk",
        "attempt",
        "delay",
        "queue",
        "started",
        "done",
        "received_frames",
        "pushed_frames",
        "cancel",
        "requested_at",
        "first_at",
        "last_at",
        "from_cache",
        "rejoin",
        "complete",
        "kept",
        "replay",
        "played",
    )

    def __init__(self, chunk: Chunk, attempt: int = 0, delay: float = 0.0) -> None:
        self.chunk = chunk
        self.attempt = attempt
        self.delay = delay
        self.queue: queue.SimpleQueue[AudioChunk | BaseException | None] = queue.SimpleQueue()
        self.started = False
        self.done = False
        self.received_frames = 0  # written by the worker only
        self.pushed_frames = 0  # written by the pump only
        self.cancel = CancelToken()
        # When the request went out, and when its first and last audio arrived.
        self.requested_at = self.first_at = self.last_at = 0.0
        self.from_cache = False
        # A chunk asked for again after its stream broke, or gone back to by a seek:
        # where the listener rejoins it.
        self.rejoin: Rejoin | None = None
        self.complete = False  # its audio all arrived (written by the worker only)
        # What the pump took of it so far, while it is the one heard (a seek inside it
        # replays that rather than asking again); and what to take before the queue,
        # last first.
        self.kept: list[AudioChunk] = []
        self.replay: list[AudioChunk] = []
        self.played = False  # the pump took all of it: nothing more will come


class Fetcher:
    """Starts chunk requests ahead of playback and streams each into its slot.

    Requests of one pass share a CancelToken; a seek or stop cancels it, which closes
    their connections (or aborts the synthesizer) at once.
    """

    def __init__(
        self,
        provider: Provider,
        voicing: Voicing,
        on_event: Callable[[Event], None],
        cache: AudioCache | None = None,
        tally: Tally | None = None,
        pace: EndpointPace | None = None,
        lookahead_s: float | None = None,
    ) -> None:
        self._provider = provider
        self._pace = pace or EndpointPace()
        self._fixed_lookahead_s = lookahead_s  # overrides the pace's when given
        self._tally = tally
        self._voicing = voicing
        self._emit = on_event
        self._cache = cache if provider.cache_scope else None
        self.requests = 0  # requests sent to the provider (cache hits are not requests)
        self.cancel = CancelToken()
        self._passes = [self.cancel]  # every pass's, for `cancel_all`
        self._workers: list[threading.Thread] = []
        # Set once a response showed the server sends nothing until a whole request is
        # synthesized (a buffering proxy); read by the engine to request one sentence at
        # a time from then on.
        self.buffering = False
        # The first sentence of the furthest chunk launched in this pass: no slot after
        # it is started, so counting what is in flight stops there instead of walking
        # every chunk of a long text each time audio arrives.
        self._frontier = -1

    def new_pass(self, slots: list[ChunkSlot]) -> None:
        """Start a fresh set of requests for `slots`. What is in flight goes on: its
        audio is paid for, and reaches the cache or a slot of `slots` that kept it."""
        self._passes = [token for token in self._passes if not token.cancelled]
        self.cancel = CancelToken()
        self._passes.append(self.cancel)
        started = [slot.chunk.sentences[0] for slot in slots if slot.started]
        self._frontier = max(started, default=-1)

    def cancel_all(self) -> None:
        """Stop every request, of this pass and of earlier ones."""
        for token in self._passes:
            token.cancel()

    def join(self, timeout: float = 2.0) -> None:
        for worker in self._workers:
            worker.join(timeout)
        self._workers = [w for w in self._workers if w.is_alive()]

    def schedule(
        self,
        slots: list[ChunkSlot],
        current: int,
        queued: int,
        prefer: Callable[[list[ChunkSlot], int, Callable[[str], bool]], ChunkSlot] | None = None,
    ) -> None:
        """Start requests ahead of playback (`queued` frames are waiting to be played):
        within the concurrency limit and the look-ahead, always including the chunk
        being played and the next one. `prefer` may put in a slot's place another cut
        of its text that the cache holds."""
        in_flight, ahead = 0, queued
        for index in range(current, len(slots)):
            slot = slots[index]
            if slot.chunk.sentences[0] > self._frontier:
                break  # slots are in sentence order: none from here on has started
            if slot.started:
                in_flight += not slot.done
                ahead += slot.received_frames - slot.pushed_frames
        for index in range(current, len(slots)):
            slot = slots[index]
            if slot.started:
                continue
            if in_flight >= self._provider.concurrency:
                break
            if index > current + 1 and ahead >= self._lookahead_frames(slot):
                break
            if prefer is not None and self._cache is not None:
                slot = prefer(slots, index, self.cached)
            self._launch(slot)
            in_flight += 1

    def _lookahead_frames(self, slot: ChunkSlot) -> int:
        """Audio (frames) to hold fetched before asking for `slot`'s chunk."""
        seconds = self._fixed_lookahead_s
        if seconds is None:
            seconds = self._pace.lookahead_s(len(slot.chunk.text))
        return round(seconds * self._rate(slot))

    def _launch(self, slot: ChunkSlot) -> None:
        slot.started = True
        self._frontier = max(self._frontier, slot.chunk.sentences[0])
        self.cancel.on_cancel(slot.cancel.cancel)  # the pass's cancel reaches every slot
        worker = threading.Thread(
            target=self._fetch,
            args=(slot, slot.cancel, self.cancel),
            name=f"fetch-{slot.chunk.index}",
            daemon=True,
        )
        self._workers = [w for w in self._workers if w.is_alive()]
        self._workers.append(worker)
        worker.start()

    def cached(self, text: str) -> bool:
        key = self._key(text)
        return key is not None and self._cache is not None and key in self._cache

    def _key(self, text: str) -> CacheKey | None:
        if self._cache is None:
            return None
        voicing = self._voicing
        return CacheKey(
            self._provider.id,
            self._provider.cache_scope,
            voicing.model or self._provider.default_model(),
            voicing.voice,
            voicing.instructions,
            voicing.speed,
            text,
        )

    def _from_cache(self, slot: ChunkSlot, key: CacheKey | None) -> bool:
        entry = self._cache.get(key) if self._cache is not None and key is not None else None
        if entry is None:
            return False
        slot.from_cache = slot.complete = True
        slot.requested_at = slot.first_at = slot.last_at = time.monotonic()
        timings = entry.timings
        for start in range(0, len(entry.pcm), BLOCK_FRAMES):
            block = entry.pcm[start : start + BLOCK_FRAMES]  # views: no copy
            slot.received_frames += len(block)
            slot.queue.put(AudioChunk(block, entry.format, timings))
            timings = ()
        return True

    def _fetch(self, slot: ChunkSlot, cancel: CancelToken, pass_cancel: CancelToken) -> None:
        voicing = self._voicing
        request = SpeechRequest(
            slot.chunk.text, voicing.voice, voicing.model, voicing.speed, voicing.instructions
        )
        attempt = slot.attempt
        key = self._key(slot.chunk.text)
        writer: CacheWriter | None = None
        try:
            if self._from_cache(slot, key):
                return
            if slot.delay and cancel.wait(slot.delay):
                return
            while True:
                try:
                    slot.requested_at = time.monotonic()
                    writer = self._cache.writer(key) if self._cache and key else None
                    self.requests += 1
                    # Counted once the server answers with audio (a refused or failed
                    # request was not received); a voice with no server sends nothing.
                    uncounted = self._tally is not None and not self._provider.runs_here
                    with contextlib.closing(self._provider.stream(request, cancel)) as stream:
                        for audio in stream:
                            if cancel.cancelled:
                                return
                            if uncounted and self._tally is not None:
                                uncounted = False
                                model = voicing.model or self._provider.default_model()
                                self._tally.add(self._provider.id, model, len(request.text))
                            if len(audio.pcm):
                                slot.last_at = time.monotonic()
                                slot.first_at = slot.first_at or slot.last_at
                            slot.received_frames += len(audio.pcm)
                            slot.queue.put(audio)
                            if writer is not None:
                                writer.append(audio.pcm, audio.format, audio.timings)
                    slot.complete = not cancel.cancelled
                    if writer is not None and not cancel.cancelled:
                        writer.commit()
                        writer = None
                    self._notice_buffering(slot, audio_rate=self._rate(slot))
                    self._learn_pace(slot)
                    return
                except TRANSIENT as error:
                    # Only a request that gave no audio yet is retried here; a chunk that
                    # broke after some audio is asked for again by the engine, which
                    # knows what of it was heard.
                    if slot.received_frames or not may_retry(error, attempt) or cancel.cancelled:
                        raise
                    attempt += 1
                    if writer is not None:
                        writer.discard()
                        writer = None
                    wait = getattr(error, "retry_after", None) or backoff(attempt)
                    self._emit(Retrying(wait, str(error)))
                    if cancel.wait(wait):
                        return
        except ReaderError as error:
            if not cancel.cancelled:
                slot.queue.put(error)
        except Exception as error:
            if cancel.cancelled:
                return  # a request torn down mid-read fails in many ways; it was wanted gone
            log.exception("fetching chunk %d failed", slot.chunk.index)
            slot.queue.put(StreamBroken(f"{self._provider.display_name} failed: {error}"))
        finally:
            if writer is not None:
                writer.discard()  # a request that did not end well is never cached
            slot.done = True
            slot.queue.put(None)
            pass_cancel.forget(slot.cancel.cancel)  # nothing left to cancel

    def _rate(self, slot: ChunkSlot) -> int:
        return self._provider.audio_format(self._voicing.model).sample_rate

    def _learn_pace(self, slot: ChunkSlot) -> None:
        if slot.received_frames and slot.first_at:
            self._pace.observe(
                wait_s=slot.first_at - slot.requested_at,
                audio_s=slot.received_frames / self._rate(slot),
                delivery_s=slot.last_at - slot.first_at,
                chars=len(slot.chunk.text),
            )

    def _notice_buffering(self, slot: ChunkSlot, audio_rate: int) -> None:
        """A streaming server sends audio about as fast as it synthesizes it; a buffering
        proxy sends nothing for the whole synthesis, then everything at once. A voice
        synthesized here can look the same while its model loads: it is never a proxy."""
        if self._provider.runs_here:
            return
        audio_s = slot.received_frames / audio_rate
        waited = slot.first_at - slot.requested_at
        delivery = slot.last_at - slot.first_at
        if audio_s >= 0.5 and waited >= 0.2 and delivery <= audio_s / 4 and waited >= 2 * delivery:
            if not self.buffering:
                log.info(
                    "%s sent nothing for %.2f s, then %.1f s of audio in %.2f s: it buffers "
                    "whole requests; asking one sentence at a time",
                    self._provider.display_name,
                    waited,
                    audio_s,
                    delivery,
                )
            self.buffering = True
