"""Gemini and Vertex say a key is bad with HTTP 400 INVALID_ARGUMENT, reason
API_KEY_INVALID: Reader tells the person to update the key (exit 3), as for every other
provider's 401 (issue 24)."""

from __future__ import annotations

import json

import httpx

from reader.errors import AuthError, BadRequest
from reader.providers.http import HttpApi, error_for
from tests.helpers.fake_server import GOOGLE_KEY_INVALID
from tests.providers.test_cloud import keyed, save_key, speak

__all__ = ["keyed"]


def test_gemini_bad_key_asks_for_a_new_key(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.mode = "gemini-bad-key"
    save_key("gemini", server.url, env, saved)
    result = speak("gemini", server.url, tmp_path / "out.wav", env)
    assert result.returncode == 3, result.stderr
    assert "Gemini rejected the key (400: API key not valid." in result.stderr
    assert "reader keys set gemini" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.wav").exists()
    asked = [r.body["contents"][0]["parts"][0]["text"] for r in server.requests]
    assert len(asked) == len(set(asked))  # a rejected key is not asked again


def test_vertex_express_bad_key_asks_for_a_new_key(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.mode = "gemini-bad-key"
    root = server.url.removesuffix("/v1") + "/v1beta1/publishers/google"
    save_key("vertex", root, env, saved)
    result = speak("vertex", root, tmp_path / "out.wav", env, "-v", "Kore")
    assert result.returncode == 3, result.stderr
    assert "rejected the key" in result.stderr and "reader keys set vertex" in result.stderr


def test_other_400s_from_google_stay_bad_requests() -> None:
    api = HttpApi("Gemini", "gemini", "https://example.com")
    try:
        other = {"error": {**GOOGLE_KEY_INVALID["error"], "details": []}}
        other["error"]["message"] = "Voice name Nope is not supported."
        error = error_for(api, 400, json.dumps(other).encode(), httpx.Headers())
        assert isinstance(error, BadRequest)
        bare = json.dumps(GOOGLE_KEY_INVALID).encode()  # unwrapped, as generateContent sends
        assert isinstance(error_for(api, 400, bare, httpx.Headers()), AuthError)
    finally:
        api.close()
