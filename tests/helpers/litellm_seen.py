"""What LiteLLM 1.106.12's proxy was seen to answer (tests/helpers/LITELLM.md), verbatim,
for the fake server's "litellm" mode. tests/providers/test_litellm.py checks the same
things against the real proxy."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.helpers.fake_server import Failure

VERSION = "1.106.12"

# GET /v1/models with two speech models in its config.
MODELS: dict[str, Any] = {
    "data": [
        {
            "id": name,
            "object": "model",
            "created": 1677610602,
            "owned_by": "openai",
            "mode": "audio_speech",
        }
        for name in ("gpt-4o-mini-tts", "tts-1")
    ],
    "object": "list",
}

# The fields of a speech request it passes on to an OpenAI-style server; stream_format
# (and anything else) is dropped.
PASSED_ON = ("model", "input", "voice", "instructions", "response_format", "speed")

# Its own answers.
NO_KEY = {
    "error": {
        "message": "Authentication Error, No api key passed in.",
        "type": "auth_error",
        "param": "None",
        "code": "401",
    }
}
NO_DB = {
    "error": {
        "message": "No connected db.",
        "type": "no_db_connection",
        "param": None,
        "code": "400",
    }
}

# On a speech answer (besides content-type, which is the speech server's audio/* type).
HEADERS = {
    "x-litellm-version": VERSION,
    "x-litellm-model-api-base": "http://127.0.0.1/v1",
    "x-litellm-response-cost": "4.2e-06",
}


def invalid_model(model: str) -> dict[str, Any]:
    return {
        "detail": {
            "error": f"/audio/speech: Invalid model name passed in model={model}. Call "
            "`/v1/models` to view available models for your key."
        }
    }


# How it wraps its speech server's error (status: LiteLLM's exception, its "type").
_WRAPPED = {
    400: ("litellm.BadRequestError: OpenAIException", "invalid_request_error"),
    429: ("litellm.RateLimitError: RateLimitError: OpenAIException", "throttling_error"),
    500: (
        "litellm.InternalServerError: InternalServerError: OpenAIException",
        "internal_server_error",
    ),
}


def upstream_error(status: int, message: str, model: str = "tts-1") -> Failure:
    """The answer to a request its speech server refused with `status` and `message`:
    the same status, the message wrapped, no Retry-After (it is not passed on)."""
    from tests.helpers.fake_server import Failure  # it imports this module

    prefix, kind = _WRAPPED[status]
    body = {
        "error": {
            "message": f"{prefix} - {message}\n\nLiteLLM: model group '{model}' failed with "
            "the error above. No fallback was attempted.",
            "type": kind,
            "param": None,
            "code": str(status),
        }
    }
    return Failure(status, json.dumps(body).encode(), method="POST")
