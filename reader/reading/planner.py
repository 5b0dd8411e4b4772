"""Which requests a reading sends, and how that plan changes while it plays."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.reading.fetch import ChunkSlot, Fetcher, backoff
from reader.reading.rejoin import Rejoin
from reader.reading.timeline import Timeline
from reader.text.sentences import Chunk, Sentence, plan_chunks


class Planner:
    """One grid of chunks for the whole text, so a replay, a seek back or an export asks
    for the same chunks and finds them in the cache; and the changes made to a pass's
    slots as it plays. Used by the pump thread only."""

    def __init__(
        self,
        sentences: Sequence[Sentence],
        max_chars: Callable[[], int],
        pauses: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self._sentences = sentences
        # Silence added before a sentence and before a paragraph (seconds), the same for
        # every provider; with a sentence pause, each sentence is its own request so the
        # pause can go between every two of them.
        self._sentence_pause_s, self._paragraph_pause_s = pauses
        # Asked on first use, on the pump thread: a provider may ask its server.
        self._limit = max_chars
        self._max_chars: int | None = None
        self._grid: list[Chunk] | None = None
        self._grid_single = False
        # The many-sentence grid's chunks by their first sentence, once it was planned:
        # another cut of the text the cache may hold (see `prefer_cached`).
        self._grid_at: dict[int, Chunk] | None = None

    def plan_from(self, first: int, buffering: bool = False) -> list[Chunk]:
        """The requests from sentence `first` on (one sentence each behind a `buffering`
        server, or with a sentence pause). A start inside a grid chunk gets a short head
        of its own, then rejoins the grid at the next chunk."""
        single = buffering or self._sentence_pause_s > 0
        if self._grid is None or self._grid_single != single:
            self._grid = plan_chunks(self._sentences, self._max(), single=single)
            self._grid_single = single
            if not single and self._grid_at is None:
                self._grid_at = {c.sentences[0]: c for c in self._grid if self._whole(c)}
        grid = self._grid
        at = next(i for i, chunk in enumerate(grid) if first in chunk.sentences)
        chunk = grid[at]
        begins_here = chunk.sentences[0] == first and (
            at == 0 or grid[at - 1].sentences[-1] != first
        )
        if begins_here:
            return grid[at:]
        last = chunk.sentences[-1]
        if at + 1 < len(grid) and grid[at + 1].sentences[0] == last:
            # Its last sentence goes on in the next chunk: no clean place to rejoin.
            return self._plan(first, len(self._sentences), single)
        return self._plan(first, last + 1, single) + grid[at + 1 :]

    def pause_before(self, slots: Sequence[ChunkSlot], index: int) -> float:
        """Seconds of silence before the chunk of `slots[index]`: the paragraph or the
        sentence pause where it begins one, none inside a sentence cut into pieces or
        before the rest of a broken one."""
        first = slots[index].chunk.sentences[0]
        if index and slots[index - 1].chunk.sentences[-1] >= first:
            return 0.0  # a sentence cut in pieces, or a chunk asked for again
        paragraph = self._sentences[first].starts_paragraph
        return self._paragraph_pause_s if paragraph else self._sentence_pause_s

    def _max(self) -> int:
        if self._max_chars is None:
            self._max_chars = self._limit()
        return self._max_chars

    def _plan(self, first: int, end: int, single: bool) -> list[Chunk]:
        return plan_chunks(self._sentences[first:end], self._max(), single=single)

    def ask_again(self, slots: list[ChunkSlot], broken: ChunkSlot, rejoin: Rejoin) -> ChunkSlot:
        """A slot for all of `broken`'s chunk again, placed right after it, heard from
        where `rejoin` finds the sentence it broke in. The same
        text as before, so its audio is the same a server that never failed would have
        sent, and the cache keeps it under the chunk the next reading asks for; later
        slots keep their requests, so nothing else is asked for twice. The first retry
        goes at once (the queue is playing out); later ones back off."""
        attempt = broken.attempt + 1
        delay = 0.0 if attempt == 1 else backoff(attempt - 1)
        retry = ChunkSlot(broken.chunk, attempt=attempt, delay=delay)
        retry.rejoin = rejoin
        slots.insert(slots.index(broken) + 1, retry)
        return retry

    def one_sentence_each(self, slots: list[ChunkSlot], current: int) -> list[ChunkSlot] | None:
        """Behind a server that holds every response until the whole request is ready,
        the slots with what has not produced audio yet cut into one sentence per request,
        so the next sound waits for one sentence's synthesis, not a paragraph's; None if
        there is nothing to cut. A request already sent is kept (its audio is paid for
        and on its way) and only whole sentences not yet asked for are re-planned, so
        nothing is requested twice."""
        for index in range(current + 1, len(slots)):
            slot = slots[index]
            if slot.started or slot.attempt:
                continue
            starts_sentence = slot.chunk.starts[0] == 0 and (
                slots[index - 1].chunk.sentences[-1] != slot.chunk.sentences[0]
            )
            if not starts_sentence:
                continue
            tail = slots[index:]
            if all(len(s.chunk.sentences) == 1 for s in tail):
                return None  # already one sentence each
            if any(s.started for s in tail):
                return None
            plan = self._plan(slot.chunk.sentences[0], len(self._sentences), single=True)
            return slots[:index] + [ChunkSlot(c) for c in plan]
        return None

    def prefer_cached(
        self, slots: list[ChunkSlot], index: int, cached: Callable[[str], bool]
    ) -> ChunkSlot:
        """The slot to send at `index`: its own, or, where the cache lacks its chunk but
        holds another cut of the sentences it begins with, that cut in its place and
        the rest of the sentences re-planned after it. (Behind a buffering proxy one
        reading asks one sentence at a time, the next plans several to a request; the
        audio either paid for is used.) Only slots not yet sent are changed."""
        slot = slots[index]
        chunk = slot.chunk
        if slot.started or slot.attempt or not self._whole(chunk) or cached(chunk.text):
            return slot
        first = chunk.sentences[0]
        single = plan_chunks([self._sentences[first]], self._max(), single=True)
        others = [*single[:1], *(c for c in [(self._grid_at or {}).get(first)] if c)]
        for other in others:
            if other.text == chunk.text or not self._whole(other) or not cached(other.text):
                continue
            end, last = other.sentences[-1], index
            while last < len(slots) and slots[last].chunk.sentences[-1] < end:
                last += 1
            replaced = slots[index : last + 1]
            if last == len(slots) or any(s.started for s in replaced):
                continue
            if not self._whole(slots[last].chunk):
                continue
            after = slots[last].chunk.sentences[-1] + 1
            rest = self._plan(end + 1, after, self._grid_single) if after > end + 1 else []
            slots[index : last + 1] = [ChunkSlot(other), *(ChunkSlot(c) for c in rest)]
            return slots[index]
        return slot

    def _whole(self, chunk: Chunk) -> bool:
        """Whether `chunk` holds whole sentences only (a long one's pieces do not)."""
        sentences = self._sentences
        return (
            chunk.starts[0] == 0
            and chunk.text.startswith(sentences[chunk.sentences[0]].text)
            and chunk.text.endswith(sentences[chunk.sentences[-1]].text)
        )

    def pass_from(
        self, first: int, fetcher: Fetcher, old: Sequence[ChunkSlot], timeline: Timeline
    ) -> list[ChunkSlot]:
        """The slots of a pass from sentence `first`, after a pass whose slots were
        `old` (from the one being heard on). Audio already paid for is used, never asked
        for again: a chunk whose request went out (streaming, or arrived) is taken over
        with what of it was heard, and one the cache holds comes from there; where
        `first` is inside such a chunk, it is heard from that sentence on."""
        live = {
            s.chunk.text: s
            for s in old
            if s.started and not s.played and (s.complete or not s.done)
        }

        def take(chunk: Chunk) -> ChunkSlot:
            return live.pop(chunk.text) if chunk.text in live else ChunkSlot(chunk)

        buffering = fetcher.buffering
        found = next((c for c in self._grid or () if first in c.sentences), None)
        head: list[ChunkSlot] = []
        if found is not None and self._whole(found):
            if found.text in live or fetcher.cached(found.text):
                head = [take(found)]
        if head and found is not None:
            after = found.sentences[-1] + 1
            plan = self.plan_from(after, buffering) if after < len(self._sentences) else []
        else:
            plan = self.plan_from(first, buffering)
        slots = head + [take(chunk) for chunk in plan]
        for slot in slots:
            if slot.started:
                _rewind(slot)
        if head:
            position = head[0].chunk.sentences.index(first)
            if position:
                chunk = head[0].chunk
                estimate = timeline.estimate_start(chunk, position)
                rate = timeline.sample_rate
                head[0].rejoin = Rejoin.seek(rate, position, estimate, chunk.starts[position])
        return slots


def _rewind(slot: ChunkSlot) -> None:
    """Make `slot` give its audio from the start again: what the pump took of it first."""
    slot.replay = slot.replay + slot.kept[::-1]  # taken from its end
    slot.kept = []
    slot.pushed_frames = 0
    slot.rejoin = None
