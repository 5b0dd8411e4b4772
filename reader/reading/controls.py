"""What a person asks of a reading while it plays (stop, a sentence to go to), handed from
any thread to the pump, which acts on it between two blocks of audio."""

from __future__ import annotations

import queue
import threading


class StopRequested(Exception):
    """Raised in the pump: the person pressed Stop."""


class SeekRequested(Exception):
    """Raised in the pump: the person asked to go on from `sentence`."""

    def __init__(self, sentence: int) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class Controls:
    """Requests waiting for the pump. Any thread may ask; only the pump calls `check`.

    Several seeks before the pump looks count as the last one: a person pressing Next three
    times quickly wants the third sentence on, not three restarts.
    """

    def __init__(self, sentence_count: int) -> None:
        self._last = sentence_count - 1
        self._stop = threading.Event()
        self._seeks: queue.SimpleQueue[int] = queue.SimpleQueue()

    def stop(self) -> None:
        self._stop.set()

    def seek(self, sentence: int) -> None:
        """Ask to go on from `sentence`, clamped to the text."""
        self._seeks.put(min(max(0, sentence), self._last))

    def step(self, current: int | None, by: int) -> None:
        """Ask to go `by` sentences on from `current` (from the start when nothing has been
        heard yet: Next goes to the first sentence, Previous stays on it)."""
        if current is None:
            self.seek(0)
        else:
            self.seek(current + by)

    def check(self) -> None:
        """Raise StopRequested or SeekRequested for what was asked since the last look."""
        if self._stop.is_set():
            raise StopRequested
        seek: int | None = None
        while True:
            try:
                seek = self._seeks.get_nowait()
            except queue.Empty:
                break
        if seek is not None:
            raise SeekRequested(seek)
