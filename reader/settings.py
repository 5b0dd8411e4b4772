"""Settings that are not secret (defaults, saved endpoints), in one JSON file."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.files import config_dir, write_text_whole
from reader.text.prepare import Pronunciation, check_pronunciation

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A saved server for an OpenAI-compatible (or other) provider."""

    id: str
    provider: str
    base_url: str
    name: str = ""


# What a system-wide shortcut can do: (id, the label a person reads, the default key in
# Qt's portable text). Off until the person turns them on (Settings → Shortcuts).
SHORTCUT_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("read-selection", "Read selection", "Ctrl+Alt+R"),
    ("read-clipboard", "Read clipboard", "Ctrl+Alt+V"),
    ("play-pause", "Play / Pause", "Ctrl+Alt+P"),
    ("stop", "Stop", "Ctrl+Alt+S"),
    ("previous", "Previous sentence", "Ctrl+Alt+,"),
    ("next", "Next sentence", "Ctrl+Alt+."),
)


def default_shortcuts() -> dict[str, str]:
    return {action: key for action, _, key in SHORTCUT_ACTIONS}


@dataclass(frozen=True, slots=True)
class Settings:
    # The reader chosen in the window's toolbar (written through as it changes): the
    # provider (and `base_url`, below, for a saved server), its model, voice and speed.
    provider: str = ""  # empty: the offline voice, or the first provider with a key
    model: str = ""
    voice: str = ""
    speed: float = 1.0
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)
    # Read Markdown as prose (links as their text, code blocks skipped).
    markdown: bool = True
    pronunciations: tuple[Pronunciation, ...] = field(default_factory=tuple)
    # Silence Reader adds between sentences and between paragraphs, for every provider.
    sentence_pause_ms: int = 0
    paragraph_pause_ms: int = 400
    cache_mb: int = 500  # the audio cache's size cap
    # Overrides of reader.reading.cost.DEFAULT_PRICES: "provider/model" (or "provider/*") to
    # US dollars per million characters.
    prices: dict[str, float] = field(default_factory=dict)
    # Voice ids per provider key ("provider@base URL"), as the voice menu shows them.
    favourite_voices: dict[str, list[str]] = field(default_factory=dict)
    recent_voices: dict[str, list[str]] = field(default_factory=dict)
    # The voice id last chosen for each provider key, so a provider (or server) switched
    # back to reads with the voice the person gave it, not its default.
    chosen_voices: dict[str, str] = field(default_factory=dict)
    output_device: str = ""  # empty: the system's default output
    close_to_tray: bool = False  # closing the window keeps Reader in the tray
    global_shortcuts: bool = False  # Reader registers its own system-wide shortcuts
    # Action id (SHORTCUT_ACTIONS) to its key in Qt's portable text; "" for none.
    shortcuts: dict[str, str] = field(default_factory=default_shortcuts)
    base_url: str = ""  # the saved server of `provider`, where it needs one
    # Have a screen reader say each sentence as it starts to be heard (off: it would
    # talk over the voice; the heard sentence is the text box's selection either way).
    announce_sentences: bool = False


