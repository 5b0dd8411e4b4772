"""OpenAI speech and OpenAI-compatible servers, against the loopback server, through the CLI."""
# ruff: noqa: E501  (error bodies are quoted verbatim, one per line)

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import require
from tests.helpers import cli
from tests.helpers.cli import reader
from tests.helpers.fake_server import Failure, FakeSpeechServer

TEXT = "Hello from the loopback server. This is a second sentence."
KEY = "sk-loopback-KEY-0123456789abcdef"


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        yield server


def speak(server: FakeSpeechServer, out: Path, *extra: str, env: dict[str, str] | None = None):
    return cli.speak("openai-compatible", server.url, out, TEXT, *extra, env=env)


def written(out: Path) -> np.ndarray:
    data, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000
    return data


@pytest.mark.parametrize(
    ("mode", "model"),
    [
        ("raw", "tts-1"),
        ("sse", "gpt-4o-mini-tts"),
        ("sse-no-done", "gpt-4o-mini-tts"),
        ("wav", "tts-1"),
        ("mislabeled", "tts-1"),
        ("raw", "gpt-4o-mini-tts"),
    ],
)
def test_audio_is_sample_for_sample_what_the_server_sent(server, tmp_path, mode, model) -> None:
    # "raw" with gpt-4o-mini-tts: SSE asked for, raw audio returned (a proxy dropped it).
    server.mode = mode
    out = tmp_path / "out.wav"
    result = speak(server, out, "-m", model, "-v", "af_heart")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    posts = [r.body for r in server.requests if r.method == "POST"]
    assert posts[0]["response_format"] == "pcm" and posts[0]["voice"] == "af_heart"
    assert ("stream_format" in posts[0]) == (model == "gpt-4o-mini-tts")
    assert sorted(p["input"] for p in posts) == [
        "Hello from the loopback server.",
        "This is a second sentence.",
    ]


def test_keys_set_for_the_server_is_sent_to_it_and_nowhere_else(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    with FakeSpeechServer() as first, FakeSpeechServer() as second:
        saved = reader(
            "keys", "set", "openai-compatible", "--base-url", first.url, stdin=KEY, env=env
        )
        assert saved.returncode == 0, saved.stderr
        try:
            result = speak(first, tmp_path / "a.wav", env=env)
            assert result.returncode == 0, result.stderr
            assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in first.requests)
            # The other server is a different host:port: it gets no key at all.
            result = speak(second, tmp_path / "b.wav", env=env)
            assert result.returncode == 0, result.stderr
            assert second.requests and all(
                "authorization" not in r.headers for r in second.requests
            )
            for request in second.requests:
                assert KEY not in json.dumps(request.headers) + json.dumps(request.body)
        finally:
            reader("keys", "delete", "openai-compatible", "--base-url", first.url, env=env)


def test_a_key_set_for_openai_chat_is_the_one_its_requests_send(server, tmp_path) -> None:
    """OpenAI's chat audio and its speech endpoint share one key: `reader keys set
    openai-chat` saves the key that `speak -p openai-chat` then sends (it used to be saved
    under a name nothing read, and `keys list` showed openai-chat as having none)."""
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    saved = reader("keys", "set", "openai-chat", "--base-url", server.url, stdin=KEY, env=env)
    assert saved.returncode == 0, saved.stderr
    try:
        assert "OpenAI's chat audio and speech share one key" in saved.stderr
        result = cli.speak("openai-chat", server.url, tmp_path / "x.wav", TEXT, env=env)
        assert result.returncode == 0, result.stderr
        assert server.requests
        assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.requests)
        listed = reader("keys", "list", env=env).stdout.splitlines()
        chat = [line for line in listed if line.startswith("openai-chat")]
        assert chat == ["openai-chat        the openai key"]
    finally:
        reader("keys", "delete", "openai-chat", "--base-url", server.url, env=env)
    assert reader("keys", "list", env=env).stdout.count("…") == 0


def test_an_openai_key_never_goes_to_another_host(server, tmp_path) -> None:
    env = {"OPENAI_API_KEY": KEY}
    result = cli.speak("openai", server.url, tmp_path / "x.wav", TEXT, env=env)
    assert result.returncode == 3
    host = server.url.split("/")[2]
    assert (
        f"OPENAI_API_KEY is set, but it goes only to api.openai.com; save a key for {host} "
        f"with `reader keys set openai --base-url {server.url}`"
    ) in result.stderr
    assert server.requests == []


