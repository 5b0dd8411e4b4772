"""Which listed model Reader asks a server for when the person chose none."""

from __future__ import annotations

import pytest

from reader.providers.http import HttpApi
from reader.providers.model_choice import (
    model_to_show,
    model_when_none_chosen,
    picks_from_listed_models,
    speech_model_among,
)
from reader.providers.openai import OpenAISpeech


@pytest.mark.parametrize(
    ("listed", "picked"),
    [
        # tts-1 wherever it is listed: what a server that has it always got.
        (["gpt-4o-mini-tts", "tts-1"], "tts-1"),
        (["gpt-4o-mini", "kokoro", "tts-1"], "tts-1"),
        # A LiteLLM config without tts-1: its speech model, not the chat one listed first.
        (["gpt-4o-mini", "gpt-4o-mini-tts"], "gpt-4o-mini-tts"),
        (["gpt-4o-mini", "whisper-1", "kokoro"], "kokoro"),
        (["llama-3", "my-voice"], "my-voice"),
        (["my-speech", "kokoro"], "my-speech"),
        (["hexgrad/Kokoro-82M"], "hexgrad/Kokoro-82M"),
        (["Qwen/Qwen3-TTS-12Hz-1.7B"], "Qwen/Qwen3-TTS-12Hz-1.7B"),
        (["canopylabs/orpheus-3b-0.1-ft"], "canopylabs/orpheus-3b-0.1-ft"),
        # "tts" beats a family name, which beats "voice" and "audio", whatever the order.
        (["gpt-4o-audio-preview", "house-voice", "kokoro", "tts-1-hd"], "tts-1-hd"),
        (["gpt-4o-audio-preview", "house-voice", "kokoro"], "kokoro"),
        (["gpt-4o-audio-preview", "house-voice"], "house-voice"),
        (["gpt-4o-mini", "gpt-4o-audio-preview"], "gpt-4o-audio-preview"),
        # Within a rule, the server's order.
        (["tts-1-hd", "gpt-4o-mini-tts"], "tts-1-hd"),
        (["gpt-4o-mini-tts", "tts-1-hd"], "gpt-4o-mini-tts"),
        # Speech the other way round is not speech to ask for.
        (["whisper-1", "gpt-4o-mini-transcribe", "speech-to-text", "kokoro"], "kokoro"),
        (["gpt-4o-realtime-preview", "text-to-speech"], "text-to-speech"),
        # Case does not matter; "dia" is a word, not part of "media".
        (["MEDIA-LLM", "Dia-1.6B"], "Dia-1.6B"),
    ],
)
def test_the_speech_model_is_picked_from_the_list(listed: list[str], picked: str) -> None:
    assert speech_model_among(listed) == picked


def test_what_the_server_says_a_model_is_for_comes_before_its_name() -> None:
    # LiteLLM 1.106.12's /v1/models "mode"s, as seen for a config with these names.
    modes = {"gpt-4o-mini": "chat", "whisper-1": "audio_transcription", "house": "audio_speech"}
    listed = ["gpt-4o-mini", "whisper-1", "kokoro", "house"]
    assert speech_model_among(listed, modes) == "house"
    assert speech_model_among(["tts-1", "house"], modes) == "tts-1"  # still first
    assert speech_model_among(["gpt-4o-mini", "kokoro"], modes) == "kokoro"
    # A model said to be for something else is never picked, whatever its name.
    assert speech_model_among(["voice-chat"], {"voice-chat": "chat"}) is None
    assert speech_model_among(["gpt-4o-audio-preview"], {"gpt-4o-audio-preview": "chat"}) is None


@pytest.mark.parametrize(
    "listed",
    [
        [],
        ["gpt-4o-mini", "llama-3.1-8b", "text-embedding-3-small"],
        ["whisper-1", "gpt-4o-mini-transcribe", "speech-to-text", "multimedia"],
    ],
)
def test_nothing_is_picked_when_nothing_looks_like_speech(listed: list[str]) -> None:
    assert speech_model_among(listed) is None


def compatible() -> OpenAISpeech:
    return OpenAISpeech(
        HttpApi("Server", "openai-compatible", "http://127.0.0.1:9/v1", {}),
        "openai-compatible",
        "Server",
        compatible=True,
    )


def test_a_server_keeps_tts1_when_its_list_has_no_speech_model() -> None:
    provider = compatible()
    try:
        assert model_when_none_chosen(provider, []) == "tts-1"
        assert model_when_none_chosen(provider, ["gpt-4o-mini"]) == "tts-1"
        assert model_when_none_chosen(provider, ["gpt-4o-mini", "kokoro"]) == "kokoro"
    finally:
        provider.close()


def test_only_a_compatible_server_is_asked_for_its_list() -> None:
    api = HttpApi("OpenAI", "openai", "http://127.0.0.1:9/v1", {})
    openai = OpenAISpeech(api, "openai", "OpenAI")
    deployment = OpenAISpeech(api, "azure", "Azure", deployment="speech")
    server = compatible()
    try:
        assert not picks_from_listed_models(openai)
        assert not picks_from_listed_models(deployment)
        assert picks_from_listed_models(server)
    finally:
        for provider in (openai, deployment, server):
            provider.close()


@pytest.mark.parametrize(
    ("listed", "current", "shown"),
    [
        # The window's box: what was saved or typed stays when the server has it.
        (["gpt-4o-mini", "kokoro", "tts-1"], "gpt-4o-mini", "gpt-4o-mini"),
        # The default (tts-1) or a saved model the server lacks: its speech model.
        (["gpt-4o-mini", "whisper-1", "kokoro"], "tts-1", "kokoro"),
        (["gpt-4o-mini", "whisper-1", "kokoro"], "gone-model", "kokoro"),
        # Nothing that looks like speech: the server's first, as before.
        (["gpt-4o-mini", "llama-3"], "tts-1", "gpt-4o-mini"),
        # A server that lists nothing: whatever is current (typed, saved, tts-1).
        ([], "my-typed-model", "my-typed-model"),
    ],
)
def test_the_window_shows_the_model_speak_would_ask_for(
    listed: list[str], current: str, shown: str
) -> None:
    provider = compatible()
    try:
        assert model_to_show(provider, listed, current) == shown
    finally:
        provider.close()
