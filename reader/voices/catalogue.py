"""The catalogue of voices Reader can download (resources/voices.json).

Each voice names the files it needs; a file has its place on the hub (pinned by size and
sha256: nothing is used whose bytes differ), so voices sharing a model share its file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import APP_ID
from reader.errors import ReaderError

# resources/ beside the package (a source tree, the one-folder bundle), else where a
# wheel installs it (pyproject's data-files: PREFIX/share/APP_ID/), or the Flatpak
# (`pip install --prefix=/app`, while its Python's own prefix is /usr).
_PLACES = (
    Path(__file__).resolve().parent.parent.parent / "resources" / "voices.json",
    Path(sys.prefix) / "share" / APP_ID / "voices.json",
    Path("/app/share") / APP_ID / "voices.json",
)
CATALOGUE = next((place for place in _PLACES if place.exists()), _PLACES[0])


@dataclass(frozen=True, slots=True)
class VoiceFile:
    name: str  # the file's name in the voices folder
    path: str  # where it is on the hub
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class CatalogueVoice:
    name: str
    engine: str
    language: str
    gender: str
    grade: str
    files: tuple[VoiceFile, ...]
    licence: str
    attribution: str

    @property
    def size(self) -> int:
        return sum(file.size for file in self.files)


@dataclass(frozen=True, slots=True)
class Catalogue:
    hub: str
    voices: tuple[CatalogueVoice, ...]

    def find(self, name: str) -> CatalogueVoice | None:
        wanted = name.lower()
        return next((voice for voice in self.voices if voice.name.lower() == wanted), None)


EMPTY = Catalogue("", ())


def load(path: Path = CATALOGUE) -> Catalogue:
    """The catalogue at `path`; ReaderError (one line) if it is missing or damaged."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return _parse(data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ReaderError(f"The voice catalogue {path} cannot be read ({error}).") from None


# The languages Reader can read with Kokoro: English, through hibari's phonemes. The
# catalogue keeps Kokoro's other voices (their sizes and checksums) for when eSpeak NG's
# phonemes feed it; until then they are not offered, so none is installed to no use.
KOKORO_LANGUAGES = ("en-US", "en-GB")


def _parse(data: dict[str, Any]) -> Catalogue:
    files = {
        name: VoiceFile(name, entry["path"], int(entry["size"]), entry["sha256"].lower())
        for name, entry in data["files"].items()
    }
    voices = tuple(
        CatalogueVoice(
            name=entry["name"],
            engine=entry["engine"],
            language=entry["language"],
            gender=entry["gender"],
            grade=entry.get("grade", ""),
            files=tuple(files[name] for name in entry["files"]),
            licence=entry["licence"],
            attribution=entry["attribution"],
        )
        for entry in data["voices"]
        if entry["engine"] != "kokoro" or entry["language"] in KOKORO_LANGUAGES
    )
    return Catalogue(data["hub"].rstrip("/"), voices)
