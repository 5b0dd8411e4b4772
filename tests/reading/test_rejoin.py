"""Where a listener joins a chunk's audio after a break or a seek: in the pause before a
sentence, never in the middle of a word."""

from __future__ import annotations

import numpy as np

from reader.providers.base import WordTiming
from reader.reading.rejoin import Rejoin

RATE = 24_000


def speech(*parts: tuple[str, float]) -> np.ndarray:
    """("voice" | "pause", seconds) in order: a loud tone or silence."""
    blocks = []
    for kind, seconds in parts:
        frames = round(seconds * RATE)
        t = np.arange(frames)
        loud = (np.sin(t * 0.07) * 8000).astype(np.int16) if kind == "voice" else None
        blocks.append(loud if loud is not None else np.zeros(frames, np.int16))
    return np.concatenate(blocks).reshape(-1, 1)


# Three sentences: voice 2 s, pause 0.4 s, voice 2 s, pause 0.4 s, voice 2 s.
AUDIO = speech(("voice", 2), ("pause", 0.4), ("voice", 2), ("pause", 0.4), ("voice", 2))
SECOND, THIRD = round(2.4 * RATE), round(4.8 * RATE)


def heard(rejoin: Rejoin, audio: np.ndarray = AUDIO, block: int = 4800) -> np.ndarray:
    out = [rejoin.take(audio[i : i + block]) for i in range(0, len(audio), block)]
    out.append(rejoin.finish())
    return np.concatenate(out)


def test_after_a_break_the_sentence_it_broke_in_is_heard_from_its_start() -> None:
    # The old stream broke 1.3 s into the third sentence.
    rejoin = Rejoin(RATE, THIRD + round(1.3 * RATE), {0: 0, 1: SECOND, 2: THIRD})
    audio = heard(rejoin)
    assert THIRD - 0.03 * RATE <= len(AUDIO) - len(audio) <= THIRD  # its pause's end
    assert np.abs(audio[: round(0.015 * RATE)]).max() == 0  # the cut is in silence
    assert rejoin.position == 2


def test_a_seek_joins_at_the_pause_nearest_the_estimated_start() -> None:
    # Estimated 0.6 s late, as a speech rate learned from other chunks may be.
    rejoin = Rejoin.seek(RATE, 1, SECOND + round(0.6 * RATE), first_char=40)
    audio = heard(rejoin)
    assert SECOND - 0.03 * RATE <= len(AUDIO) - len(audio) <= SECOND
    assert rejoin.position == 1


def test_a_seek_joins_at_the_first_timed_word_of_the_sentence() -> None:
    rejoin = Rejoin.seek(RATE, 1, SECOND, first_char=40)
    taken = rejoin.take(AUDIO[:SECOND], (WordTiming(0, 0),))
    assert len(taken) == 0
    rest = rejoin.take(AUDIO[SECOND:], (WordTiming(40, SECOND + 100),))
    assert len(rest) == len(AUDIO) - SECOND - 100
