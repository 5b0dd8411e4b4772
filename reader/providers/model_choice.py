"""Which of a server's listed models to ask for speech when the person chose none.

An OpenAI-compatible server (a LiteLLM proxy, Kokoro-FastAPI, vLLM…) answers only for
the model names in its own configuration: a LiteLLM proxy whose speech model is called
`kokoro` or `my-voice` refuses `tts-1` with a 400. Its `GET /models` says what it has;
these rules pick the listed name most likely to be a speech model. Both the command line
and the window's model box use them, so the two ask a server for the same model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence

from reader.errors import KeyProblem, ReaderError, UnknownHost
from reader.providers.base import Provider
from reader.providers.openai import OpenAISpeech

log = logging.getLogger(__name__)

_MAX_SHOWN = 20

# What Reader asks for when it knows nothing better (OpenAI's classic model, which most
# OpenAI-style servers accept as an alias: Kokoro-FastAPI, openai-edge-tts, LiteLLM's
# usual config).
CLASSIC = "tts-1"

# Open text-to-speech model families whose served names seldom say "tts": Kokoro-FastAPI
# serves `kokoro`, vLLM serves `hexgrad/Kokoro-82M`, `canopylabs/orpheus-3b-…`, and so on.
# Matched as whole words of the name, so `dia` does not match `media`.
_FAMILIES = frozenset(
    "kokoro piper orpheus chatterbox zonos parler bark dia f5 cosyvoice csm sesame".split()
)

# Names that mention speech or audio the other way round, or through another API: they
# would take `/audio/speech` no better than a chat model (speech to text, OpenAI's
# realtime and chat-audio models).
_NOT_SPEECH = frozenset("whisper stt asr transcribe transcription realtime embedding".split())


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", name.lower()) if word]


def _is_not_speech(words: list[str]) -> bool:
    if _NOT_SPEECH.intersection(words):
        return True
    # "speech-to-text" (but not "text-to-speech")
    return any(a == "to" and b == "text" for a, b in zip(words, words[1:], strict=False))


# LiteLLM's word for a model that serves /audio/speech, in its /models listing.
SPEECH_MODE = "audio_speech"

# In order of preference, with why. Within one rule the server's own order decides (its
# config's order: the person put their main model first).
_RULES: tuple[Callable[[str, list[str], str], bool], ...] = (
    # 1. `tts-1` itself: what Reader has always sent, so a server that has it keeps
    #    getting exactly what it got before.
    lambda name, words, mode: name == CLASSIC,
    # 2. the server says it is a speech model (LiteLLM's "mode"): surer than any name,
    #    and the only sign for an alias such as `house` mapped to gpt-4o-mini-tts.
    lambda name, words, mode: mode == SPEECH_MODE,
    # 3. "tts" in the name: the near-universal mark of a speech model (gpt-4o-mini-tts,
    #    tts-1-hd, xtts, MeloTTS, Qwen3-TTS, kokoro-tts).
    lambda name, words, mode: "tts" in name.lower(),
    # 4. "speech" in the name (fish-speech, openai-speech, my-speech).
    lambda name, words, mode: "speech" in name.lower(),
    # 5. a known open speech model family (kokoro, piper, orpheus…).
    lambda name, words, mode: bool(_FAMILIES.intersection(words)),
    # 6. "voice" in the name: an alias a person gave their speech model (my-voice).
    lambda name, words, mode: "voice" in name.lower(),
    # 7. "audio" last: OpenAI's "audio" models (gpt-4o-audio-preview) speak through chat,
    #    not /audio/speech, so it is the weakest hint; still likelier than a name that
    #    says nothing, and than `tts-1`, which this server does not have.
    lambda name, words, mode: "audio" in name.lower(),
)


def speech_model_among(listed: Sequence[str], modes: Mapping[str, str] | None = None) -> str | None:
    """The listed model to ask for speech: `tts-1` if listed, else the first that looks
    most like a speech model (the rules above), by its name and by what the server's
    `modes` say it is for; None if none looks like one. A model the server says is for
    something else (chat, transcription…) is never picked."""
    modes = modes or {}
    candidates = [(name, _words(name), modes.get(name, "")) for name in listed]
    candidates = [
        (name, words, mode)
        for name, words, mode in candidates
        if not _is_not_speech(words) and mode in ("", SPEECH_MODE)
    ]
    for rule in _RULES:
        for name, words, mode in candidates:
            if rule(name, words, mode):
                return name
    return None


def _modes_of(provider: Provider) -> Mapping[str, str]:
    return provider.model_modes if isinstance(provider, OpenAISpeech) else {}


def picks_from_listed_models(provider: Provider) -> bool:
    """Whether `provider`'s model, when none is chosen, is picked from its server's list:
    an OpenAI-compatible server only (OpenAI and Azure deployments have a known model,
    so nothing is listed for them)."""
    return isinstance(provider, OpenAISpeech) and provider.lists_models


def model_when_none_chosen(provider: Provider, listed: Sequence[str]) -> str:
    """The model to ask `provider` for when the person chose none, given its server's
    `listed` models: one of them that looks like speech, else the provider's default (a
    server that lists nothing, or nothing that looks like speech, keeps `tts-1`)."""
    return speech_model_among(listed, _modes_of(provider)) or provider.default_model()


def model_to_show(provider: Provider, listed: Sequence[str], current: str) -> str:
    """The model the window's box shows (and a reading asks for) given the server's
    `listed` models: `current` (saved, typed, or the provider's default) if listed or if
    nothing is; else the listed speech model, as `reader speak` picks it; else the
    server's first, since the box offers only what the server lists."""
    if current in listed or not listed:
        return current
    return speech_model_among(listed, _modes_of(provider)) or listed[0]


def model_to_ask(provider: Provider) -> tuple[str, list[str]]:
    """The model to ask `provider` for when the person chose none, and the models its
    server listed ([] when it was not asked, or lists none). Asks the server (a request:
    call it off the audio thread, before the reading starts)."""
    if not picks_from_listed_models(provider):
        return provider.default_model(), []
    try:
        listed = provider.models()
    except (KeyProblem, UnknownHost):
        raise  # a refused key, or a host that does not exist, fails speech too: said now
    except ReaderError as error:
        # Otherwise the list is a courtesy: the speech request says in its own words
        # what is wrong (no server, a broken list), or works.
        log.info("%s could not list its models (%s)", provider.display_name, error)
        listed = []
    model = model_when_none_chosen(provider, listed)
    if listed:
        log.info("%s lists %s; asking for %s", provider.display_name, ", ".join(listed), model)
    return model, listed


def unlisted_model_hint(model: str, listed: Sequence[str]) -> str:
    """What to add to a refusal of `model` when the server listed other models: their
    names and how to choose one ("" when it listed none, or listed `model`)."""
    if not listed or model in listed:
        return ""
    shown = ", ".join(listed[:_MAX_SHOWN])
    more = f" and {len(listed) - _MAX_SHOWN} more" if len(listed) > _MAX_SHOWN else ""
    return (
        f"It lists no {model}, and none of its models looks like a speech model: "
        f"{shown}{more}. Choose its speech model with `-m NAME`."
    )
