"""OpenAI chat audio, Gemini and Azure against the loopback server, through the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from tests.helpers import cli
from tests.helpers.cli import reader
from tests.helpers.fake_server import FakeSpeechServer
from tests.providers.test_openai import written

TEXT = "Hello from the loopback server. This is a second sentence."
KEY = "loopback-KEY-0123456789abcdef"


@pytest.fixture
def keyed(
    tmp_path: Path,
) -> Iterator[tuple[FakeSpeechServer, dict[str, str], list[tuple[str, str]]]]:
    """A server, an environment with its own config folder, and keys to delete after."""
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    saved: list[tuple[str, str]] = []
    with FakeSpeechServer() as server:
        yield server, env, saved
    for provider, url in saved:
        reader("keys", "delete", provider, "--base-url", url, env=env)


def save_key(provider: str, url: str, env: dict[str, str], saved: list[tuple[str, str]]) -> None:
    result = reader("keys", "set", provider, "--base-url", url, stdin=KEY, env=env)
    assert result.returncode == 0, result.stderr
    saved.append((provider, url))


def speak(provider: str, url: str, out: Path, env: dict[str, str], *extra: str):
    return cli.speak(provider, url, out, TEXT, *extra, env=env)


def test_chat_audio_reads_delta_audio_and_ends_on_done(keyed, tmp_path) -> None:
    server, env, saved = keyed
    save_key("openai", server.url, env, saved)  # one OpenAI key serves both endpoints
    out = tmp_path / "out.wav"
    result = speak("openai-chat", server.url, out, env, "-v", "coral")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    body = server.requests[0].body
    assert body["modalities"] == ["text", "audio"] and body["stream"] is True
    assert body["audio"] == {"voice": "coral", "format": "pcm16"}
    assert (
        body["messages"][0]["role"] == "system"
        and "word for word" in body["messages"][0]["content"]
    )
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    "mime",
    ["audio/L16;codec=pcm;rate=24000", "audio/l16; rate=24000; channels=1", "AUDIO/L16;RATE=24000"],
)
def test_gemini_streams_every_mime_spelling(keyed, tmp_path, mime) -> None:
    server, env, saved = keyed
    server.gemini_mime = mime
    save_key("gemini", server.url, env, saved)
    out = tmp_path / "out.wav"
    result = speak("gemini", server.url, out, env, "-v", "Puck")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    request = server.requests[0]
    assert request.path.split("?")[0].endswith(":streamGenerateContent")
    query = parse_qs(urlsplit(request.path).query)
    assert query == {"alt": ["sse"]}  # the key never rides in the URL
    assert request.headers["x-goog-api-key"] == KEY and "authorization" not in request.headers
    voice = request.body["generationConfig"]["speechConfig"]["voiceConfig"]
    assert voice == {"prebuiltVoiceConfig": {"voiceName": "Puck"}}


@pytest.mark.parametrize("piece", [1800, 10**9], ids=["streamed", "one-event"])
def test_gemini_wav_bodies_are_read_past_their_header(keyed, tmp_path, piece) -> None:
    server, env, saved = keyed
    server.gemini_mime = "audio/wav"
    server.gemini_piece = piece
    save_key("gemini", server.url, env, saved)
    out = tmp_path / "out.wav"
    result = speak("gemini", server.url, out, env)
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))


def test_gemini_retries_an_empty_other_once(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.mode = "gemini-other-once"
    save_key("gemini", server.url, env, saved)
    out = tmp_path / "out.wav"
    result = speak("gemini", server.url, out, env)
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))


def test_gemini_empty_twice_is_a_clear_error(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.mode = "gemini-other"
    save_key("gemini", server.url, env, saved)
    result = speak("gemini", server.url, tmp_path / "out.wav", env)
    assert result.returncode == 4
    assert "returned no audio twice (finishReason OTHER)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.wav").exists()


def test_gemini_error_without_data_prefix_inside_the_stream(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.mode = "gemini-error"
    save_key("gemini", server.url, env, saved)
    result = speak("gemini", server.url, tmp_path / "out.wav", env)
    assert result.returncode == 4
    assert "Gemini had a server error (500: Internal error.)" in result.stderr
    assert "Traceback" not in result.stderr


def test_azure_deployment_url_api_version_and_api_key(keyed, tmp_path) -> None:
    server, env, saved = keyed
    root = server.url.removesuffix("/v1")
    url = f"{root}/openai/deployments/my-tts"
    save_key("azure", url, env, saved)
    out = tmp_path / "out.wav"
    result = speak("azure", url, out, env, "-v", "nova")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    request = server.requests[0]
    assert urlsplit(request.path).path == "/openai/deployments/my-tts/audio/speech"
    assert parse_qs(urlsplit(request.path).query)["api-version"]
    assert request.headers["api-key"] == KEY and "authorization" not in request.headers
    assert request.body["model"] == "my-tts" and "stream_format" not in request.body


def test_azure_error_envelope_with_a_string_code(keyed, tmp_path) -> None:
    from tests.helpers.fake_server import Failure

    server, env, saved = keyed
    url = server.url.removesuffix("/v1") + "/openai/deployments/my-tts"
    save_key("azure", url, env, saved)
    body = (
        b'{"error":{"code":"429","message":"Requests to the Audio Speech Operation have '
        b'exceeded the call rate limit. Please retry after 1 second."}}'
    )
    server.failures = [Failure(429, body, {"retry-after": "0"})] * 20
    result = speak("azure", url, tmp_path / "out.wav", env)
    assert result.returncode == 4
    assert "is rate limiting requests (Requests to the Audio Speech Operation" in result.stderr


def test_azure_needs_its_deployment_address(tmp_path) -> None:
    result = reader("speak", "-p", "azure", "--no-play", "-o", str(tmp_path / "x.wav"), "Hi.")
    assert result.returncode == 2 and "azure needs --base-url" in result.stderr


EL_MODELS = [
    {
        "model_id": "eleven_multilingual_v2",
        "can_do_text_to_speech": True,
        "maximum_text_length_per_request": 10_000,
    },
    {"model_id": "eleven_english_sts_v2", "can_do_text_to_speech": False},
]


def test_elevenlabs_streams_ndjson_with_the_key_header(keyed, tmp_path) -> None:
    server, env, saved = keyed
    server.models = EL_MODELS
    root = server.url.removesuffix("/v1")
    save_key("elevenlabs", root, env, saved)
    out = tmp_path / "out.wav"
    result = speak("elevenlabs", root, out, env, "-v", "Rachel")  # a voice by its name
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    post = next(r for r in server.requests if r.method == "POST")
    assert (
        urlsplit(post.path).path == "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream/with-timestamps"
    )
    assert parse_qs(urlsplit(post.path).query) == {"output_format": ["pcm_24000"]}
    assert post.headers["xi-api-key"] == KEY and post.body["model_id"] == "eleven_multilingual_v2"
    listed = reader("voices", "-p", "elevenlabs", "--base-url", root, env=env)
    assert [line.split("\t")[:2] for line in listed.stdout.splitlines()] == [
        ["21m00Tcm4TlvDq8ikWAM", "Rachel"],
        ["pNInz6obpgDQGcFmaJgB", "Adam"],
    ]


def test_elevenlabs_character_timings_place_sentences_exactly(keyed) -> None:
    from reader.keys.redact import Redactor
    from reader.keys.store import KeyStore
    from reader.providers.registry import Registry
    from reader.reading.engine import Reading
    from reader.reading.events import State, Voicing

    server, env, saved = keyed
    server.models = EL_MODELS
    root = server.url.removesuffix("/v1")
    keys = KeyStore(Redactor(), environ={})
    keys.save("elevenlabs", KEY, root)
    saved.append(("elevenlabs", root))
    registry = Registry(keys)
    provider = registry.create("elevenlabs", root)
    text = "One. Two words come here. Three more words end it."
    reading = Reading(text, provider, Voicing("21m00Tcm4TlvDq8ikWAM"), None)
    reading.start()
    try:
        assert reading.wait(30) and reading.state is State.FINISHED
    finally:
        registry.close()
    first, second = "One.", "Two words come here. Three more words end it."
    assert set(server.sent) == {first, second}
    chunk_start = len(server.sent[first]) // 2
    # Sentence 2 starts 21 characters into the second request: exactly the frame the
    # server's alignment gave for that character.
    offset = second.index("Three")
    assert reading.timeline.start_of(2) == chunk_start + server.char_frames[second][offset]


def test_vertex_express_mode_key_at_a_vertex_url(keyed, tmp_path) -> None:
    server, env, saved = keyed
    root = server.url.removesuffix("/v1") + "/v1beta1/publishers/google"
    save_key("vertex", root, env, saved)
    out = tmp_path / "out.wav"
    result = speak("vertex", root, out, env, "-v", "Kore")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(written(out), server.sent_pcm(TEXT))
    request = server.requests[0]
    assert urlsplit(request.path).path == (
        "/v1beta1/publishers/google/models/gemini-2.5-flash-tts:streamGenerateContent"
    )
    assert request.headers["x-goog-api-key"] == KEY


def test_vertex_without_credentials_says_how_to_get_them(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "GOOGLE_APPLICATION_CREDENTIALS": ""}
    result = reader(
        "speak", "-p", "vertex", "--no-play", "-o", str(tmp_path / "x.wav"), "Hi.", env=env
    )
    assert result.returncode == 3
    assert "Vertex AI needs Google credentials" in result.stderr
    assert "reader keys set vertex" in result.stderr


def test_vertex_hosts_follow_the_location_rules() -> None:
    from reader.providers.vertex import vertex_base

    assert vertex_base("p", "global").startswith(
        "https://aiplatform.googleapis.com/v1beta1/projects/p/"
    )
    assert vertex_base("p", "us").startswith("https://aiplatform.us.rep.googleapis.com/")
    assert vertex_base("p", "europe-west4").startswith(
        "https://europe-west4-aiplatform.googleapis.com/"
    )
    assert (
        vertex_base(None, "global") == "https://aiplatform.googleapis.com/v1beta1/publishers/google"
    )
