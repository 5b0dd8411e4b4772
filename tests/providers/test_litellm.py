"""What a person does through a real LiteLLM proxy (the pinned `litellm[proxy]`, started
once per session) in front of the loopback speech server: see the voices, hear one,
export, and get the proxy's errors in words they can act on."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.audio.output import clock_output
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers import cli
from tests.helpers.cli import reader
from tests.helpers.fake_server import Failure
from tests.helpers.litellm_proxy import MASTER_KEY, LiteLLMProxy
from tests.helpers.sink import locate

TEXT = "Hello through the proxy. This is its second sentence."


def paired(proxy: LiteLLMProxy) -> dict[str, str]:
    """The openai SDK's pair: this key for this base URL."""
    return {"OPENAI_BASE_URL": proxy.url, "OPENAI_API_KEY": MASTER_KEY}


def written(path: Path) -> np.ndarray:
    data, rate = soundfile.read(path, dtype="int16")
    assert rate == 24_000
    return np.asarray(data)


def posts(proxy: LiteLLMProxy) -> list[dict[str, object]]:
    return [r.body for r in proxy.upstream.requests if r.method == "POST"]


def test_the_proxy_starts_within_seconds(litellm) -> None:
    # One proxy serves the whole session; its start is the suite's cost for these tests.
    # Measured: 4.7-5.4 s idle, 6-21 s beside other test runs on 2 cores.
    assert litellm.started_in_s < 45, litellm.started_in_s
    print(f"LiteLLM started in {litellm.started_in_s:.1f} s")


def test_reader_voices_offers_openais_voices_for_the_proxy(litellm) -> None:
    result = reader(
        "voices", "-p", "openai-compatible", "--base-url", litellm.url, env=paired(litellm)
    )
    assert result.returncode == 0, result.stderr
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert {"alloy", "shimmer", "nova"} <= set(ids), result.stdout
    # Said once, on stderr (stdout stays a list to pipe): they are offered, not listed.
    assert result.stderr.count("\n") == 1 and "lists no voices" in result.stderr


@pytest.mark.audio
def test_speak_with_shimmer_through_the_proxy_is_heard(litellm, sink) -> None:
    with sink.recording(24_000) as recording:
        result = reader(
            "--verbose",
            "speak",
            "-p",
            "openai-compatible",
            "--base-url",
            litellm.url,
            "-m",
            "gpt-4o-mini-tts",
            "-v",
            "shimmer",
            TEXT,
            env=paired(litellm),
        )
        time.sleep(0.3)  # the recorder is a little behind the sink
    assert result.returncode == 0, result.stderr
    sent = posts(litellm)
    assert sent and all(p["voice"] == "shimmer" for p in sent), sent
    assert all(p["model"] == "gpt-4o-mini-tts" for p in sent), sent
    # The voice was taken as given, with one line saying why.
    notes = [line for line in result.stderr.splitlines() if "shimmer" in line]
    assert len(notes) == 1 and "lists no voices" in notes[0], result.stderr
    reference = litellm.upstream.sent_pcm(TEXT).astype(np.float64)
    offset, ncc = locate(recording.samples, reference)
    assert ncc >= 0.9, f"normalized cross-correlation {ncc:.3f}"
    assert len(recording.samples[offset : offset + len(reference)]) == len(reference)


def test_an_export_through_the_proxy_equals_a_clean_export(litellm, tmp_path) -> None:
    through, clean = tmp_path / "through.wav", tmp_path / "clean.wav"
    args = ("-m", "gpt-4o-mini-tts", "-v", "shimmer")
    result = cli.speak("openai-compatible", litellm.url, through, TEXT, *args, env=paired(litellm))
    assert result.returncode == 0, result.stderr
    # Reader asked for SSE; LiteLLM 1.106 drops stream_format and answers raw audio.
    assert sent_without_stream_format(litellm)
    # The same text straight from the speech server, which lists its voices.
    litellm.upstream.voices = {"voices": [{"id": "shimmer", "name": "Shimmer"}]}
    result = cli.speak("openai-compatible", litellm.upstream.url, clean, TEXT, *args)
    assert result.returncode == 0, result.stderr
    assert len(written(clean)) > 24_000
    assert np.array_equal(written(through), written(clean))


def sent_without_stream_format(proxy: LiteLLMProxy) -> bool:
    sent = posts(proxy)
    return bool(sent) and all("stream_format" not in p for p in sent)


def test_sse_from_behind_the_proxy_is_decoded_not_played_as_noise(litellm, tmp_path) -> None:
    # A speech server that answers SSE: LiteLLM passes the events through, relabelled
    # audio/pcm from response_format (its forwarding of stream_format is not released).
    litellm.upstream.mode = "sse"
    out = tmp_path / "out.wav"
    args = ("-m", "gpt-4o-mini-tts", "-v", "shimmer")
    result = cli.speak("openai-compatible", litellm.url, out, TEXT, *args, env=paired(litellm))
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), litellm.upstream.sent_pcm(TEXT))


def test_the_proxy_is_noticed_to_buffer_whole_clips(litellm, caplog) -> None:
    # The speech server streams as it synthesizes (3x real time); the proxy holds each
    # clip until it is whole. Reader notices from the timing and says so.
    upstream = litellm.upstream
    upstream.mode, upstream.pace, upstream.first_byte_s = "paced", 3.0, 0.1
    api = HttpApi("The proxy", "openai-compatible", litellm.url, _bearer())
    provider = OpenAISpeech(api, "openai-compatible", "The proxy", compatible=True)
    text = "A short opening sentence here. " + " ".join(
        f"Then sentence number {n} follows, a fair bit longer than the first." for n in range(3)
    )
    try:
        with caplog.at_level(logging.INFO, logger="reader.reading.fetch"):
            reading = Reading(text, provider, Voicing("shimmer", "tts-1"), clock_output(4.0))
            reading.start()
            assert reading.wait(60)
    finally:
        provider.close()
    assert reading.state is State.FINISHED, reading.error
    assert any("buffers whole requests" in r.getMessage() for r in caplog.records)