class SettingsFile:
    """Loads and saves Settings at `path`.

    A file that cannot be read or parsed is moved aside (never overwritten: it may be
    the only copy of someone's endpoints) and defaults are used, with one warning.
    Unknown fields are ignored and a field of the wrong type falls back to its default,
    so files from newer or older versions still load.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self.warning: str | None = None

    def load(self) -> Settings:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError) as error:
            return self._set_aside(f"cannot be read ({error})")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            return self._set_aside(f"is not valid JSON ({error.msg} at line {error.lineno})")
        except (ValueError, RecursionError):
            # A number of thousands of digits, or arrays nested thousands deep: JSON,
            # but nothing Reader wrote or a person would.
            return self._set_aside("holds numbers or nesting too large to read")
        if not isinstance(data, dict):
            return self._set_aside("does not hold settings")
        return _settings_from(data)

    def save(self, settings: Settings) -> None:
        """Write atomically: a crash mid-write leaves the previous file intact."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(dataclasses.asdict(settings), indent=2, ensure_ascii=False)
        write_text_whole(self.path, text + "\n")

    def _set_aside(self, problem: str) -> Settings:
        aside = self.path.with_name(f"{self.path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            where = f"it was moved to {aside}"
        except OSError:
            where = "it was left where it is"
        self.warning = f"The settings file {self.path} {problem}; using defaults, and {where}."
        log.warning("%s", self.warning)
        return Settings()


def _settings_from(data: dict[str, Any]) -> Settings:
    defaults = Settings()
    values: dict[str, Any] = {}
    for name, kind in (
        ("provider", str),
        ("base_url", str),
        ("model", str),
        ("voice", str),
        ("output_device", str),
        ("markdown", bool),
        ("close_to_tray", bool),
        ("global_shortcuts", bool),
        ("announce_sentences", bool),
    ):
        value = data.get(name, getattr(defaults, name))
        values[name] = value if isinstance(value, kind) else getattr(defaults, name)
    speed = data.get("speed", defaults.speed)
    values["speed"] = (
        float(speed)
        if isinstance(speed, int | float) and not isinstance(speed, bool) and 0.25 <= speed <= 4
        else defaults.speed
    )
    endpoints = []
    for item in data.get("endpoints", []) if isinstance(data.get("endpoints"), list) else []:
        if isinstance(item, dict) and all(
            isinstance(item.get(k), str) for k in ("id", "provider", "base_url")
        ):
            name = item.get("name", "")
            endpoints.append(
                Endpoint(
                    item["id"],
                    item["provider"],
                    item["base_url"],
                    name if isinstance(name, str) else "",
                )
            )
    values["endpoints"] = tuple(endpoints)
    for name in ("favourite_voices", "recent_voices"):
        values[name] = _voice_lists(data.get(name))
    chosen = data.get("chosen_voices")
    values["chosen_voices"] = {
        str(key): voice
        for key, voice in (chosen.items() if isinstance(chosen, dict) else [])
        if isinstance(voice, str) and voice
    }
    for name, low, high in (
        ("sentence_pause_ms", 0, 5000),
        ("paragraph_pause_ms", 0, 10_000),
        ("cache_mb", 0, 1_000_000),
    ):
        value = data.get(name, getattr(defaults, name))
        usable = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        values[name] = value if usable else getattr(defaults, name)
    values["pronunciations"] = tuple(_pronunciations(data.get("pronunciations")))
    prices = data.get("prices")
    values["prices"] = {
        str(name): float(value)
        for name, value in (prices.items() if isinstance(prices, dict) else [])
        if _usable_price(value)
    }
    values["shortcuts"] = _shortcuts(data.get("shortcuts"))
    return Settings(**values)


def _shortcuts(value: Any) -> dict[str, str]:
    """The saved keys for known actions; an action not in the file keeps its default."""
    chosen = default_shortcuts()
    for action, key in value.items() if isinstance(value, dict) else []:
        if action in chosen and isinstance(key, str):
            chosen[action] = key
    return chosen


def _usable_price(value: Any) -> bool:
    """A number of dollars that can be a price (an int too big for a float cannot)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return 0 <= float(value) < math.inf
    except OverflowError:
        return False


def _voice_lists(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(key): [v for v in voices if isinstance(v, str)]
        for key, voices in value.items()
        if isinstance(voices, list)
    }


def _pronunciations(items: Any) -> list[Pronunciation]:
    """The usable entries; a broken one is skipped with a warning, not fatal."""
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        pattern, replacement = item.get("pattern"), item.get("replacement", "")
        if not isinstance(pattern, str) or not isinstance(replacement, str):
            continue
        entry = Pronunciation(pattern, replacement, item.get("regex") is True)
        problem = check_pronunciation(entry)
        if problem:
            log.warning("Pronunciation skipped: %s", problem)
            continue
        found.append(entry)
    return found
