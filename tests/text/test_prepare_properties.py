"""Markdown preparation, its offset map, and pronunciations, on any text."""

from __future__ import annotations

import re

from hypothesis import assume, given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.text.delimiters import code_spans, emphasis_spans
from reader.text.prepare import (
    Dictionary,
    Pronunciation,
    check_pronunciation,
    read_markdown,
    speech_sentences,
)

# Markdown's own characters, often, among letters, spaces and a little of everything.
MARKDOWN = st.lists(
    st.one_of(
        st.sampled_from([*list("*_~`[]()!<>#|-=:/.\\\"' \n\t"), "http://", "www.", "```"]),
        st.sampled_from(list("abcxyz019")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=120,
).map("".join)
# Words of prose. (A line opening with a number and a period, "12. ", is a Markdown
# ordered list item, whose number is not read: that is Markdown, not prose.)
WORDS = st.lists(
    st.builds(
        str.__add__,
        st.characters(whitelist_categories=("Ll", "Lu")),
        st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), max_size=9),
    ),
    min_size=1,
    max_size=60,
)

# The patterns delimiters.py replaced, as the reference for what it must find.
_EMPHASIS = re.compile(
    r"(?<![\w*~])(\*\*|__|\*|_|~~)(?=[^\s*_~])(.+?)(?<=[^\s*_~])\1(?![\w*~])", re.S
)
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


@given(MARKDOWN)
def test_emphasis_spans_are_the_old_patterns_spans_in_linear_time(text: str) -> None:
    expected = [(m.start(), m.end(), len(m.group(1))) for m in _EMPHASIS.finditer(text)]
    assert list(emphasis_spans(text)) == expected


@given(MARKDOWN)
def test_code_spans_are_the_old_patterns_spans_in_linear_time(text: str) -> None:
    expected = [(m.start(), m.end(), len(m.group(1))) for m in _INLINE_CODE.finditer(text)]
    assert list(code_spans(text)) == expected


@given(MARKDOWN)
def test_any_text_prepares_and_maps_forward_within_the_original(text: str) -> None:
    prepared = read_markdown(text)
    previous = 0
    for i in range(len(prepared.spoken)):
        start, end = prepared.original_span(i, i + 1)
        assert 0 <= start <= end <= len(text)
        assert start >= previous  # the highlight never runs backwards
        previous = start
    sentences = speech_sentences(text)
    for before, after in zip(sentences, sentences[1:], strict=False):
        assert before.end <= after.start
    for sentence in sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert sentence.text and sentence.text == sentence.text.strip()


@given(WORDS, st.lists(st.sampled_from([". ", ", ", " ", "\n\n", "? "]), min_size=60))
def test_every_word_of_plain_prose_is_spoken_once_where_it_stands(words, joins) -> None:
    text = "".join(word + joins[i] for i, word in enumerate(words)).strip()
    sentences = speech_sentences(text)
    spoken = [w.strip(".,?") for s in sentences for w in s.text.split()]
    assert spoken == words  # every word, once, in order
    for sentence in sentences:
        # Highlighted where it stands: the sentence's span holds exactly its words.
        shown = text[sentence.start : sentence.end].split()
        assert [w.strip(".,?") for w in shown] == [w.strip(".,?") for w in sentence.text.split()]


PATTERNS = st.text(st.sampled_from(list("ab()[]{}?*+|\\^$.dwgs<>PN=!0123456789,-")), max_size=14)


@given(PATTERNS, PATTERNS, st.booleans(), st.text(max_size=40))
def test_any_pronunciation_is_usable_or_refused_never_raised(pattern, replacement, regex, text):
    entry = Pronunciation(pattern, replacement, regex)
    problem = check_pronunciation(entry)
    assert problem is None or isinstance(problem, str)
    dictionary = Dictionary([entry])
    assert bool(dictionary) == (problem is None)
    assume(len(pattern) < 8 or not regex)  # a short text is enough; no backtracking hunts
    assert isinstance(dictionary.apply(text), str)
    speech_sentences(text, dictionary=dictionary)
