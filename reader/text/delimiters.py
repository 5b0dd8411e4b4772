r"""Emphasis and inline code spans, found in linear time.

As regular expressions these were `(\*\*|__|\*|_|~~)(?=…)(.+?)(?<=…)\1(?!…)` and
`(`+)(?!`)(.+?)(?<!`)\1(?!`)`: for every opener without a closer, the lazy `.+?` scanned
to the end of the text, so a text of words with a leading "_" or "*", Python source
(`self._x = 1`) or a JSON export took time growing with the square of its length, with
the interpreter lock held. Here each closer's validity depends only on where it stands,
so the valid closers are listed once and each opener finds its closer by binary search.
The spans found are exactly those the expressions found (tests/text compares them).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

_WORD = re.compile(r"\w")
_SPACE = re.compile(r"\s")
_MARKS = "*_~"
_KINDS = ("**", "__", "~~", "*", "_")
_CANDIDATES = re.compile(r"[*_~]")
_TICKS = re.compile(r"`+")


def _is_word(ch: str) -> bool:
    return _WORD.match(ch) is not None


def _is_space(ch: str) -> bool:
    return _SPACE.match(ch) is not None


def emphasis_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, marker length) of each emphasis span, left to right, not overlapping:
    an opener not after a word character, "*" or "~", followed by a character that is
    not space or a marker; the nearest closer of the same marker after at least one
    character, after a character that is not space or a marker, and not before a word
    character, "*" or "~"."""
    candidates = [m.start() for m in _CANDIDATES.finditer(text)]
    closers: dict[str, list[int]] = {kind: [] for kind in _KINDS}
    for at in candidates:
        before = text[at - 1] if at else ""
        if not before or _is_space(before) or before in _MARKS:
            continue
        for kind in _KINDS:
            if text.startswith(kind, at):
                after = text[at + len(kind) : at + len(kind) + 1]
                if not after or not (_is_word(after) or after in "*~"):
                    closers[kind].append(at)
    resume = 0
    for at in candidates:
        if at < resume:
            continue
        opens = _opener(text, at)
        if opens is None:
            continue
        found = closers[opens]
        first = bisect.bisect_left(found, at + len(opens) + 1)
        if first < len(found):
            end = found[first] + len(opens)
            yield at, end, len(opens)
            resume = end


def _opener(text: str, at: int) -> str | None:
    """The marker that opens a span at `at`, if one can."""
    before = text[at - 1] if at else ""
    if before and (_is_word(before) or before in "*~"):
        return None
    pair = text[at : at + 2]
    kind = pair if pair in ("**", "__", "~~") else text[at]
    if kind == "~":
        return None  # a single "~" is not a marker
    after = text[at + len(kind) : at + len(kind) + 1]
    if not after or _is_space(after) or after in _MARKS:
        return None
    return kind


def code_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, tick count) of each inline code span, left to right: a run of ticks
    (or the end of one), then at least one character, then the next run of exactly as
    many ticks."""
    runs: dict[int, list[int]] = {}
    spans = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    for start, end in spans:
        runs.setdefault(end - start, []).append(start)
    resume = 0
    for start, end in spans:
        # Inside a run, an opener may start at any tick: its length is what remains.
        for at in range(max(start, resume), end):
            ticks = end - at
            found = runs.get(ticks, [])
            first = bisect.bisect_left(found, end + 1)
            if first < len(found):
                close = found[first]
                yield at, close + ticks, ticks
                resume = close + ticks
                break
