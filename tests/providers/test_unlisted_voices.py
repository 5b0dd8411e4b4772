"""Servers that cannot list their voices (LiteLLM has no /audio/voices): OpenAI's standard
voices are offered, any name a person gives is sent, and the server answers for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import cli, litellm_seen
from tests.helpers.cli import reader
from tests.helpers.fake_server import Failure, FakeSpeechServer

TEXT = "A voice the server never listed."


@pytest.fixture
def proxy() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        server.mode, server.synthesis_speed = "litellm", 50.0
        yield server


@pytest.mark.parametrize(
    "answer",
    [
        Failure(404, b'{"detail":"Not Found"}', method="GET"),  # LiteLLM
        Failure(405, b'{"detail":"Method Not Allowed"}', method="GET"),
        Failure(501, b"Not Implemented", content_type="text/plain", method="GET"),
        Failure(200, b"", method="GET"),
        Failure(200, b'{"voices": []}', method="GET"),
    ],
    ids=["404", "405", "501", "empty", "no-voices"],
)
def test_reader_voices_offers_the_standard_voices_when_none_are_listed(answer) -> None:
    with FakeSpeechServer() as server:
        server.failures.append(answer)
        result = reader("voices", "-p", "openai-compatible", "--base-url", server.url)
    assert result.returncode == 0, result.stderr
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert ids[:3] == ["alloy", "ash", "ballad"] and "shimmer" in ids
    assert result.stderr.strip().endswith("sends any other name as given.")
    assert "lists no voices" in result.stderr


def test_speak_sends_any_voice_name_to_such_a_server(proxy, tmp_path) -> None:
    out = tmp_path / "out.wav"
    result = cli.speak(
        "openai-compatible", proxy.url, out, TEXT, "-m", "tts-1", "-v", "my-clone", verbose=True
    )
    assert result.returncode == 0, result.stderr
    assert [body["voice"] for body in proxy.forwarded] == ["my-clone"]
    notes = [line for line in result.stderr.splitlines() if "my-clone" in line]
    assert len(notes) == 1 and "lists no voices; asking it for 'my-clone'" in notes[0]


def test_an_unknown_voice_is_reported_in_the_servers_words(proxy, tmp_path) -> None:
    proxy.failures.append(litellm_seen.upstream_error(400, "Invalid voice 'nobody'"))
    out = tmp_path / "out.wav"
    result = cli.speak("openai-compatible", proxy.url, out, TEXT, "-m", "tts-1", "-v", "nobody")
    assert result.returncode == 4, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Invalid voice 'nobody'" in lines[0], result.stderr
    assert "alloy" not in lines[0]  # offered voices are not the server's list
    assert not out.exists()


def test_a_server_that_lists_voices_still_refuses_an_unknown_name(tmp_path) -> None:
    with FakeSpeechServer() as server:  # lists af_heart and bm_george
        result = cli.speak("openai-compatible", server.url, tmp_path / "x.wav", TEXT, "-v", "nova")
    assert result.returncode == 2
    assert "Unknown voice 'nova'" in result.stderr and "af_heart" in result.stderr
    assert not [r for r in server.requests if r.method == "POST"]


def test_a_server_without_a_model_list_takes_the_model_given(tmp_path) -> None:
    with FakeSpeechServer() as server:
        server.failures.append(Failure(404, b'{"detail":"Not Found"}', method="GET"))
        server.failures.append(Failure(404, b'{"detail":"Not Found"}', method="GET"))
        out = tmp_path / "x.wav"
        result = cli.speak("openai-compatible", server.url, out, TEXT, "-m", "kokoro", "-v", "x")
        assert result.returncode == 0, result.stderr
        assert [r.body["model"] for r in server.requests if r.method == "POST"] == ["kokoro"]


def test_a_key_litellm_cannot_check_is_reported_as_a_key_problem(proxy, tmp_path) -> None:
    # LiteLLM with no database answers any key but its master key with 400 "No connected db."
    proxy.litellm_key = "sk-master"
    env = {"OPENAI_BASE_URL": proxy.url, "OPENAI_API_KEY": "sk-not-the-master-key"}
    result = cli.speak("openai-compatible", proxy.url, tmp_path / "x.wav", TEXT, env=env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip() == (
        f"reader: The server at {proxy.url.split('/')[2]} did not accept the key (400: No "
        "connected db. LiteLLM without a database takes only its master key). Update it "
        f"with `reader keys set openai-compatible --base-url {proxy.url}`."
    )


def test_without_a_keyring_the_way_to_send_the_environment_key_is_named(proxy, tmp_path) -> None:
    # The case: OPENAI_API_KEY set, no keyring. Saving a key cannot work here, so
    # the message also names the pair that sends the key to this server.
    proxy.litellm_key = "sk-master"
    env = {"OPENAI_API_KEY": "sk-master", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    out = tmp_path / "x.wav"
    result = cli.speak("openai-compatible", proxy.url, out, TEXT, env=env)
    assert result.returncode == 3, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "wants a key (401: Authentication Error, No api key passed in.)" in last
    assert last.endswith(f"or set OPENAI_BASE_URL={proxy.url} to send OPENAI_API_KEY there.")
    env["OPENAI_BASE_URL"] = proxy.url
    result = cli.speak("openai-compatible", proxy.url, out, TEXT, env=env)
    assert result.returncode == 0, result.stderr
