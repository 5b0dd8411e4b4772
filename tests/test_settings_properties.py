"""Settings files as a person (or another version of Reader) may leave them: loading
never raises, and what loads is usable and saves back to itself."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.settings import Settings, SettingsFile
from reader.text.prepare import Dictionary, check_pronunciation

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(10**300, 10**320)  # beyond any float
    | st.floats(allow_nan=False)  # infinities included
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from([*Settings.__dataclass_fields__, "pronunciations", "endpoints", "prices"])
PRONUNCIATION = st.fixed_dictionaries(
    {
        "pattern": st.text(st.sampled_from(list("ab()[]{}\\dgw<>?*+0123456789^$")), max_size=12),
        "replacement": st.text(st.sampled_from(list("ab\\g<>0123456789n")), max_size=8),
    },
    optional={"regex": st.booleans()},
)
SETTINGS = st.dictionaries(FIELDS, JSON, max_size=8) | st.fixed_dictionaries(
    {"pronunciations": st.lists(PRONUNCIATION, max_size=5)}
)
FOLDER = Path(tempfile.mkdtemp(prefix="settings-properties-"))


@given(SETTINGS)
def test_any_json_settings_load_and_save_back_to_themselves(data) -> None:
    path = FOLDER / "settings.json"
    path.write_text(json.dumps(data))
    settings = SettingsFile(path).load()
    assert isinstance(settings, Settings)
    assert all(check_pronunciation(p) is None for p in settings.pronunciations)
    Dictionary(settings.pronunciations).apply("Version v2 of SQL.")
    SettingsFile(path).save(settings)
    assert SettingsFile(path).load() == settings


@given(st.binary(max_size=200))
def test_any_bytes_as_settings_give_defaults_or_settings_never_an_error(raw: bytes) -> None:
    path = FOLDER / "bytes" / "settings.json"
    path.parent.mkdir(exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    path.write_bytes(raw)
    settings_file = SettingsFile(path)
    assert isinstance(settings_file.load(), Settings)
    if settings_file.warning:  # set aside, never overwritten: it may be someone's only copy
        assert not path.exists() and len(list(path.parent.iterdir())) == 1
