"""How far ahead to fetch, learned from how fast an endpoint answers.

A fixed look-ahead is wrong both ways: a slow server (or a proxy that sends nothing
until a whole request is synthesized) needs its next request sent long before the
audio runs dry, while a fast one needs only a few seconds in hand, and every second
fetched beyond that is paid for and thrown away when the person presses Stop.
"""

from __future__ import annotations

import threading

# Until an endpoint has answered once, hold this much audio ahead (seconds).
DEFAULT_S = 30.0
# Never less: room for a retry after a dropped connection (the first retry goes at
# once, and a server's first byte is commonly 0.2–2 s away).
MINIMUM_S = 8.0
# Never more: audio waiting in memory (at 24 kHz float32, two minutes is 11 MB).
MAXIMUM_S = 120.0
# How much worse than its recent average the next answer may be without a gap.
SAFETY = 2.5
# Weight of the newest measurement in the running averages.
_NEWEST = 0.3
# A request shorter than this says little about a server's streaming rate.
_RATE_MIN_AUDIO_S = 2.0


class EndpointPace:
    """Running averages of one endpoint's first-audio wait, streaming rate (audio seconds
    per wall-clock second) and audio per character; and the look-ahead they call for.

    `observe` is called by fetch workers as requests finish, `lookahead_s` by the
    engine's pump thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wait_s: float | None = None
        self._rate: float | None = None
        self._seconds_per_char: float | None = None

    def observe(self, wait_s: float, audio_s: float, delivery_s: float, chars: int) -> None:
        """One request: `wait_s` until its first audio, then `audio_s` of audio over
        `delivery_s`, for `chars` characters of text."""
        if audio_s <= 0 or wait_s < 0:
            return
        rate = audio_s / delivery_s if delivery_s > 0 and audio_s >= _RATE_MIN_AUDIO_S else None
        with self._lock:
            self._wait_s = _average(self._wait_s, wait_s)
            if rate is not None:
                self._rate = _average(self._rate, rate)
            if chars > 0:
                self._seconds_per_char = _average(self._seconds_per_char, audio_s / chars)

    @property
    def measured(self) -> bool:
        return self._wait_s is not None

    def lookahead_s(self, chars: int) -> float:
        """Seconds of audio to hold fetched before requesting a chunk of `chars` characters.

        The chunk's first audio must arrive before what is in hand has played:
        that takes the wait. A server slower than real time also falls behind while the
        chunk streams, by its length times (1 / rate − 1), so that much more is needed.
        """
        with self._lock:
            wait_s, rate, per_char = self._wait_s, self._rate, self._seconds_per_char
        if wait_s is None:
            return DEFAULT_S
        needed = wait_s
        if rate is not None and rate < 1.0 and per_char is not None:
            needed += chars * per_char * (1.0 / rate - 1.0)
        return min(MAXIMUM_S, max(MINIMUM_S, SAFETY * needed))


def _average(old: float | None, new: float) -> float:
    return new if old is None else (1 - _NEWEST) * old + _NEWEST * new
