"""Logging for every entry point: warnings by default, details with --verbose, no keys."""

from __future__ import annotations

import logging

from reader.keys.redact import RedactingFilter, Redactor


def setup_logging(verbose: bool, redactor: Redactor) -> None:
    """Warnings always; details and tracebacks only with --verbose. Without it an internal
    failure reaches the person once, as the one line the program shows for it. Every
    line passes the redactor, so no key reaches a log."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("reader: %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    if not verbose:
        handler.addFilter(lambda record: not record.exc_info)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True
    )
