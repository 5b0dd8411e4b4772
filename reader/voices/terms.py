"""The terms of the offline voices on this computer: the built-in ones, read from their
packages' own metadata, and each downloaded voice, from its catalogue entry, with where
the licence's full text is. Help → About and `reader voices --licences` show it, so a
person who installed a voice can still find what they may do with its audio."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from reader.errors import ReaderError
from reader.licences import ADDRESSES, UNDECLARED, component, licence_files, standard_text
from reader.voices.catalogue import EMPTY, CatalogueVoice, load
from reader.voices.store import VoiceStore

# The natural voice is hibari's `heart`, the one voice inside its wheel (the wheel's
# hibari/assets/voices.json marks it "bundled"); the package's licence and NOTICE cover it.
NATURAL_PACKAGE = "hibari-tts"
NATURAL_VOICE = "heart"
ESPEAK_PACKAGE = "espeakng-loader"
ESPEAK_VOICE = "eSpeak NG"
DOWNLOADED = "downloaded"  # the kind of a voice from the catalogue


@dataclass(frozen=True, slots=True)
class LicenceText:
    title: str  # "LICENSE", "Apache-2.0"
    where: str  # a file on this computer, or an address where only that is known
    text: str  # the words; "" where only the address is known


@dataclass(frozen=True, slots=True)
class VoiceTerms:
    name: str  # as a person picks it: `-v heart`, `reader voices install NAME`
    kind: str  # "built-in natural voice", "built-in offline voice", "downloaded"
    licence: str  # SPDX, as the package or the catalogue says
    attribution: str  # who made it and where it comes from
    texts: tuple[LicenceText, ...]

    @property
    def where(self) -> str:
        """Where the full terms are, for a line in a terminal."""
        return ", ".join(text.where for text in self.texts)


def on_this_computer(store: VoiceStore | None = None) -> list[VoiceTerms]:
    """The built-in voices, then every downloaded voice that is installed now (read from
    the folder on each call, so it follows installs and removals)."""
    if store is None:
        try:
            store = VoiceStore(load())
        except ReaderError:
            store = VoiceStore(EMPTY)  # a damaged catalogue names no downloaded voice
    return [*built_in(), *downloaded(store)]


def built_in() -> list[VoiceTerms]:
    return [_natural(), _espeak()]


def downloaded(store: VoiceStore) -> list[VoiceTerms]:
    return [_downloaded(voice) for voice in store.catalogue.voices if store.installed(voice)]


def _natural() -> VoiceTerms:
    kind = "built-in natural voice"
    found = component(NATURAL_PACKAGE)
    if found is None:  # the bundle carries the package's files, not always its metadata
        return VoiceTerms(
            NATURAL_VOICE, kind, "Apache-2.0", _NATURAL_FALLBACK, _texts("Apache-2.0")
        )
    meta = metadata.distribution(NATURAL_PACKAGE).metadata
    author = str((meta.get_all("Author") or ["its authors"])[0])
    urls = dict(
        str(entry).split(", ", 1) for entry in meta.get_all("Project-URL") or [] if ", " in entry
    )
    home = urls.get("Model") or urls.get("Homepage", "")
    attribution = (
        f"{NATURAL_PACKAGE} {found.version} by {author}"
        + (f" ({home})" if home else "")
        + ", its model inside the package; the package's NOTICE names what it was made from."
    )
    texts = tuple(
        LicenceText(f"{NATURAL_PACKAGE} {name}", where, text)
        for name, where, text in licence_files(NATURAL_PACKAGE)
    )
    return VoiceTerms(
        NATURAL_VOICE, kind, found.licence, attribution, texts or _texts(found.licence)
    )


_NATURAL_FALLBACK = (
    "hibari-tts by Maureese Williams (https://huggingface.co/maureesewilliams/hibari), "
    "its model inside the package."
)


def _espeak() -> VoiceTerms:
    # Its wheel declares no licence: the licence is upstream's (licences.UNDECLARED says
    # how we know).
    licence, _why = UNDECLARED[ESPEAK_PACKAGE]
    found = component(ESPEAK_PACKAGE)
    version = f" {found.version}" if found else ""
    attribution = (
        "eSpeak NG's library and voices (https://github.com/espeak-ng/espeak-ng), "
        f"through the {ESPEAK_PACKAGE}{version} package."
    )
    return VoiceTerms(ESPEAK_VOICE, "built-in offline voice", licence, attribution, _texts(licence))


def _downloaded(voice: CatalogueVoice) -> VoiceTerms:
    return VoiceTerms(
        voice.name, DOWNLOADED, voice.licence, voice.attribution, _texts(voice.licence)
    )


def _texts(licence: str) -> tuple[LicenceText, ...]:
    """The licence's words where this computer has them, under its steward's address."""
    address = ADDRESSES.get(licence, "")
    found = standard_text(licence)
    if found is None:
        return (LicenceText(licence, address, ""),) if address else ()
    where, text = found
    return (LicenceText(licence, address or where, text),)
