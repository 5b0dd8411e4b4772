"""Keeping keys out of logs: labelled secrets by pattern, known key values by value."""

from __future__ import annotations

import logging
import re
import threading

MASK = "[redacted]"

_PATTERNS = (
    # Authorization: Bearer x, api-key: x, x-goog-api-key: x, xi-api-key: x (headers or dicts)
    re.compile(
        r"(?i)(['\"]?(?:authorization|api-key|x-goog-api-key|xi-api-key)['\"]?\s*[:=]\s*['\"]?)"
        r"(?:bearer\s+)?[^\s'\",}]+"
    ),
    re.compile(r"(?i)(\bbearer\s+)[^\s'\",}]+"),
    re.compile(r"(?i)([?&](?:key|api_key|api-key)=)[^&\s'\"]+"),
)


class Redactor:
    """Masks secrets in text. Key values it has been told about are masked wherever they
    appear, labelled or not; header and query patterns catch the rest."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        # Very short strings would mask ordinary words; real keys are long.
        if len(secret) >= 8:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) through a Redactor."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception as error:
            # Arguments that do not fit the format: plain logging reports that and goes
            # on, so a slip in a log call must not raise where it was made. The line is
            # still written (through the redactor: its arguments may hold a key).
            message = (
                f"{_text(record.msg)} [log arguments {_text(record.args)} did not fit: {error}]"
            )
        if record.exc_info and not record.exc_text:
            try:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            except Exception as error:
                record.exc_text = f"(the traceback could not be formatted: {error})"
        record.msg = self._redactor.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self._redactor.redact(record.exc_text)
        return True


def _text(value: object) -> str:
    try:
        return repr(value) if isinstance(value, tuple | dict) else str(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be shown>"
