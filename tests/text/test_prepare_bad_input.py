"""Text a person can paste that once crashed or misread preparation (issue 24)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reader.settings import SettingsFile
from reader.text.prepare import (
    Dictionary,
    Pronunciation,
    check_pronunciation,
    read_markdown,
    speech_sentences,
)
from tests.helpers.cli import reader


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("Docs: https://example.com／guide", "example.com"),  # a full-width slash
        ("See <http://[fe80::1> now.", "fe80::1"),
        ("Odd http://℀ link.", None),
        ("Go to http://[::1 here.", None),  # no URL the pattern takes; read as written
        ("Port http://example.com:99999/x here.", "example.com"),
    ],
)
def test_urls_that_urlsplit_refuses_are_read_not_raised(text: str, domain: str | None) -> None:
    spoken = " ".join(s.text for s in speech_sentences(text))
    if domain:
        assert domain in spoken and "http" not in spoken


def test_a_full_width_slash_url_exports_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    result = reader("speak", "--no-play", "-o", str(out), "Docs: https://example.com／guide")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (r"v(\d+)", r"\g<num>"),  # IndexError: unknown group name
        ("a{4294967295}", "x"),  # OverflowError
        (r"v(\d+)", r"\2"),  # a group that is not there
        ("(" * 200 + "a" + ")" * 200, "x"),
        ("(?P<x>a)(?P=y)", "x"),
    ],
)
def test_a_broken_regex_entry_is_refused_not_raised(pattern: str, replacement: str) -> None:
    entry = Pronunciation(pattern, replacement, regex=True)
    problem = check_pronunciation(entry)
    if "(" * 200 in pattern and problem is None:
        return  # deep nesting is fine on this Python; it must just not raise
    assert problem
    # A Dictionary handed a broken entry leaves it out instead of raising.
    assert Dictionary([entry, Pronunciation("SQL", "sequel")]).apply("SQL v2").startswith("sequel")


def test_settings_with_broken_pronunciations_load_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    entries = [
        {"pattern": r"v(\d+)", "replacement": r"\g<num>", "regex": True},
        {"pattern": "a{4294967295}", "replacement": "x", "regex": True},
        {"pattern": "SQL", "replacement": "sequel"},
    ]
    path.write_text(json.dumps({"pronunciations": entries}))
    with caplog.at_level(logging.WARNING):
        settings = SettingsFile(path).load()
    assert settings.pronunciations == (Pronunciation("SQL", "sequel"),)
    assert sum("Pronunciation skipped" in r.getMessage() for r in caplog.records) == 2


def test_reader_speaks_despite_a_broken_pronunciation(tmp_path: Path) -> None:
    config = tmp_path / "config"
    folder = config / "io.github.reader.Reader"
    folder.mkdir(parents=True)
    entries = [{"pattern": r"v(\d+)", "replacement": r"\g<num>", "regex": True}]
    (folder / "settings.json").write_text(json.dumps({"pronunciations": entries}))
    out = tmp_path / "x.wav"
    result = reader(
        "speak",
        "--no-play",
        "-o",
        str(out),
        "Version v2 is out.",
        env={"XDG_CONFIG_HOME": str(config)},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Pronunciation skipped" in result.stderr
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("underline", ["---", "===", "-----", "  ---"])
def test_an_underline_after_a_table_row_is_not_read(underline: str) -> None:
    text = f"| Name | Age |\n{underline}\nNext line here."
    prepared = read_markdown(text)
    assert "-" not in prepared.spoken and "=" not in prepared.spoken
    sentences = speech_sentences(text)
    assert [s.text for s in sentences] == ["Name, Age.", "Next line here."]
    starts = [prepared.original_span(i, i + 1)[0] for i in range(len(prepared.spoken))]
    assert starts == sorted(starts)  # the highlight never jumps back
    assert text[sentences[1].start : sentences[1].end] == "Next line here."
