"""Texts that made Markdown preparation quadratic (issue 24), and a growth measure."""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable


def _words(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    vocabulary = "the of and to in reader voice text a is that for it as with was on be".split()
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(vocabulary)
        words.append(word)
        length += len(word) + 1
    return words


def leading(opener: str) -> Callable[[int], str]:
    return lambda size: " ".join(opener + w for w in _words(size))


def python_lines(size: int) -> str:
    lines = []
    n = 0
    while sum(map(len, lines)) < size:
        lines.append(f"        self._field_{n} = other._value_{n} + 1\n")
        n += 1
    return "".join(lines)


def json_export(size: int) -> str:
    records = []
    n = 0
    while sum(map(len, records)) < size:
        record = {
            "_id": {"$oid": f"65a1b2c3d4e5f6{n:010d}"},
            "user_name": f"user_{n}",
            "created_at": {"$date": "2024-01-02T03:04:05.000Z"},
            "tags": ["alpha_beta", "gamma_delta"],
            "note": f"see [item {n} and *draft_{n} or __init__",
        }
        records.append(json.dumps(record, indent=2))
        n += 1
    return "[\n" + ",\n".join(records) + "\n]\n"


def prose(size: int) -> str:
    words = _words(size, seed=3)
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs)


def markdown_doc(size: int) -> str:
    block = (
        "## A heading\n\nSome **bold** and *italic* text with a [link](https://example.com/x)"
        " and `code`, plus https://www.github.com/a/b for more.\n\n- one item\n- two _items_\n\n"
        "| Name | Value |\n|------|-------|\n| a | 1 |\n\n> quoted\n\n"
    )
    return block * (size // len(block) + 1)


PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "leading _": leading("_"),
    "leading *": leading("*"),
    "leading **": leading("**"),
    "leading ~~": leading("~~"),
    "unclosed [": leading("["),
    "unclosed ![": leading("!["),
    "unclosed `": leading("`"),
    "unclosed <b": leading("<b "),
    "unclosed <http://": lambda size: "".join("<http://a" for _ in range(size // 9)),
    "unclosed [x](": lambda size: "[x](" * (size // 4),
    "heading of blanks": lambda size: "# a" + " " * size + "b\n",  # was cubic
    "a line of blanks": lambda size: " " * size,
    "python self._x": python_lines,
    "json export": json_export,
}
REALISTIC: dict[str, Callable[[int], str]] = {"prose": prose, "markdown": markdown_doc}


def growth(work: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """How much longer `work` takes on 4x the text: about 4 when linear, 16 when quadratic.
    The best of three runs each, with the garbage collector held (its pauses land in one
    run or the other by chance), on this thread's CPU clock: time other processes take
    from it (the suite's other workers) is not counted, where the wall clock counted it
    (9.2x once, with three test runs at once on 2 cores)."""
    small, large = make(size), make(4 * size)

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            gc.collect()
            gc.disable()
            try:
                start = time.thread_time()
                work(text)
                times.append(time.thread_time() - start)
            finally:
                gc.enable()
        return min(times)

    return best(large) / best(small)
