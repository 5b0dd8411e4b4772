"""Fetching ahead: one worker thread per chunk request, within the provider's limits."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable

from reader.errors import ProviderUnavailable, RateLimited, ReaderError, StreamBroken
from reader.events import Event, Retrying, Voicing
from reader.providers.base import AudioChunk, CancelToken, Provider, SpeechRequest
from reader.text import Chunk

log = logging.getLogger(__name__)

_RETRIES = 3


class ChunkSlot:
    """One chunk's audio as it arrives from its fetch worker."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.queue: queue.Queue[AudioChunk | BaseException | None] = queue.Queue()
        self.started = False
        self.done = False
        self.received_frames = 0  # written by the worker only
        self.pushed_frames = 0  # written by the pump only


class Fetcher:
    """Starts chunk requests ahead of playback and streams each into its slot.

    Requests of one pass share a CancelToken; a seek or stop cancels it, which closes
    their connections (or aborts the synthesizer) at once.
    """

    def __init__(
        self, provider: Provider, voicing: Voicing, on_event: Callable[[Event], None]
    ) -> None:
        self._provider = provider
        self._voicing = voicing
        self._emit = on_event
        self.cancel = CancelToken()
        self._workers: list[threading.Thread] = []

    def new_pass(self) -> None:
        """Cancel what is in flight and start a fresh set of requests."""
        self.cancel.cancel()
        self.cancel = CancelToken()

    def join(self, timeout: float = 2.0) -> None:
        for worker in self._workers:
            worker.join(timeout)
        self._workers = [w for w in self._workers if w.is_alive()]

    def schedule(self, slots: list[ChunkSlot], current: int, queued: int, lookahead: int) -> None:
        """Start requests ahead of playback: within the concurrency limit and the
        look-ahead (frames), always including the chunk being played and the next one."""
        in_flight = sum(1 for s in slots[current:] if s.started and not s.done)
        ahead = queued + sum(
            s.received_frames - s.pushed_frames for s in slots[current:] if s.started
        )
        for index in range(current, len(slots)):
            slot = slots[index]
            if slot.started:
                continue
            if in_flight >= self._provider.concurrency:
                break
            if index > current + 1 and ahead >= lookahead:
                break
            self._launch(slot)
            in_flight += 1

    def _launch(self, slot: ChunkSlot) -> None:
        slot.started = True
        worker = threading.Thread(
            target=self._fetch,
            args=(slot, self.cancel),
            name=f"fetch-{slot.chunk.index}",
            daemon=True,
        )
        self._workers = [w for w in self._workers if w.is_alive()]
        self._workers.append(worker)
        worker.start()

    def _fetch(self, slot: ChunkSlot, cancel: CancelToken) -> None:
        voicing = self._voicing
        request = SpeechRequest(
            slot.chunk.text, voicing.voice, voicing.model, voicing.speed, voicing.instructions
        )
        attempt = 0
        try:
            while True:
                try:
                    with contextlib.closing(self._provider.stream(request, cancel)) as stream:
                        for audio in stream:
                            if cancel.cancelled:
                                return
                            slot.received_frames += len(audio.pcm)
                            slot.queue.put(audio)
                    return
                except (ProviderUnavailable, RateLimited) as error:
                    # Only a request that gave no audio yet is retried here; nothing is
                    # ever played twice.
                    attempt += 1
                    if slot.received_frames or attempt > _RETRIES or cancel.cancelled:
                        raise
                    wait = getattr(error, "retry_after", None) or 0.5 * 2 ** (attempt - 1)
                    self._emit(Retrying(wait, str(error)))
                    if cancel.wait(wait):
                        return
        except ReaderError as error:
            slot.queue.put(error)
        except Exception as error:
            log.exception("fetching chunk %d failed", slot.chunk.index)
            slot.queue.put(StreamBroken(f"{self._provider.display_name} failed: {error}"))
        finally:
            slot.done = True
            slot.queue.put(None)
