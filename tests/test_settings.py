"""Settings: defaults, round trip, and a bad file moved aside instead of overwritten."""

from __future__ import annotations

import json
from pathlib import Path

from reader.settings import Endpoint, Settings, SettingsFile


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    store = SettingsFile(tmp_path / "settings.json")
    assert store.load() == Settings() and store.warning is None


def test_round_trip_is_atomic_and_readable(tmp_path: Path) -> None:
    store = SettingsFile(tmp_path / "sub" / "settings.json")
    settings = Settings(
        "openai", "tts-1", "nova", 1.25, (Endpoint("e@h:1", "openai", "http://h:1"),)
    )
    store.save(settings)
    assert store.load() == settings
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]


def test_corrupt_file_is_moved_aside_with_one_warning(tmp_path: Path, caplog) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"provider": "openai", oops')
    store = SettingsFile(path)
    assert store.load() == Settings()
    assert store.warning and "is not valid JSON" in store.warning and "moved to" in store.warning
    assert len(caplog.records) == 1
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.bad-")]
    assert len(aside) == 1 and aside[0].read_text() == '{"provider": "openai", oops'
    assert not path.exists()
    store.save(Settings(provider="gemini"))  # saving later never touches the bad copy
    assert aside[0].exists()


def test_unreadable_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()  # a folder where the file should be: unreadable for root too
    store = SettingsFile(path)
    assert store.load() == Settings()
    assert store.warning and "cannot be read" in store.warning


def test_fields_of_the_wrong_type_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "provider": "openai",
                "voice": 7,
                "speed": "fast",
                "unknown": 1,
                "endpoints": [
                    {"id": "x", "provider": "p", "base_url": "http://h"},
                    {"id": 3},
                    "junk",
                ],
            }
        )
    )
    settings = SettingsFile(path).load()
    assert settings == Settings("openai", "", "", 1.0, (Endpoint("x", "p", "http://h"),))


def test_the_voice_chosen_per_provider_is_kept_and_a_broken_entry_dropped(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    chosen = {"offline@": "es", "openai-compatible@http://h:1/v1": "bm_george"}
    SettingsFile(path).save(Settings(chosen_voices=chosen))
    assert SettingsFile(path).load().chosen_voices == chosen
    data = json.loads(path.read_text())
    data["chosen_voices"] = {"offline@": 3, "openai@": "nova", "gemini@": ""}
    path.write_text(json.dumps(data))
    assert SettingsFile(path).load().chosen_voices == {"openai@": "nova"}
    data["chosen_voices"] = ["nova"]
    path.write_text(json.dumps(data))
    assert SettingsFile(path).load().chosen_voices == {}
