"""Text to speech units: clean-up, sentences with offsets into the original, chunk plans."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Sentence-final punctuation. The CJK full-width marks end a sentence without a following
# space; the others need white space (or the end of the text) after them.
_WESTERN_ENDS = ".!?…‼⁇⁈⁉؟۔।॥"
_CJK_ENDS = "。！？｡"
_CLOSERS = "\"'”’»)]}›」』"
_OPENERS = "\"'“‘«([{‹「『"
_END_RUN = re.compile(
    f"(?:[{re.escape(_WESTERN_ENDS)}]+|[{re.escape(_CJK_ENDS)}]+)[{re.escape(_CLOSERS)}]*"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# C0/C1 controls (tabs and newlines become spaces later), lone surrogates, and the
# replacement for undecodable bytes: nothing a voice can say.
_UNSPEAKABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Abbreviations after which a period does not end the sentence (compared lower case).
_ABBREVIATIONS = frozenset(
    "mr mrs ms mx dr prof sr jr st mt vs cf approx ca al gen col capt lt sgt rev hon gov "
    "sen rep dept est jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Abbreviations that are only abbreviations before a number ("No. 5", "p. 12", "Fig. 3").
_NUMBER_ABBREVIATIONS = frozenset("no nos p pp vol vols fig figs ch sec art".split())
_INITIALISM = re.compile(r"^(?:\w\.)+\w$")  # U.S, e.g, i.e, a.m


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: `text` is what is spoken; `start`/`end` index the original text."""

    index: int
    start: int
    end: int
    text: str
    starts_paragraph: bool


@dataclass(frozen=True, slots=True)
class Chunk:
    """The text of one provider request and where each of its sentences begins in it.

    `sentences[i]` starts at character `starts[i]` of `text`. A sentence longer than a
    provider's limit is cut into pieces, each its own chunk naming the same sentence.
    """

    index: int
    text: str
    sentences: tuple[int, ...]
    starts: tuple[int, ...]

    def sentence_at(self, char_offset: int) -> int:
        """The sentence that the character at `char_offset` of this chunk belongs to."""
        found = self.sentences[0]
        for sentence, start in zip(self.sentences, self.starts, strict=True):
            if start > char_offset:
                break
            found = sentence
        return found

    def rest(self, position: int) -> Chunk:
        """This chunk from its `position`-th sentence on (to ask again for what a broken
        stream did not deliver)."""
        offset = self.starts[position]
        return Chunk(
            self.index,
            self.text[offset:],
            self.sentences[position:],
            tuple(start - offset for start in self.starts[position:]),
        )


def clean(text: str) -> str:
    """Text as a voice should get it: no control characters, white space collapsed."""
    return " ".join(_UNSPEAKABLE.sub(" ", text).split())


def is_speakable(text: str) -> bool:
    """Whether any character would be voiced: a letter, a digit or a symbol such as emoji."""
    return any(ch.isalnum() or unicodedata.category(ch)[0] == "S" for ch in text)


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences, keeping each one's offsets into `text`.

    Paragraph breaks (a blank line) always end a sentence. A period after a known
    abbreviation ("Dr."), an initialism ("U.S.", "e.g."), inside a number ("3.14") or
    before a lower-case word does not; neither do ellipses. Pieces with nothing to voice
    (lone punctuation) are dropped.
    """
    sentences: list[Sentence] = []
    for para_start, para_end in _paragraphs(text):
        first_in_paragraph = True
        for start, end in _sentence_spans(text, para_start, para_end):
            spoken = clean(text[start:end])
            if not is_speakable(spoken):
                continue
            sentences.append(
                Sentence(len(sentences), start, end, spoken, starts_paragraph=first_in_paragraph)
            )
            first_in_paragraph = False
    return sentences


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return spans


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed (start, end) spans of the sentences in text[start:end]."""
    spans = []
    position = start
    for match in _END_RUN.finditer(text, start, end):
        if _ends_sentence(text, match, end):
            spans.append(_trimmed(text, position, match.end()))
            position = match.end()
    spans.append(_trimmed(text, position, end))
    return [(s, e) for s, e in spans if e > s]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_sentence(text: str, match: re.Match[str], limit: int) -> bool:
    run = match.group().rstrip(_CLOSERS)
    after = match.end()
    if run[0] in _CJK_ENDS:
        return True
    if after < limit and not text[after].isspace():
        return False  # "3.14", "U.S.A", "e.g.,"
    if set(run) <= {".", "…"} and (len(run) > 1 or run == "…"):
        return False  # an ellipsis trails off; it does not end the sentence
    next_char = _next_visible(text, after, limit)
    if next_char is None:
        return True
    if next_char.islower():
        return False  # "approx. three", "etc. and so on"
    if run == ".":
        word = _word_before(text, match.start()).lower()
        if word in _ABBREVIATIONS or _INITIALISM.match(word):
            return False
        if word in _NUMBER_ABBREVIATIONS and next_char.isdigit():
            return False
        if len(word) == 1 and word.isalpha():
            return False  # an initial: "J. K. Rowling"
    return True