@pytest.mark.parametrize("provider", ["openai", "openai-compatible"])
def test_openai_base_url_and_key_go_together_as_for_the_sdk(server, tmp_path, provider) -> None:
    env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.url + "/"}
    out = tmp_path / "x.wav"
    # No --base-url: OPENAI_BASE_URL is where the SDK would go, and so does Reader.
    result = reader("speak", "-p", provider, "-o", str(out), "--no-play", TEXT, env=env)
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    posts = [r for r in server.requests if r.method == "POST"]
    assert posts and all(r.headers["authorization"] == f"Bearer {KEY}" for r in posts)
    assert KEY not in result.stderr


def test_openai_base_url_pairs_the_key_with_that_server_only(server, tmp_path) -> None:
    with FakeSpeechServer() as other:
        env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": other.url}
        server.failures.append(Failure(401, b'{"error": {"message": "No api key passed in."}}'))
        result = speak(server, tmp_path / "x.wav", env=env)
    assert result.returncode == 3
    host = server.url.split("/")[2]
    assert result.stderr.strip() == (
        f"reader: The server at {host} wants a key (401: No api key passed in.), and none "
        f"was sent: OPENAI_API_KEY is set, but it goes with OPENAI_BASE_URL ({other.url}), "
        f"not to {host}; save a key for {host} with "
        f"`reader keys set openai-compatible --base-url {server.url}`."
    )
    assert all("authorization" not in r.headers for r in server.requests)
    assert other.requests == []


def test_a_rejected_key_says_how_to_replace_it_for_that_server(server, tmp_path) -> None:
    env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": server.url}
    server.failures.append(Failure(401, b'{"error": {"message": "Incorrect API key"}}'))
    result = speak(server, tmp_path / "x.wav", env=env)
    assert result.returncode == 3
    assert (
        "rejected the key (401: Incorrect API key). Set the right one in Settings → Keys, "
        f"or with `reader keys set openai-compatible --base-url {server.url}`"
    ) in result.stderr


def test_openai_with_a_key_saved_for_the_host(server, tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert (
        reader("keys", "set", "openai", "--base-url", server.url, stdin=KEY, env=env).returncode
        == 0
    )
    try:
        out = tmp_path / "out.wav"
        extra = ("--instructions", "Calm and warm.")
        result = cli.speak("openai", server.url, out, TEXT, *extra, env=env)
        assert result.returncode == 0, result.stderr
        body = server.requests[0].body
        assert body["model"] == "gpt-4o-mini-tts" and body["instructions"] == "Calm and warm."
        assert body["stream_format"] == "sse" and body["voice"] == "alloy"
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
        assert np.array_equal(written(out), server.sent_pcm(TEXT))
    finally:
        reader("keys", "delete", "openai", "--base-url", server.url, env=env)


@pytest.mark.parametrize(
    ("failure", "status", "message"),
    [
        (
            Failure(
                401,
                b'{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}',
            ),
            3,
            # No key was saved, so none was sent: the message says so, and how to give one.
            "wants a key (401: Incorrect API key provided), and none was sent: No key is saved",
        ),
        (
            Failure(
                400,
                b'{"detail":{"error":"invalid_model","message":"Unsupported model","type":"invalid_request_error"}}',
            ),
            4,
            "refused the request (400: Unsupported model)",
        ),
        (
            Failure(
                422,
                b'{"detail":[{"loc":["body","speed"],"msg":"Input should be less than 4","type":"x"}]}',
            ),
            4,
            "Input should be less than 4",
        ),
        (
            Failure(404, b'{"error":"voice not found"}'),
            4,
            "does not know the voice, model or address asked for (voice not found)",
        ),
        (
            Failure(
                502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"
            ),
            4,
            "an HTML page instead of an API answer",
        ),
    ],
)
def test_errors_become_one_clear_line(server, tmp_path, failure, status, message) -> None:
    server.failures = [failure] * 20  # every attempt fails
    result = speak(server, tmp_path / "x.wav")
    assert result.returncode == status, result.stderr
    attempts = sum(1 for r in server.requests if r.method == "POST")
    # 5xx is retried with backoff (4 attempts); a 4xx is the provider's final word.
    assert attempts >= 4 if failure.status >= 500 else attempts <= 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_404_lists_what_the_server_has(server, tmp_path) -> None:
    server.failures = [Failure(404, b'{"detail":"Voice not found: af_nobody"}', method="POST")] * 4
    result = speak(server, tmp_path / "x.wav")
    assert result.returncode == 4
    line = result.stderr.strip()
    assert (
        "does not know the voice, model or address asked for (Voice not found: af_nobody)" in line
    )
    assert "Voices: af_heart, bm_george; models: kokoro, tts-1." in line


def test_429_that_persists_says_how_long_the_provider_asked_to_wait(server, tmp_path) -> None:
    body = b'{"error":{"message":"Rate limit reached","type":"requests"}}'
    server.failures = [Failure(429, body, {"retry-after-ms": "200"})] * 20
    result = speak(server, tmp_path / "x.wav")
    assert result.returncode == 4
    assert "rate limiting requests (Rate limit reached). It asked to wait 0 s." in result.stderr


def test_429_waits_for_retry_after_then_succeeds(server, tmp_path) -> None:
    body = (
        b'{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}'
    )
    server.failures = [Failure(429, body, {"Retry-After": "1"})]
    out = tmp_path / "out.wav"
    result = speak(server, out)
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))


