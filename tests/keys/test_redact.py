"""No key reaches a log line: by pattern for labelled secrets, by value for known keys."""

from __future__ import annotations

import logging

import pytest

from reader.keys.redact import MASK, RedactingFilter, Redactor


@pytest.mark.parametrize(
    "line",
    [
        "headers={'Authorization': 'Bearer sk-abc123SECRET'}",
        "Authorization: Bearer sk-abc123SECRET",
        "api-key: sk-abc123SECRET",
        "x-goog-api-key: sk-abc123SECRET",
        "xi-api-key=sk-abc123SECRET",
        "GET https://host/v1beta/models/x:generate?alt=sse&key=sk-abc123SECRET",
        '{"xi-api-key": "sk-abc123SECRET"}',
    ],
)
def test_labelled_secrets_are_masked(line: str) -> None:
    redacted = Redactor().redact(line)
    assert "sk-abc123SECRET" not in redacted and MASK in redacted


def test_known_keys_are_masked_anywhere() -> None:
    redactor = Redactor()
    redactor.add("sk-unlabelled-0123456789")
    assert redactor.redact("oops sk-unlabelled-0123456789 here") == f"oops {MASK} here"
    redactor.add("short")  # too short to mask safely: ordinary words would vanish
    assert redactor.redact("a short word") == "a short word"


def test_the_filter_rewrites_messages_arguments_and_tracebacks(caplog) -> None:
    redactor = Redactor()
    redactor.add("sk-in-a-traceback-999")
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactingFilter(redactor))
    try:
        raise ValueError("failed with sk-in-a-traceback-999")
    except ValueError:
        logger.exception("request %s", "Authorization: Bearer sk-in-a-traceback-999")
    record = caplog.records[-1]
    text = logging.Formatter().format(record)
    assert "sk-in-a-traceback-999" not in text
    assert "Traceback" in text