def _next_visible(text: str, position: int, limit: int) -> str | None:
    while position < limit:
        ch = text[position]
        if not ch.isspace() and ch not in _OPENERS:
            return ch
        position += 1
    return None


def _word_before(text: str, position: int) -> str:
    start = position
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:position].lstrip(_OPENERS)


def plan_chunks(
    sentences: Sequence[Sentence],
    max_chars: int,
    ramp: Sequence[int] = (250, 600, 1500),
    single: bool = False,
) -> list[Chunk]:
    """Group sentences into provider requests of at most `max_chars` characters.

    With `single`, every chunk is one sentence (for servers that send nothing until a
    whole request is synthesized). Otherwise the first chunk is a single sentence so
    that audio starts as early as possible; later
    chunks grow along `ramp` (soft targets in characters) up to `max_chars`, so the
    provider has time to synthesize each while the previous one plays. A sentence longer
    than `max_chars` is cut at the best break (clause punctuation, then white space).
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    chunks: list[Chunk] = []
    parts: list[str] = []
    owners: list[int] = []

    def target() -> int:
        if not chunks or single:
            return 0  # one sentence (or one piece of it) only
        return min(max_chars, ramp[min(len(chunks) - 1, len(ramp) - 1)])

    def close() -> None:
        if not parts:
            return
        starts, position = [], 0
        for part in parts:
            starts.append(position)
            position += len(part) + 1
        chunks.append(Chunk(len(chunks), " ".join(parts), tuple(owners), tuple(starts)))
        parts.clear()
        owners.clear()

    for sentence in sentences:
        for number, piece in enumerate(_pieces(sentence.text, max_chars)):
            size = sum(len(p) + 1 for p in parts) + len(piece)
            new_paragraph = sentence.starts_paragraph and number == 0
            if parts and (size > max_chars or size > target() or new_paragraph):
                close()
            parts.append(piece)
            owners.append(sentence.index)
            if len(chunks) == 0:
                close()
    close()
    return _merge_pieces(chunks)


def _merge_pieces(chunks: list[Chunk]) -> list[Chunk]:
    # A sentence cut into pieces appears once per piece in `owners`; keep sentence indices
    # unique within a chunk by keeping the first start of each.
    merged = []
    for chunk in chunks:
        sentences: list[int] = []
        starts: list[int] = []
        for sentence, start in zip(chunk.sentences, chunk.starts, strict=True):
            if not sentences or sentences[-1] != sentence:
                sentences.append(sentence)
                starts.append(start)
        merged.append(Chunk(chunk.index, chunk.text, tuple(sentences), tuple(starts)))
    return merged


_CLAUSE_BREAK = re.compile(r"[,;:—–)\]] ")


def _pieces(text: str, max_chars: int) -> list[str]:
    """`text` cut into pieces of at most `max_chars`, preferring clause and word breaks."""
    pieces = []
    while len(text) > max_chars:
        window = text[: max_chars + 1]
        cut = max((m.end() for m in _CLAUSE_BREAK.finditer(window)), default=0)
        if cut < max_chars // 2:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = max_chars  # one unbroken word longer than the limit: a hard cut
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def sentence_at(spans: Sequence[tuple[int, int]], position: int) -> int | None:
    """The index of the (start, end) span holding character `position`, else the next one.

    A position between sentences (white space, a skipped code block) belongs to the
    sentence after it; one past the last sentence to the last.
    """
    if not spans:
        return None
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    if index >= 0 and position < spans[index][1]:
        return index
    return min(index + 1, len(spans) - 1)
