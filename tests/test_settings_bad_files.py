"""Settings files that once raised on load (found by the property tests, issue 24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.settings import Settings, SettingsFile


@pytest.mark.parametrize(
    ("raw", "set_aside"),
    [
        ('{"prices": {"openai/tts-1": 1' + "0" * 400 + "}}", False),  # too big for a float
        ('{"prices": {"openai/tts-1": 1e999}}', False),  # Infinity
        ('{"cache_mb": 1' + "0" * 5000 + "}", True),  # beyond Python's int parsing limit
        ("[" * 100_000 + "]" * 100_000, True),  # nested deeper than the parser recurses
    ],
)
def test_a_settings_file_that_cannot_be_used_is_never_fatal(
    tmp_path: Path, raw: str, set_aside: bool
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(raw)
    settings_file = SettingsFile(path)
    settings = settings_file.load()
    assert settings == Settings()  # a price that cannot be a price is left out
    assert (settings_file.warning is not None) == set_aside
    assert path.exists() != set_aside
