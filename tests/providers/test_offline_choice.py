"""Which offline voice reads a text nobody chose a voice for: by script, then language."""

from __future__ import annotations

import pytest

from reader.providers.offline_choice import ESPEAK, NATURAL, Choice, choose


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, this is Reader.", Choice(NATURAL)),
        ("It was the best of times, it was the worst of times.", Choice(NATURAL)),
        ("", Choice(NATURAL)),
        ("42 — 7!", Choice(NATURAL)),
        # An English text quoting a foreign name stays English.
        ("The novel was written by Lev Tolstoy in Yasnaya Polyana.", Choice(NATURAL)),
        ("Привет, это Reader. Он читает вслух.", Choice(ESPEAK, "ru")),
        ("Привіт, це Reader. Він читає вголос.", Choice(ESPEAK, "uk")),
        ("Καλημέρα, τι κάνεις;", Choice(ESPEAK, "el")),
        ("مرحبا بالعالم", Choice(ESPEAK, "ar")),
        ("سلام، حال شما چطور است؟ من پیش شما هستم", Choice(ESPEAK, "fa")),
        ("שלום עולם", Choice(ESPEAK, "he")),
        ("नमस्ते दुनिया", Choice(ESPEAK, "hi")),
        ("你好，世界。", Choice(ESPEAK, "cmn")),
        ("今日は良い天気ですね。", Choice(ESPEAK, "ja")),
        ("안녕하세요 세계", Choice(ESPEAK, "ko")),
        ("สวัสดีชาวโลก", Choice(ESPEAK, "th")),
        ("Der Hund ist nicht mit dem Ball auf der Wiese.", Choice(ESPEAK, "de")),
        ("Le chat est dans la maison avec les enfants, et il dort.", Choice(ESPEAK, "fr")),
        ("El perro está en la casa con los niños y no quiere salir.", Choice(ESPEAK, "es")),
        # Mostly English with a few Russian words: the letters' majority decides.
        ("Reader reads this sentence aloud, and then says да.", Choice(NATURAL)),
    ],
)
def test_the_text_chooses_the_voice(text: str, expected: Choice) -> None:
    assert choose(text) == expected


def test_every_script_voice_is_an_espeak_voice(offline_provider) -> None:
    from reader.providers import offline_choice

    ids = {voice.id for voice in offline_provider.voices()}
    wanted = set(offline_choice._SCRIPT_VOICES.values()) | set(
        offline_choice._LATIN_VOICES.values()
    )
    assert wanted | {"uk", "fa", "ur", "en"} <= ids
