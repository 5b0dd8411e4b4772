"""The ordered audio buffer: the one structure shared with the audio callback."""

from __future__ import annotations

from collections import deque
from threading import Event

import numpy as np

from reader.audio.format import Pcm

HISTORY_BLOCKS = 64


class PlaybackBuffer:
    """Blocks of PCM in play order, pushed by the engine and copied out by the callback.

    Only `collections.deque` operations cross threads (atomic in CPython) plus integer
    counters that each side alone writes: the producer `pushed_frames`, the callback
    `played_frames`, `underruns` and `device_underflows`. The callback holds no lock
    and makes no array.

    Played blocks stay in a short history so that, after the stream is aborted for a
    pause, what the device had taken but not yet sounded can be put back (`rewind`).
    """

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._pending: deque[Pcm] = deque()
        self._history: deque[Pcm] = deque(maxlen=HISTORY_BLOCKS)
        self._current: Pcm | None = None
        self._offset = 0
        self.pushed_frames = 0
        self.played_frames = 0
        self.underruns = 0
        # Times the sound card itself ran dry, as it reports: a callback that could not
        # run in time (another thread held the GIL too long) is not an underrun above.
        self.device_underflows = 0
        self.ended = False

    # -- producer side ------------------------------------------------------------------

    def push(self, block: Pcm) -> None:
        if len(block):
            self._pending.append(block)
            self.pushed_frames += len(block)

    def end(self) -> None:
        """No more audio will come: running dry now is the end, not an underrun."""
        self.ended = True

    def queued_frames(self) -> int:
        return max(0, self.pushed_frames - self.played_frames)

    def wait_for_room(self, max_frames: int, cancelled: Event, poll: float = 0.01) -> bool:
        """Block while more than `max_frames` wait to be played; False if cancelled."""
        while self.queued_frames() > max_frames:
            if cancelled.wait(poll):
                return False
        return not cancelled.is_set()

    # -- callback side ------------------------------------------------------------------

    def read_into(self, out: np.ndarray) -> int:
        """Copy up to len(out) frames into `out`, zero-fill the rest; frames copied."""
        wanted = len(out)
        filled = 0
        block, offset = self._current, self._offset
        while filled < wanted:
            if block is None:
                try:
                    block = self._pending.popleft()
                except IndexError:
                    break
                offset = 0
            count = min(wanted - filled, len(block) - offset)
            out[filled : filled + count] = block[offset : offset + count]
            filled += count
            offset += count
            if offset == len(block):
                self._history.append(block)
                block = None
        self._current, self._offset = block, offset
        if filled < wanted:
            out[filled:] = 0
            if not self.ended:
                self.underruns += 1
        self.played_frames += filled
        return filled

    def drained(self) -> bool:
        return self.ended and self._current is None and not self._pending

    # -- only while no callback runs (stream stopped) -----------------------------------

    def rewind(self, frames: int) -> int:
        """Put back the last `frames` played frames (as far as history reaches)."""
        left = min(frames, self.played_frames)
        rewound = 0
        while left > 0:
            if self._current is not None and self._offset > 0:
                step = min(left, self._offset)
                self._offset -= step
                left -= step
                rewound += step
                continue
            if not self._history:
                break
            if self._current is not None:
                self._pending.appendleft(self._current)
            self._current = self._history.pop()
            self._offset = len(self._current)
        self.played_frames -= rewound
        return rewound

    def clear(self) -> None:
        """Drop everything not yet played (for a seek); counters stay consistent."""
        self._pending.clear()
        self._history.clear()
        self._current, self._offset = None, 0
        self.played_frames = self.pushed_frames
        self.ended = False
