"""Which offline voice reads a piece of text when the person has not chosen one.

The built-in natural voice speaks English only; eSpeak NG speaks the rest. The choice
goes first by writing system (letters counted per Unicode script: Cyrillic text goes
to eSpeak's Russian voice, Devanagari to Hindi…), then, for Latin letters, by the
commonest little words of a few languages (so a French paragraph is not read with
English sounds). Anything unclear stays with the natural English voice.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

NATURAL = "natural"
ESPEAK = "espeak"

# The first word of a letter's Unicode name → the eSpeak NG voice for that script.
_SCRIPT_VOICES = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "ORIYA": "or",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "SINHALA": "si",
    "THAI": "th",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "ETHIOPIC": "am",
    "MYANMAR": "my",
    "CHEROKEE": "chr",
    "CJK": "cmn",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
}
# Letters that only some languages of a script use.
_UKRAINIAN = set("іїєґІЇЄҐ")
_PERSIAN = set("پچژگ")
_URDU = set("ٹڈڑںےھ")

# Short words frequent in running text of each language; the natural voice is English.
_COMMON_WORDS = {
    "en": "the and of to is in that it you was for with this are be have not on",
    "de": "der die das und ist nicht ein eine ich zu mit sich auf den dem von für auch",
    "fr": "le les et est une des du que qui pas dans pour sur avec je il elle ce au",
    "es": "el los las y es una que por con para no se del al su como pero",
    "it": "il lo gli e è di che una per non con sono del della nel anche",
    "pt": "o os e é um uma que não com para do da em por mas como",
    "nl": "de het een en is van niet dat ik je op te met zijn voor",
}
_WORDS = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}
_LATIN_VOICES = {"de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "nl": "nl"}
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Choice:
    """`engine` is NATURAL or ESPEAK; `voice` the eSpeak voice id (empty for NATURAL)."""

    engine: str
    voice: str = ""


def choose(text: str) -> Choice:
    """The offline voice for `text`: its writing system first, then its language."""
    script = dominant_script(text)
    if script == "LATIN" or not script:
        language = latin_language(text)
        if language == "en":
            return Choice(NATURAL)
        return Choice(ESPEAK, _LATIN_VOICES[language])
    return Choice(ESPEAK, _script_voice(script, text))


def dominant_script(text: str) -> str:
    """The Unicode script most of `text`'s letters are written in ("" if none). Japanese
    kana win over the Han characters they are written among."""
    counts: Counter[str] = Counter()
    for character in text:
        if not character.isalpha():
            continue
        script = unicodedata.name(character, "").split(" ", 1)[0]
        if script:
            counts[script] += 1
    if not counts:
        return ""
    if counts["HIRAGANA"] + counts["KATAKANA"] > 0 and counts["CJK"] >= counts["LATIN"]:
        return "HIRAGANA"
    return counts.most_common(1)[0][0]


def latin_language(text: str) -> str:
    """ "en", or another language whose common words clearly outnumber English ones."""
    words = Counter(word.lower() for word in _WORD.findall(text))
    hits = {
        language: sum(count for word, count in words.items() if word in common)
        for language, common in _WORDS.items()
    }
    best = max(hits, key=lambda language: hits[language])
    if best == "en" or hits[best] < 2 or hits[best] <= hits["en"] * 1.5:
        return "en"
    return best


def _script_voice(script: str, text: str) -> str:
    letters = set(text)
    if script == "CYRILLIC" and letters & _UKRAINIAN:
        return "uk"
    if script == "ARABIC" and letters & _URDU:
        return "ur"
    if script == "ARABIC" and letters & _PERSIAN:
        return "fa"
    # A script eSpeak has no voice for is still read, by the English voice, as eSpeak
    # reads such letters (by name), rather than dropped.
    return _SCRIPT_VOICES.get(script, "en")
