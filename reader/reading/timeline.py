"""Where each sentence starts in a reading's audio, so the heard frame names its sentence."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from reader.providers.base import WordTiming
from reader.text.sentences import Chunk, Sentence

# Speech runs near 14 characters a second at speed 1; only used until a chunk has told
# us its real rate.
_DEFAULT_CHARS_PER_SECOND = 14.0

# How much slower than estimated a voice may speak a sentence: deciding where a broken
# stream must be resumed, an estimated start counts as reached only this much later.
_SLOW_SPEECH = 1.3


class Timeline:
    """Sentence start marks in reading-global frames, appended in play order.

    Marks come from the provider's timings where it gives them (exact) or from the
    chunk's characters-per-frame rate (estimated, never beyond audio that has arrived).
    Written by the engine's pump thread; read by any thread (list append is atomic).
    """

    def __init__(self, sample_rate: int, speed: float = 1.0) -> None:
        self.sample_rate = sample_rate
        self._frames: list[int] = []
        self._sentences: list[int] = []
        self._exact_marks: list[bool] = []
        self._chars_per_frame = _DEFAULT_CHARS_PER_SECOND * speed / sample_rate
        self._chunk: Chunk | None = None
        self._chunk_start = 0
        self._next = 0  # index into the current chunk's sentences still to be marked
        self._timed = False  # the current chunk's marks come from provider timings
        # (sentence, frame) of each spoken word's start, where the provider times words
        # (or characters: only those that begin a word are kept), for word-level cues.
        self._words: list[tuple[int, int]] = []
        self._last_word = -1  # the current chunk's last timed word (a char offset)
        # Where each of the current chunk's sentences begins in its audio, once marked:
        # its index in the chunk → frames from the chunk's start.
        self._placed: dict[int, int] = {}

    def begin_chunk(self, chunk: Chunk, start_frame: int, position: int = 0, skip: int = 0) -> None:
        """`chunk`'s audio follows from `start_frame` on; when it is a chunk asked for
        again, its first `skip` frames are not played: what is heard begins at its
        `position`-th sentence."""
        self._chunk = chunk
        self._chunk_start = start_frame - skip
        self._placed = {}
        self._timed = False
        self._last_word = chunk.starts[position] - 1  # no words from the part not played
        self._next = position
        self._mark(start_frame, chunk.sentences[position], exact=True)
        self._next = position + 1

    def add_timings(self, timings: Sequence[WordTiming]) -> None:
        """Exact marks: a sentence starts at the first timing at or after its first char."""
        chunk = self._chunk
        if chunk is None:
            return
        self._timed = self._timed or bool(timings)
        text = chunk.text
        for timing in timings:
            at = timing.char_offset
            if at > self._last_word and _starts_word(text, at):
                self._last_word = at  # a voice may time a word twice (its sentence too)
                self._words.append((chunk.sentence_at(at), self._chunk_start + timing.frame))
            while (
                self._next < len(chunk.sentences) and chunk.starts[self._next] <= timing.char_offset
            ):
                frame = self._chunk_start + timing.frame
                self._mark(frame, chunk.sentences[self._next], exact=True)
                self._next += 1

    def audio_received(self, frames_in_chunk: int) -> None:
        """Estimated marks for sentences whose start the audio so far must have passed."""
        chunk = self._chunk
        if chunk is None:
            return
        while self._next < len(chunk.sentences):
            estimate = round(chunk.starts[self._next] / self._chars_per_frame)
            if estimate > frames_in_chunk:
                break
            self._mark(self._chunk_start + estimate, chunk.sentences[self._next])
            self._next += 1

    def end_chunk(self, total_frames: int) -> None:
        """Place the chunk's remaining sentences by their share of its characters."""
        chunk = self._chunk
        if chunk is None:
            return
        if total_frames > 0 and len(chunk.text) > 0:
            self._chars_per_frame = len(chunk.text) / total_frames
        while self._next < len(chunk.sentences):
            share = chunk.starts[self._next] / max(1, len(chunk.text))
            self._mark(self._chunk_start + round(share * total_frames), chunk.sentences[self._next])
            self._next += 1
        self._chunk = None

    def resume_point(self, frames_in_chunk: int) -> tuple[int, int]:
        """Where in the current chunk a stream that broke after `frames_in_chunk` frames
        must be heard again: the last sentence surely begun, so that no word is lost (a
        part of it may be heard twice), as (its index in the chunk, frames from the
        chunk's start to it)."""
        chunk = self._chunk
        if chunk is None:
            return 0, 0
        position = 0
        if self._timed:
            position = max(0, self._next - 1)
        else:
            for index, start in enumerate(chunk.starts):
                if start / self._chars_per_frame * _SLOW_SPEECH > frames_in_chunk:
                    break
                position = index
        position = max(position, min(self._placed))  # the first sentence heard of it
        while position not in self._placed:
            position -= 1
        return position, self._placed[position]

    @property
    def timed(self) -> bool:
        """Whether the current chunk's marks come from the provider's timings."""
        return self._timed

    @property
    def placed(self) -> dict[int, int]:
        """Where each of the current chunk's sentences begins: its index in the chunk →
        frames from the chunk's start, as marked, else as estimated from the rate."""
        chunk = self._chunk
        if chunk is None:
            return dict(self._placed)
        rate = self._chars_per_frame
        return {i: self._placed.get(i, round(at / rate)) for i, at in enumerate(chunk.starts)}

    def estimate_start(self, chunk: Chunk, position: int) -> int:
        """Frames from `chunk`'s start to its `position`-th sentence: as marked when it
        is the chunk being heard, else from the speech rate learned so far."""
        if chunk is self._chunk and position in self._placed:
            return self._placed[position]
        return round(chunk.starts[position] / self._chars_per_frame)

    def abandon_chunk(self) -> None:
        """The current chunk's stream broke: it gets no more marks, and its length does
        not teach the speech rate."""
        self._chunk = None

    def marks(self) -> list[tuple[int, int, bool]]:
        """(sentence, frame, exact) for every mark so far, in play order; exact marks come
        from a chunk's start or the provider's timings, the others are estimates."""
        count = len(self._frames)
        return list(
            zip(
                self._sentences[:count],
                self._frames[:count],
                self._exact_marks[:count],
                strict=True,
            )
        )

    def word_marks(self) -> list[tuple[int, int]]:
        """(sentence, frame) where each timed word begins, in play order (empty when the
        provider gives no timings)."""
        return list(self._words)

    def _mark(self, frame: int, sentence: int, exact: bool = False) -> None:
        if self._frames and frame < self._frames[-1]:
            frame = self._frames[-1]  # marks never go backwards
        self._placed[self._next] = frame - self._chunk_start
        self._exact_marks.append(exact)
        # Sentence first: readers bound their search by len(self._frames).
        self._sentences.append(sentence)
        self._frames.append(frame)

    def sentence_at(self, frame: int) -> int | None:
        """The sentence heard at `frame`, or None before the first mark."""
        count = len(self._frames)
        position = bisect.bisect_right(self._frames, frame, 0, count)
        if position == 0:
            return None
        return self._sentences[position - 1]

    def mark_at(self, frame: int) -> tuple[int, int] | None:
        """(sentence, its start frame) of the sentence heard at `frame`, or None."""
        count = len(self._frames)
        position = bisect.bisect_right(self._frames, frame, 0, count)
        if position == 0:
            return None
        return self._sentences[position - 1], self._frames[position - 1]

    def text_position(self, frame: int, sentences: Sequence[Sentence], first: int) -> int:
        """The character offset in the text that the audio reaches at `frame`: its
        sentence's start plus the share of the sentence spoken since (before any audio,
        the start of sentence `first`)."""
        mark = self.mark_at(frame)
        if mark is None:
            return sentences[first].start
        index, start_frame = mark
        sentence = sentences[index]
        spoken = round((frame - start_frame) * self._chars_per_frame)
        return min(sentence.end, sentence.start + max(0, spoken))

    @property
    def frames_per_char(self) -> float:
        """The speech rate learned so far (a default until a chunk has ended)."""
        return 1 / self._chars_per_frame

    def start_of(self, sentence: int) -> int | None:
        for frame, marked in zip(self._frames, self._sentences, strict=False):
            if marked == sentence:
                return frame
        return None


def _starts_word(text: str, at: int) -> bool:
    return 0 <= at < len(text) and not text[at].isspace() and (at == 0 or text[at - 1].isspace())
