"""Where a listener joins a chunk's audio other than at its start.

After a broken stream the chunk is asked for whole (so the file and the cache get it
whole), but the listener heard part of it already. They hear it again from the start of
the sentence (or clause) it broke in, as a person re-reading would: the last pause in
the new audio before the point the old stream reached, so the cut falls in silence, not
in a word. After a skip or a seek into a chunk whose audio is paid for (arriving, or in
the cache), the listener joins it at the pause nearest where the sentence was estimated
to begin. Where the provider times its words, the sentence's start is exact.
"""

from __future__ import annotations

import numpy as np

from reader.audio.format import Pcm
from reader.providers.base import WordTiming
from reader.reading.timeline import Timeline
from reader.text.sentences import Chunk
from reader.text.subtitles import Envelope

_MIN_PAUSE_S = 0.15  # shorter silences are inside words (stops, breaths)
_QUIET_DB = 30.0  # this far below the loud parts counts as silence
_MARGIN_S = 0.3  # audio to see past the break, so a pause that began before it is found
_LEAD_STEPS = 2  # rejoin 20 ms before the voice resumes, not on its first sample
_NEAR_S = 1.5  # how far from an estimated sentence start its pause is looked for


class Rejoin:
    """Takes a retried chunk's audio in order; gives back what the listener hears of it.

    `broke_at`: frames of the chunk the broken stream had delivered; `placed`: where the
    chunk's sentences begin, as marked or estimated (index in the chunk → frame), to
    name the sentence rejoined; `exact`: the frame to rejoin at when timings gave it
    (nothing is held).
    """

    @classmethod
    def after(cls, broken: Rejoin | None, timeline: Timeline, heard: int, rate: int) -> Rejoin:
        """Where to rejoin a chunk whose stream broke after `heard` frames of it were
        taken (`broken`: how that stream had itself rejoined, if it was a retry)."""
        if broken is not None and not broken.decided:  # it broke again before it was heard
            return cls(broken.rate, broken.broke_at, broken.placed, near=broken._near)
        exact = timeline.resume_point(heard)[1] if timeline.timed else None
        return cls(rate, heard, timeline.placed, exact)

    def __init__(
        self,
        rate: int,
        broke_at: int,
        placed: dict[int, int],
        exact: int | None = None,
        near: tuple[int, int] | None = None,
    ) -> None:
        self.broke_at = broke_at
        # A seek's: (the estimated first frame of the sentence, its first character),
        # to join at the pause nearest that frame or the first timing at that character.
        self._near = near
        self.placed = dict(placed) or {0: 0}
        self.skip: int | None = exact  # where the listener rejoins, once known
        self.begun = False  # the sentence heard first is marked on the timeline
        self.rate = rate
        self._held: list[Pcm] = []
        self._received = 0  # frames taken so far
        self._margin = round(_MARGIN_S * rate)

    @property
    def decided(self) -> bool:
        return self.skip is not None

    @property
    def position(self) -> int:
        """The chunk's sentence heard first: the one whose start the broken stream
        placed (or estimated) nearest the rejoining frame."""
        skip = self.skip or 0
        return min(self.placed, key=lambda i: (abs(self.placed[i] - skip), i))

    def begin(self, timeline: Timeline, chunk: Chunk, delivered: int) -> None:
        """Once decided: mark on `timeline` the sentence heard first, at `delivered`."""
        if self.skip is not None and not self.begun:
            self.begun = True
            timeline.begin_chunk(chunk, delivered, self.position, self.skip)

    @classmethod
    def seek(cls, rate: int, position: int, estimate: int, first_char: int) -> Rejoin:
        """Join a chunk at its `position`-th sentence, estimated to begin at frame
        `estimate` and at character `first_char` of the chunk."""
        reach = estimate + round(_NEAR_S * rate)
        return cls(rate, reach, {position: 0}, near=(estimate, first_char))

    def take(self, pcm: Pcm, timings: tuple[WordTiming, ...] = ()) -> Pcm:
        """The part of `pcm` (the next audio of the chunk) to be heard: nothing until
        the rejoining point is known, then what was held from it on."""
        start = self._received
        self._received += len(pcm)
        if self.skip is None:
            self._held.append(pcm)
            if self._near is not None:
                at = next((t.frame for t in timings if t.char_offset >= self._near[1]), None)
                self.skip = at  # exact: the provider timed the sentence's first word
            if self.skip is None and self._received < self.broke_at + self._margin:
                return pcm[:0]
            return self.finish()
        return pcm[max(0, self.skip - start) :]

    def finish(self) -> Pcm:
        """The chunk's audio ended (or enough arrived): decide, and give what is held."""
        if self.skip is not None and not self._held:
            return np.zeros((0, 1), np.int16)
        audio = np.concatenate(self._held) if self._held else np.zeros((0, 1), np.int16)
        self._held = []
        if self.skip is None and self._near is not None:
            self.skip = _nearest_pause(audio, self.rate, self._near[0])
        if self.skip is None:
            self.skip = _last_pause(audio, self.rate, min(self.broke_at, len(audio)))
        return audio[self.skip :]


def _nearest_pause(audio: Pcm, rate: int, estimate: int) -> int:
    """Where the voice resumes after the pause nearest `estimate` (within `_NEAR_S`),
    or `estimate` itself if there is none."""
    onsets = _onsets(audio, rate)
    near = [at for at in onsets if abs(at - estimate) <= _NEAR_S * rate]
    return min(near, key=lambda at: abs(at - estimate)) if near else min(estimate, len(audio))


def _onsets(audio: Pcm, rate: int) -> list[int]:
    """The frames where the voice resumes after each pause (a little before)."""
    envelope = Envelope(rate)
    envelope.add(audio)
    levels = envelope.levels()
    if not len(levels):
        return []
    quiet = levels < float(np.percentile(levels, 90)) - _QUIET_DB
    shortest = max(1, round(_MIN_PAUSE_S * rate / envelope.step))
    found, run = [], 0
    for step, is_quiet in enumerate(quiet):
        if is_quiet:
            run += 1
            continue
        if run >= shortest:
            found.append(max(0, step - _LEAD_STEPS) * envelope.step)
        run = 0
    return found


def _last_pause(audio: Pcm, rate: int, broke_at: int) -> int:
    """The frame where the voice resumes after the last pause that began before
    `broke_at` (0, the chunk's start, if there is none)."""
    envelope = Envelope(rate)
    envelope.add(audio)
    levels = envelope.levels()
    if not len(levels):
        return 0
    quiet = levels < float(np.percentile(levels, 90)) - _QUIET_DB
    shortest = max(1, round(_MIN_PAUSE_S * rate / envelope.step))
    limit = broke_at // envelope.step
    best, run = 0, 0
    for step, is_quiet in enumerate(quiet):
        if is_quiet:
            run += 1
            continue
        if run >= shortest and step - run <= limit:
            best = step  # this pause began before the break; the voice resumes here
        run = 0
        if step > limit:
            break
    return max(0, best - _LEAD_STEPS) * envelope.step