LONG = (
    "Hello from the loopback server. "
    + "This sentence fills the second request with a few more words. " * 3
    + "And this one goes in the third request, after the second is full of words. " * 3
)


def test_mp3_in_sse_deltas_falls_back_to_raw_pcm_for_good(server, tmp_path) -> None:
    # openai-edge-tts: SSE deltas are MP3 whatever response_format asked for; its raw
    # path sends PCM (labelled audio/L16). Noise must never be played.
    server.mode = "edge"
    out = tmp_path / "out.wav"
    result = cli.speak("openai-compatible", server.url, out, LONG, "-m", "gpt-4o-mini-tts")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(LONG))
    posts = [r.body for r in server.requests if r.method == "POST"]
    asked_sse = [p for p in posts if p.get("stream_format") == "sse"]
    raw = [p["input"] for p in posts if "stream_format" not in p]
    assert 1 <= len(asked_sse) <= 2  # only requests already in flight asked for SSE
    assert len(posts) >= 4 and "stream_format" not in posts[-1]
    assert sorted(raw) == sorted(server.sent)  # each chunk's audio came once, raw


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (
            {
                "type": "speech.audio.error",
                "error": {"message": "CUDA out of memory", "type": "server_error"},
            },
            "CUDA out of memory",
        ),
        ({"type": "error", "error": "No voice named alloy"}, "No voice named alloy"),
    ],
    ids=["vllm-omni", "edge-tts"],
)
def test_an_error_event_inside_the_stream_is_one_clear_line(server, tmp_path, event, said) -> None:
    server.mode = "sse-error"
    server.error_event = event
    out = tmp_path / "out.wav"
    result = speak(server, out, "-m", "gpt-4o-mini-tts")
    assert result.returncode == 4
    assert said in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_refused_connection_is_retried_then_reported(tmp_path) -> None:
    with FakeSpeechServer() as server:
        url = server.url
    result = reader(
        "speak",
        "-p",
        "openai-compatible",
        "--base-url",
        url,
        "--no-play",
        "-o",
        str(tmp_path / "x.wav"),
        "Hello.",
    )
    assert result.returncode == 4
    assert (
        f"Cannot connect to the server at {url.split('/')[2]}: nothing answers there"
        in result.stderr
    )


def test_voices_of_a_kokoro_shaped_server(server) -> None:
    result = reader("voices", "-p", "openai-compatible", "--base-url", server.url)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["af_heart", "bm_george"]
    server.voices = ["plain", "strings"]
    result = reader("voices", "-p", "openai-compatible", "--base-url", server.url)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["plain", "strings"]


def test_public_plain_http_is_refused(tmp_path) -> None:
    result = reader(
        "speak",
        "-p",
        "openai-compatible",
        "--base-url",
        "http://8.8.8.8/v1",
        "--no-play",
        "-o",
        str(tmp_path / "x.wav"),
        "Hi.",
    )
    assert result.returncode == 2 and "use https://" in result.stderr


def test_behind_a_buffering_proxy_audio_starts_after_the_first_sentence(server, registry) -> None:
    from reader.audio.output import clock_output
    from reader.reading.engine import Reading
    from reader.reading.events import Started, Voicing

    server.mode = "buffering"
    server.synthesis_speed = 2.0
    first = "A short opening."
    rest = " ".join(
        f"Then sentence number {n} follows, a good deal longer than the first." for n in range(6)
    )
    started: list[float] = []
    provider = registry.create("openai-compatible", server.url)
    reading = Reading(
        f"{first} {rest}",
        provider,
        Voicing("af_heart"),
        clock_output(8.0),
        on_event=lambda e: started.append(time.monotonic()) if isinstance(e, Started) else None,
    )
    began = time.monotonic()
    reading.start()
    assert reading.wait(60)
    seconds = {text: len(pcm) / 2 / 24_000 for text, pcm in server.sent.items()}
    first_synthesis = seconds[first] / server.synthesis_speed
    whole_synthesis = sum(seconds.values()) / server.synthesis_speed
    heard_after = started[0] - began
    # The proxy held each request until its clip was ready: the first request was one
    # sentence, so sound began after that sentence's synthesis, not the whole text's.
    assert heard_after < first_synthesis + 0.5, (heard_after, first_synthesis)
    assert heard_after < whole_synthesis / 3, (heard_after, whole_synthesis)


