"""Cost awareness: characters to synthesize (the cache left out) and an estimated price."""

from __future__ import annotations

import json
import re

from reader.reading.cost import PriceTable, Tally
from reader.settings import SettingsFile
from tests.helpers.cli import reader, speak
from tests.helpers.fake_server import FakeSpeechServer

TEXT = "Hello from the loopback server. This is a second sentence, a bit longer."


def test_prices_from_the_table_and_overrides() -> None:
    table = PriceTable({"openai/tts-1": 20.0, "gemini/*": 0.0})
    assert table.estimate("openai", "tts-1", 1_000_000).dollars == 20.0
    assert table.estimate("openai", "tts-1-hd", 1_000).dollars == 0.03
    assert table.estimate("gemini", "anything", 5_000).dollars == 0.0
    assert table.estimate("elevenlabs", "eleven_v3", 1_000).dollars == 0.2
    assert table.estimate("nobody", "x", 1_000).dollars == 0.0
    tally = Tally(table)
    tally.add("openai", "tts-1", 500)
    tally.add("openai", "tts-1", 500)
    assert tally.characters == 1000 and abs(tally.dollars - 0.02) < 1e-9


def test_settings_price_overrides(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"prices": {"openai/tts-1": 12.5, "bad": "x", "neg": -1}}))
    assert SettingsFile(path).load().prices == {"openai/tts-1": 12.5}


def test_the_price_is_shown_before_reading_and_the_cache_makes_it_free(tmp_path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    with FakeSpeechServer() as server:
        saved = reader("keys", "set", "openai", "--base-url", server.url, stdin="sk-COST", env=env)
        assert saved.returncode == 0, saved.stderr
        try:
            args = ("-m", "tts-1")
            first = speak(
                "openai", server.url, tmp_path / "a.wav", TEXT, *args, env=env, verbose=True
            )
            again = speak(
                "openai", server.url, tmp_path / "b.wav", TEXT, *args, env=env, verbose=True
            )
        finally:
            reader("keys", "delete", "openai", "--base-url", server.url, env=env)
    assert first.returncode == 0, first.stderr
    sent = sum(len(r.body["input"]) for r in server.requests if r.method == "POST")
    assert f"OpenAI tts-1: {sent:,} characters to synthesize, under a cent." in first.stderr
    assert re.search(rf"sent {sent} characters, about \$0\.00", first.stderr)
    assert again.returncode == 0, again.stderr
    assert "characters to synthesize" not in again.stderr  # all from the cache: nothing to pay
