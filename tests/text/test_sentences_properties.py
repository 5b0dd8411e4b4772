"""Sentence splitting and chunk planning: nothing lost, nothing twice, limits kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.reading.planner import Planner
from reader.text.sentences import clean, plan_chunks, split_sentences

TEXT = st.lists(
    st.one_of(
        st.sampled_from([*list(".!?…;, \n\t\"')"), "Dr.", "e.g.", "U.S.", "3.14", "\n\n"]),
        st.sampled_from(["word", "Word", "a", "B", "x1"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=150,
).map("".join)


@given(TEXT)
def test_sentences_are_in_order_inside_the_text_and_spoken_as_written(text: str) -> None:
    sentences = split_sentences(text)
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert sentence.text == clean(text[sentence.start : sentence.end])
    for before, after in zip(sentences, sentences[1:], strict=False):
        assert before.end <= after.start
    # Every word of the text is in some sentence's span, once.
    covered = "".join(text[s.start : s.end] for s in sentences)
    assert sum(ch.isalnum() for ch in covered) == sum(ch.isalnum() for ch in text)


@given(TEXT, st.integers(1, 400), st.booleans())
def test_chunks_keep_their_limit_and_every_word_once(text, max_chars, single) -> None:
    sentences = split_sentences(text)
    chunks = plan_chunks(sentences, max_chars, single=single)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(0 < len(c.text) <= max_chars for c in chunks)
    said = " ".join(c.text for c in chunks).split()
    assert "".join(said) == "".join("".join(s.text.split()) for s in sentences)
    owners = [n for c in chunks for n in c.sentences]
    assert sorted(set(owners)) == [s.index for s in sentences]
    assert owners == sorted(owners)
    for chunk in chunks:
        assert list(chunk.starts) == sorted(chunk.starts) and chunk.starts[0] == 0
        for sentence, start in zip(chunk.sentences, chunk.starts, strict=True):
            assert chunk.sentence_at(start) == sentence


@given(TEXT, st.integers(20, 400), st.data())
def test_a_plan_from_any_sentence_reads_the_rest_once_in_order(text, max_chars, data) -> None:
    sentences = split_sentences(text)
    if not sentences:
        return
    planner = Planner(sentences, lambda: max_chars)
    first = data.draw(st.integers(0, len(sentences) - 1))
    chunks = planner.plan_from(first, buffering=data.draw(st.booleans()))
    owners = [n for c in chunks for n in c.sentences]
    assert sorted(set(owners)) == list(range(first, len(sentences)))
    assert owners == sorted(owners)
    said = "".join("".join(c.text.split()) for c in chunks)
    assert said == "".join("".join(s.text.split()) for s in sentences[first:])