def test_a_buffering_proxy_is_noticed_and_then_asked_one_sentence_at_a_time(
    server, registry
) -> None:
    from reader.audio.output import clock_output
    from reader.reading.engine import Reading
    from reader.reading.events import State, Voicing

    server.mode = "buffering"
    server.synthesis_speed = 12.0  # the proxy synthesizes at 4x the speed playback consumes
    # Long enough to play while the request sent with it (four sentences, kept when the
    # proxy is noticed: it is paid for) is synthesized.
    first = "An opening sentence here, which runs on for a little while before it ends."
    rest = [f"Then sentence number {n} follows, about as long as the first." for n in range(8)]
    provider = registry.create("openai-compatible", server.url)
    reading = Reading(" ".join([first, *rest]), provider, Voicing("af_heart"), clock_output(3.0))
    reading.start()
    assert reading.wait(60) and reading.state is State.FINISHED
    # After the first (one-sentence) answer showed the proxy holds whole clips, the
    # request already in flight was kept (it is paid for) and what had not been asked
    # yet was asked one sentence per request, and nothing went silent.
    from reader.text.sentences import split_sentences

    answered = [r.body["input"] for r in server.requests if r.method == "POST"]
    paid = [s.text for text in answered for s in split_sentences(text)]
    assert sorted(paid) == sorted([first, *rest]), answered  # each sentence paid once
    assert len(answered) > 2, answered
    assert all(len(split_sentences(text)) == 1 for text in answered[2:]), answered
    assert reading.buffer.underruns == 0
    # Each sentence was played exactly once: what was delivered is every answer.
    frames = sum(len(server.sent[text]) // 2 for text in answered)
    assert reading.delivered_frames == frames


def test_a_keyless_server_works_when_the_keyring_is_unusable(server, tmp_path) -> None:
    # No Secret Service reachable: the local server needs no key, so reading goes on,
    # with one warning that says what is wrong with the keyring.
    out = tmp_path / "out.wav"
    result = speak(server, out, env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "No OS keyring is available" in lines[0]
    assert "Going on without a key" in lines[0]
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    assert all("authorization" not in r.headers for r in server.requests)


def test_requests_minutes_apart_reuse_one_connection(server) -> None:
    # A long chunk plays for minutes before the next is asked for; the connection must
    # still be there (httpx's default drops it after 5 idle seconds).
    from reader.providers.base import CancelToken, SpeechRequest
    from reader.providers.http import HttpApi
    from reader.providers.openai import OpenAISpeech

    api = HttpApi("The server", "openai-compatible", server.url)
    provider = OpenAISpeech(api, "openai-compatible", "The server", compatible=True)
    try:
        for text in ("The first request.", "The second, after a pause."):
            list(provider.stream(SpeechRequest(text, "af_heart", "tts-1"), CancelToken()))
            time.sleep(6)
    finally:
        provider.close()
    assert len([r for r in server.requests if r.method == "POST"]) == 2
    assert server.connections == 1


def test_speak_uses_the_server_last_chosen_in_the_window(server, tmp_path) -> None:
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    saved = {"provider": "openai-compatible", "base_url": server.url, "voice": "bm_george"}
    (config / "settings.json").write_text(json.dumps(saved))
    out = tmp_path / "out.wav"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = reader("speak", "--no-play", "-o", str(out), "Hello there.", env=env)
    assert result.returncode == 0, result.stderr
    posts = [r.body for r in server.requests if r.method == "POST"]
    assert posts and posts[-1]["voice"] == "bm_george"


def test_a_server_name_that_does_not_resolve_is_said_at_once_not_retried(tmp_path) -> None:
    """A name no resolver knows (`.invalid` never resolves, RFC 2606) will not resolve on
    a retry: one line naming the host, without the retries (and their waits) a server that
    is down gets. A resolver that cannot be reached ("Temporary failure") is still retried."""
    import socket

    host = "tts.example.invalid"
    try:
        socket.getaddrinfo(host, 80)
        found = 0
    except socket.gaierror as error:
        found = error.errno or 0
    require(found == socket.EAI_NONAME, "a resolver that answers (EAI_NONAME for .invalid)")
    out = tmp_path / "x.wav"
    result = cli.speak("openai-compatible", f"https://{host}/v1", out, TEXT, verbose=True)
    assert result.returncode == 4
    # httpcore logs each connection it tries: one, to list the models, and no more (the
    # speech would go to the same name; a server that is down is tried again, with waits
    # between: 5 tries before).
    tries = [line for line in result.stderr.splitlines() if "connect_tcp.started" in line]
    assert len(tries) == 1, tries
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        f"reader: Cannot find {host}: its name does not resolve (a mistyped address, or no "
        "network?)."
    )
    assert not out.exists()
