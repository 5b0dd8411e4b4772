"""Sentence splitting with offsets, clean-up, and chunk plans."""

from __future__ import annotations

import pytest

from reader.text.sentences import clean, is_speakable, plan_chunks, split_sentences


def spoken(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_original_text() -> None:
    text = "  Hello   world.\n\nA second\tsentence!  Third?"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Hello   world.",
        "A second\tsentence!",
        "Third?",
    ]
    assert [s.text for s in sentences] == ["Hello world.", "A second sentence!", "Third?"]
    assert [s.index for s in sentences] == [0, 1, 2]
    assert [s.starts_paragraph for s in sentences] == [True, True, False]


@pytest.mark.parametrize(
    "text",
    [
        "Take e.g. this one and go on.",
        "Dr. Smith met Mrs. Jones at noon.",
        "Pi is 3.14 or so, they say.",
        "She moved to the U.S. Army base in May.",
        "Wait... what happened here?",
        "He paused… and then went on.",
        "See Fig. 3 for details.",
        "J. K. Rowling wrote it.",
        "Prices rose approx. three percent.",
    ],
)
def test_these_are_one_sentence(text: str) -> None:
    assert spoken(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four.", ["One.", "Two!", "Three?", "Four."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("你好。世界！再见？", ["你好。", "世界！", "再见？"]),
        ("Это первое. Это второе.", ["Это первое.", "Это второе."]),
        ("هذه جملة؟ وهذه أخرى.", ["هذه جملة؟", "وهذه أخرى."]),
        ("I said no. Then I left.", ["I said no.", "Then I left."]),
        ("It ended in 1999. Then came 2000.", ["It ended in 1999.", "Then came 2000."]),
        ("Heading\n\nBody text here.", ["Heading", "Body text here."]),
    ],
)
def test_these_split(text: str, expected: list[str]) -> None:
    assert spoken(text) == expected


def test_unspeakable_pieces_are_dropped_and_controls_removed() -> None:
    assert spoken("...\n\n!!!\n\nReal\x00 text\x07 here.") == ["Real text here."]
    assert split_sentences("   \n\t ") == []
    assert clean("a\x1b[31mb\u0085c") == "a [31mb c"
    assert is_speakable("🙂") and not is_speakable("—?!")


def test_emoji_and_rtl_survive() -> None:
    assert spoken("I love it 😀. שלום עולם.") == ["I love it 😀.", "שלום עולם."]


def test_a_megabyte_without_punctuation_is_handled() -> None:
    text = "word " * 200_000
    sentences = split_sentences(text)
    assert len(sentences) == 1
    chunks = plan_chunks(sentences, 4096)
    assert all(len(c.text) <= 4096 for c in chunks)
    assert sum(len(c.text.split()) for c in chunks) == 200_000


def test_first_chunk_is_one_sentence_and_chunks_respect_the_limit() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    sentences = split_sentences(text)
    chunks = plan_chunks(sentences, 500)
    assert chunks[0].sentences == (0,)
    assert all(len(c.text) <= 500 for c in chunks)
    assert [i for c in chunks for i in c.sentences] == list(range(200))
    # sizes ramp up from one sentence to the limit
    assert len(chunks[1].text) < len(chunks[-2].text)
    for chunk in chunks:
        for sentence, start in zip(chunk.sentences, chunk.starts, strict=True):
            assert chunk.text[start:].startswith(sentences[sentence].text)
            assert chunk.sentence_at(start) == sentence


def test_long_sentence_is_cut_at_clause_breaks() -> None:
    sentence = "alpha beta, " * 50 + "end."
    chunks = plan_chunks(split_sentences(sentence), 100)
    assert all(len(c.text) <= 100 for c in chunks)
    assert all(c.sentences == (0,) for c in chunks)
    assert all(c.text.endswith(",") for c in chunks[:-1])
    assert " ".join(c.text for c in chunks) == split_sentences(sentence)[0].text


def test_paragraphs_start_new_chunks() -> None:
    sentences = split_sentences("One. Two.\n\nThree. Four.")
    chunks = plan_chunks(sentences, 4096)
    assert [c.sentences for c in chunks] == [(0,), (1,), (2, 3)]


def test_unbreakable_word_is_hard_cut() -> None:
    chunks = plan_chunks(split_sentences("x" * 250), 100)
    assert [len(c.text) for c in chunks] == [100, 100, 50]


def test_gpt_4o_mini_tts_requests_stay_under_its_token_limit() -> None:
    from reader.providers.http import HttpApi
    from reader.providers.openai import OpenAISpeech

    provider = OpenAISpeech(HttpApi("OpenAI", "openai", "https://api.openai.com/v1"))
    try:
        assert provider.max_chars("tts-1") == 4096
        assert provider.max_chars("gpt-4o-mini-tts") == provider.max_chars("") == 1800
        # A CJK text with no sentence end: every request at most 1800 characters.
        chunks = plan_chunks(split_sentences("漢字" * 3000), provider.max_chars(""))
        assert max(len(c.text) for c in chunks) <= 1800
    finally:
        provider.close()
