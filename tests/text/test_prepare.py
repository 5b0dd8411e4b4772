"""Text preparation: Markdown read as prose, pronunciations, offsets back to the original."""

from __future__ import annotations

import json

import pytest

from reader.settings import SettingsFile
from reader.text.prepare import (
    CODE_NOTE,
    Dictionary,
    Pronunciation,
    check_pronunciation,
    read_markdown,
    speech_sentences,
)
from tests.helpers.cli import speak
from tests.helpers.fake_server import FakeSpeechServer

MARKDOWN = """# Release notes

Reader **now** reads [the docs](https://example.com/docs) and `x_y`.
See https://www.github.com/foo/bar?x=1 for more.

- First item
- Second *item* here

```python
print("never read")
```

> A quoted line.

| Name | Value |
|------|-------|
| a    | 1     |
"""


def spoken(text: str, **options) -> list[str]:
    return [s.text for s in speech_sentences(text, **options)]


def test_markdown_is_read_as_prose() -> None:
    assert spoken(MARKDOWN) == [
        "Release notes",
        "Reader now reads the docs and x_y.",
        "See github.com for more.",
        "First item",
        "Second item here",
        CODE_NOTE,
        "A quoted line.",
        "Name, Value.",
        "a, 1.",
    ]


def test_every_sentence_points_at_its_original_text() -> None:
    sentences = speech_sentences(MARKDOWN)
    originals = [MARKDOWN[s.start : s.end] for s in sentences]
    assert originals[1] == "Reader **now** reads [the docs](https://example.com/docs) and `x_y`."
    assert originals[2] == "See https://www.github.com/foo/bar?x=1 for more."
    assert originals[5].startswith("```python") and originals[5].endswith("```")
    assert [s.starts_paragraph for s in sentences][:4] == [True, True, False, True]


@pytest.mark.parametrize(
    "text",
    [
        "Plain snake_case_name and 5 * 3 * 2 stay as they are.",
        "A price of $5 (or so) [sic] stays.",
        "Line one\nline two.",
        "He said: <b>no</b> twice.",  # only the tag goes
    ],
)
def test_plain_text_is_left_alone(text: str) -> None:
    assert read_markdown(text).spoken.replace("<b>", " ").replace("</b>", " ").split() == (
        text.replace("<b>", " ").replace("</b>", " ").split()
    )


def test_without_markdown_the_syntax_is_read() -> None:
    assert spoken("Some **bold** text.", markdown=False) == ["Some **bold** text."]


def test_pronunciations_plain_whole_words_and_regular_expressions() -> None:
    dictionary = Dictionary(
        [
            Pronunciation("SQL", "sequel"),
            Pronunciation(r"\bv(\d+)\b", r"version \1", regex=True),
            Pronunciation("C:\\", "drive C"),  # a backslash in a plain entry is literal
        ]
    )
    assert dictionary.apply("sql and MySQL on v2, see C:\\.") == (
        "sequel and MySQL on version 2, see drive C."
    )
    sentences = speech_sentences("Use SQL now. Then v3.", dictionary=dictionary)
    assert [s.text for s in sentences] == ["Use sequel now.", "Then version 3."]
    assert (sentences[1].start, sentences[1].end) == (13, 21)  # offsets stay the original's


def test_a_sentence_a_pronunciation_empties_is_not_read() -> None:
    dictionary = Dictionary([Pronunciation("skip me", "")])
    sentences = speech_sentences("Skip me. Read me.", dictionary=dictionary)
    assert [(s.index, s.text) for s in sentences] == [(0, "Read me.")]


def test_broken_pronunciations_are_refused_with_a_reason(tmp_path) -> None:
    assert "not a valid regular expression" in (
        check_pronunciation(Pronunciation("(", "x", True)) or ""
    )
    assert "matches empty text" in (check_pronunciation(Pronunciation("a*", "x", True)) or "")
    path = tmp_path / "settings.json"
    entries = [
        {"pattern": "(", "replacement": "x", "regex": True},
        {"pattern": "GUI", "replacement": "gooey"},
        "junk",
    ]
    path.write_text(json.dumps({"pronunciations": entries}))
    settings = SettingsFile(path).load()
    assert settings.pronunciations == (Pronunciation("GUI", "gooey"),)


def test_a_cloud_voice_is_sent_prose_with_the_pronunciations(tmp_path) -> None:
    config = tmp_path / "config"
    (config / "io.github.reader.Reader").mkdir(parents=True)
    settings = {"pronunciations": [{"pattern": "GUI", "replacement": "gooey"}]}
    (config / "io.github.reader.Reader" / "settings.json").write_text(json.dumps(settings))
    env = {"XDG_CONFIG_HOME": str(config)}
    text = "# The GUI\n\nRead **this** [page](https://example.com/a)."
    with FakeSpeechServer() as server:
        result = speak("openai-compatible", server.url, tmp_path / "o.wav", text, env=env)
        assert result.returncode == 0, result.stderr
        assert sorted(r.body["input"] for r in server.requests if r.method == "POST") == [
            "Read this page.",
            "The gooey",
        ]
        plain = speak("openai-compatible", server.url, tmp_path / "p.wav", text, "--plain", env=env)
        assert plain.returncode == 0, plain.stderr
        assert "Read **this** [page](https://example.com/a)." in [
            r.body["input"] for r in server.requests if r.method == "POST"
        ]


def test_markdown_searched_in_windows_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The line patterns are searched a window at a time (so no single search holds the
    interpreter lock for long); windows far smaller than a block must change nothing."""
    import reader.text.prepare as prepare

    block = (
        "Title {n}\n=====\n\n# Heading {n}\n\nSub {n}\n---\n\n> quoted {n}\n> more\n\n"
        "| a | b |\n| --- | --- |\n| {n} | two |\n\n- item {n}\n- [x] done\n\n***\n\n"
        "[ref{n}]: https://example.com/{n}\n\nPlain words, then *emphasis* {n}.\n\n"
    )
    text = "".join(block.format(n=n) for n in range(60))
    monkeypatch.setattr(prepare, "_SEARCH_WINDOW", 1 << 62)
    whole = prepare.read_markdown(text).spoken
    for window in (1, 7, 64, 1000):
        monkeypatch.setattr(prepare, "_SEARCH_WINDOW", window)
        assert prepare.read_markdown(text).spoken == whole
    assert "=====" not in whole and "| a |" not in whole and "> quoted" not in whole
