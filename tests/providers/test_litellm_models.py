"""`reader speak` without -m through a real LiteLLM proxy whose config has no `tts-1`:
Reader asks for the speech model the proxy lists, and the person hears it."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from tests.helpers import cli, litellm_seen
from tests.helpers.cli import reader
from tests.helpers.fake_server import Failure, FakeSpeechServer
from tests.helpers.litellm_proxy import MASTER_KEY, LiteLLMProxy
from tests.helpers.sink import locate

TEXT = "Hello through the proxy. This is its second sentence."


def paired(proxy: LiteLLMProxy) -> dict[str, str]:
    return {"OPENAI_BASE_URL": proxy.url, "OPENAI_API_KEY": MASTER_KEY}


def posts(server: FakeSpeechServer) -> list[dict[str, object]]:
    return [r.body for r in server.requests if r.method == "POST"]


@pytest.mark.audio
def test_speak_without_a_model_asks_for_the_speech_model_the_proxy_lists(
    litellm_other, sink, tmp_path
) -> None:
    env = {**paired(litellm_other), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with sink.recording(24_000) as recording:
        result = reader(
            "speak", "-p", "openai-compatible", "--base-url", litellm_other.url, TEXT, env=env
        )
        time.sleep(0.3)  # the recorder is a little behind the sink
    assert result.returncode == 0, result.stderr
    # The proxy lists gpt-4o-mini (chat), whisper-1 (transcription), kokoro (no mode) and
    # house (its alias of gpt-4o-mini-tts, "mode": "audio_speech"): `house` was asked for,
    # so the proxy passed gpt-4o-mini-tts on to the speech server (no other name it lists
    # maps to that).
    sent = posts(litellm_other.upstream)
    assert sent and all(p["model"] == "gpt-4o-mini-tts" for p in sent), sent
    reference = litellm_other.upstream.sent_pcm(TEXT).astype(np.float64)
    offset, ncc = locate(recording.samples, reference)
    assert ncc >= 0.9, f"normalized cross-correlation {ncc:.3f}"


def test_a_model_given_with_m_is_sent_as_given(litellm_other, tmp_path) -> None:
    env = {**paired(litellm_other), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = tmp_path / "out.wav"
    args = ("-m", "gpt-4o-mini")
    result = cli.speak("openai-compatible", litellm_other.url, out, TEXT, *args, env=env)
    assert result.returncode == 0, result.stderr
    sent = posts(litellm_other.upstream)
    assert sent and all(p["model"] == "gpt-4o-mini" for p in sent), sent


def test_a_proxy_with_tts1_still_gets_tts1(litellm, tmp_path) -> None:
    env = {**paired(litellm), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = cli.speak("openai-compatible", litellm.url, tmp_path / "out.wav", TEXT, env=env)
    assert result.returncode == 0, result.stderr
    sent = posts(litellm.upstream)
    assert sent and all(p["model"] == "tts-1" for p in sent), sent


def test_a_server_without_a_model_list_gets_tts1(tmp_path) -> None:
    with FakeSpeechServer() as server:
        server.failures = [Failure(404, b'{"detail":"Not Found"}', method="GET")]
        out = tmp_path / "out.wav"
        env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
        result = cli.speak("openai-compatible", server.url, out, TEXT, env=env)
        assert result.returncode == 0, result.stderr
        asked = [r.path for r in server.requests if r.method == "GET"]
        assert asked == ["/v1/models"], asked
        sent = posts(server)
        assert sent and all(p["model"] == "tts-1" for p in sent), sent


def test_no_list_is_asked_for_when_a_model_is_given(tmp_path) -> None:
    with FakeSpeechServer() as server:
        env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
        args = ("-m", "kokoro")
        result = cli.speak(
            "openai-compatible", server.url, tmp_path / "o.wav", TEXT, *args, env=env
        )
        assert result.returncode == 0, result.stderr
        assert not [r for r in server.requests if r.method == "GET"]
        assert all(p["model"] == "kokoro" for p in posts(server))


def test_without_a_speech_model_listed_the_error_names_the_servers_models(tmp_path) -> None:
    # A proxy whose config has only chat models: Reader asks for tts-1, and the proxy's
    # answer (LiteLLM 1.106.12's, as observed: tests/helpers/LITELLM.md) is followed by
    # the models it does list and how to choose one.
    with FakeSpeechServer() as server:
        server.models = {"data": [{"id": "gpt-4o-mini"}, {"id": "llama-3.1-8b"}]}
        refusal = json.dumps(litellm_seen.invalid_model("tts-1")).encode()
        server.failures = [Failure(400, refusal, method="POST")] * 5
        out = tmp_path / "out.wav"
        env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
        result = cli.speak("openai-compatible", server.url, out, TEXT, env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Invalid model name passed in model=tts-1" in lines[0]
    assert "gpt-4o-mini, llama-3.1-8b" in lines[0]
    assert "-m" in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_model_saved_for_one_server_is_sent_to_that_server_only(tmp_path) -> None:
    # The window saved a model for server A; `reader speak --base-url B` without -m asks
    # B for a model B lists, and A (the saved server) still gets the saved model.
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    with FakeSpeechServer() as saved, FakeSpeechServer() as other:
        other.models = {"data": [{"id": "gpt-4o-mini"}, {"id": "my-voice"}]}
        settings = {"provider": "openai-compatible", "base_url": saved.url, "model": "kokoro"}
        (config / "settings.json").write_text(json.dumps(settings))
        result = cli.speak("openai-compatible", other.url, tmp_path / "b.wav", TEXT, env=env)
        assert result.returncode == 0, result.stderr
        assert {p["model"] for p in posts(other)} == {"my-voice"}
        result = cli.speak("openai-compatible", saved.url, tmp_path / "a.wav", TEXT, env=env)
        assert result.returncode == 0, result.stderr
        assert {p["model"] for p in posts(saved)} == {"kokoro"}
        assert not [r for r in saved.requests if r.method == "GET"]  # nothing to look up
