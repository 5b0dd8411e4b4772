"""Preparing a text takes time in proportion to its length, whatever is in it (issue 24).

Before, every emphasis or link opener without a closer scanned to the end of the text:
16 KB -> 32 KB of words with a leading "_" went 1.0 -> 3.4 s, and 240 KB of Python-style
lines took 57 s with the window frozen. Growth is measured as a ratio (4x the text should
take about 4x the time, a quadratic pattern takes 16x), with a bound of 8 that a loaded
machine does not reach and today's code does not stay under.
"""

from __future__ import annotations

import pytest

from reader.text.prepare import speech_sentences
from tests.text.linearity import PATHOLOGICAL, REALISTIC, growth

SIZE = 10_000  # characters; 4x that is the larger text


@pytest.mark.parametrize("name", sorted({**PATHOLOGICAL, **REALISTIC}))
def test_preparation_grows_linearly(name: str) -> None:
    make = {**PATHOLOGICAL, **REALISTIC}[name]
    ratio = growth(speech_sentences, make, SIZE)
    if ratio > 8:  # once more before calling it: a single stall can land on one side
        ratio = growth(speech_sentences, make, SIZE)
    assert ratio <= 8, f"{name}: 4x the text took {ratio:.1f}x the time"


def test_a_quarter_megabyte_of_python_lines_prepares_in_well_under_a_second() -> None:
    import time

    text = PATHOLOGICAL["python self._x"](240_000)
    start = time.perf_counter()
    sentences = speech_sentences(text)
    assert time.perf_counter() - start < 2.0  # was 57 s (wall time: what a person waits)
    assert sentences