def _bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {MASTER_KEY}"}


def test_without_a_key_the_proxys_401_says_why_none_was_sent(litellm, tmp_path) -> None:
    # The person's OpenAI key is in the environment, but not paired with this server.
    env = {"OPENAI_API_KEY": MASTER_KEY, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = cli.speak("openai-compatible", litellm.url, tmp_path / "x.wav", TEXT, env=env)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "No api key passed in" in lines[0]  # the proxy's own words
    assert (
        f"OPENAI_API_KEY is set, but it goes only to api.openai.com; save a key for "
        f"{litellm.host} with `reader keys set openai-compatible --base-url {litellm.url}`"
    ) in lines[0]
    assert MASTER_KEY not in result.stderr
    assert not posts(litellm)  # the proxy stopped it
    assert not (tmp_path / "x.wav").exists()


def test_a_429_from_the_server_is_passed_through_and_retried(litellm, tmp_path) -> None:
    body = b'{"error": {"message": "Rate limit reached for requests", "type": "requests"}}'
    litellm.upstream.failures.append(Failure(429, body, method="POST"))
    out = tmp_path / "out.wav"
    result = cli.speak("openai-compatible", litellm.url, out, TEXT, env=paired(litellm))
    assert result.returncode == 0, result.stderr
    inputs = [p["input"] for p in posts(litellm)]
    # The proxy answered 429 once; Reader asked for that text again, and only that.
    assert len(inputs) == len(set(inputs)) + 1 and inputs.count(inputs[0]) == 2, inputs
    assert np.array_equal(written(out), litellm.upstream.sent_pcm(TEXT))


def test_a_lasting_500_ends_with_the_servers_words(litellm, tmp_path) -> None:
    body = b'{"error": {"message": "The server had an error", "type": "server_error"}}'
    litellm.upstream.failures.extend([Failure(500, body, method="POST")] * 20)
    out = tmp_path / "out.wav"
    result = cli.speak("openai-compatible", litellm.url, out, TEXT, env=paired(litellm))
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "The server had an error" in lines[0], result.stderr
    assert "server error (500" in lines[0]
    assert not out.exists()


def test_the_fakes_litellm_mode_answers_as_the_real_proxy_does(litellm) -> None:
    """Every behaviour of fake_server's "litellm" mode, side by side with the real proxy's."""
    import httpx

    from tests.helpers import litellm_seen
    from tests.helpers.fake_server import FakeSpeechServer

    key = {"Authorization": f"Bearer {MASTER_KEY}"}
    speech = {"model": "tts-1", "input": "Hi there.", "voice": "nova", "response_format": "pcm"}
    asks: list[tuple[str, str, dict[str, str], dict[str, object] | None]] = [
        ("GET", "/audio/voices", key, None),
        ("GET", "/models", key, None),
        ("POST", "/audio/speech", {}, speech),
        ("POST", "/audio/speech", {"Authorization": "Bearer sk-not-the-master"}, speech),
        ("POST", "/audio/speech", key, {**speech, "model": "espeak-ng"}),
    ]
    failures = [(400, "Invalid voice nova"), (429, "Rate limit reached"), (500, "Had an error")]
    with FakeSpeechServer() as fake:
        fake.mode, fake.litellm_key = "litellm", MASTER_KEY
        for base, upstream in ((litellm.url, litellm.upstream), (fake.url, fake)):
            answers = []
            for method, path, headers, body in asks:
                answers.append(httpx.request(method, base + path, headers=headers, json=body))
            for status, message in failures:
                if upstream is fake:
                    fake.failures.append(litellm_seen.upstream_error(status, message))
                else:
                    # OpenAI's types; LiteLLM keeps a 400's and names 429's and 500's.
                    kind = {400: "invalid_request_error", 429: "requests"}.get(status, "server")
                    raw = {"error": {"message": message, "type": kind}}
                    upstream.failures.append(Failure(status, json.dumps(raw).encode()))
                answers.append(httpx.post(base + "/audio/speech", headers=key, json=speech))
            if upstream is fake:
                fake_answers = answers
            else:
                real_answers = answers
        # Passed on without stream_format, labelled as the speech server labelled it.
        litellm.upstream.requests.clear()
        sse = {**speech, "model": "gpt-4o-mini-tts", "stream_format": "sse"}
        real = httpx.post(litellm.url + "/audio/speech", headers=key, json=sse)
        fake_one = httpx.post(fake.url + "/audio/speech", headers=key, json=sse)
        forwarded = fake.forwarded[-1]
    for real_answer, fake_answer in zip(real_answers, fake_answers, strict=True):
        where = real_answer.request.url.path
        assert real_answer.status_code == fake_answer.status_code, where
        assert real_answer.headers["content-type"] == fake_answer.headers["content-type"], where
        assert real_answer.json() == fake_answer.json(), where
        assert "retry-after" not in real_answer.headers
    assert real.headers["content-type"] == fake_one.headers["content-type"] == "audio/pcm"
    assert real.headers["x-litellm-version"] == litellm_seen.VERSION
    assert fake_one.headers["x-litellm-version"] == litellm_seen.VERSION
    passed_on = [r.body for r in litellm.upstream.requests if r.method == "POST"][-1]
    assert passed_on == forwarded
