"""Downloading voices from a loopback stand-in for the hub that serves the real files:
installed, verified, shared, removed; and every fault leaves nothing half-done."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

from reader.errors import Interrupted, NotFound
from reader.voices.catalogue import CATALOGUE as CATALOGUE_FILE
from reader.voices.catalogue import load
from reader.voices.download import ChecksumMismatch
from reader.voices.store import VoiceStore
from tests.voices.hub import Hub

CATALOGUE = load()
MODEL = "kokoro-v1.0-int8.onnx"


def hub_files(voices: dict[str, bytes], model: bytes | None = None) -> dict[str, bytes]:
    """The catalogue's hub paths → the real bytes."""
    served = {}
    for voice in CATALOGUE.voices:
        for file in voice.files:
            if file.name == MODEL:
                if model is not None:
                    served[file.path] = model
            elif file.name.startswith("kokoro-"):
                served[file.path] = voices[file.name.removeprefix("kokoro-")]
    return served


def voice_file(name: str):
    voice = CATALOGUE.find(name)
    assert voice is not None
    return voice, next(f for f in voice.files if f.name != MODEL)


def test_the_catalogue_pins_the_real_files(kokoro_voice_files, kokoro_model) -> None:
    # The file pins all 54 of Kokoro's voices; the 28 English ones are offered (the others
    # wait for eSpeak NG's phonemes, see test_catalogue.py).
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    pinned = {
        name: f for name, f in raw["files"].items() if name.startswith("kokoro-") and name != MODEL
    }
    assert len(pinned) == 54 == len(kokoro_voice_files)
    kokoro = [v for v in CATALOGUE.voices if v.engine == "kokoro"]
    assert len(kokoro) == 28 and all(v.language.startswith("en-") for v in kokoro)
    model = kokoro[0].files[0]
    assert model.name == MODEL and model.size == 92_361_271 == len(kokoro_model)
    assert model.sha256 == hashlib.sha256(kokoro_model).hexdigest()
    for name, entry in pinned.items():
        real = kokoro_voice_files[name.removeprefix("kokoro-")]
        assert (entry["size"], entry["sha256"]) == (len(real), hashlib.sha256(real).hexdigest())
    for voice in CATALOGUE.voices:
        assert voice.licence and voice.attribution


def test_install_shares_the_model_and_remove_frees_it(
    kokoro_voice_files, kokoro_model, tmp_path: Path
) -> None:
    with Hub(hub_files(kokoro_voice_files, kokoro_model)) as hub:
        store = VoiceStore(CATALOGUE, tmp_path / "voices", hub=hub.url)
        bella, bella_file = voice_file("kokoro-af_bella")
        seen: list[int] = []
        store.install(bella, lambda file, done, total: seen.append(done))
        assert store.installed(bella)
        assert seen == sorted(seen) and seen[-1] == bella.size
        for file in bella.files:
            data = store.path(file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == file.sha256
        assert store.disk_use() == bella.size

        # A second Kokoro voice fetches only its own file.
        george, george_file = voice_file("kokoro-bm_george")
        store.install(george)
        model_path = bella.files[0].path
        assert [path for path, _ in hub.requests].count(model_path) == 1
        assert store.disk_use() == bella.size + george_file.size

        assert store.remove(bella) == bella_file.size  # the model stays for George
        assert store.installed(george) and not store.installed(bella)
        assert store.remove(george) == george_file.size + bella.files[0].size
        assert store.disk_use() == 0


def test_a_dropped_download_resumes_where_it_stopped(kokoro_voice_files, tmp_path) -> None:
    voice, file = voice_file("kokoro-af_heart")
    with Hub(hub_files(kokoro_voice_files)) as hub:
        hub.faults.drop_after[file.path] = 200_000
        store = VoiceStore(CATALOGUE, tmp_path, hub=hub.url)
        import httpx

        from reader.voices.download import fetch

        with httpx.Client() as client:
            fetch(
                client, f"{hub.url}/{file.path}", file, tmp_path, lambda n: None, threading.Event()
            )
    asked = [wanted for path, wanted in hub.requests if path == file.path]
    assert asked[0] == "" and asked[1].startswith("bytes=")
    resumed_at = int(asked[1][6:].split("-")[0])
    assert 0 < resumed_at <= 200_000
    assert hashlib.sha256(store.path(file).read_bytes()).hexdigest() == file.sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == [file.name]


def test_a_missing_file_is_one_line_and_nothing(kokoro_voice_files, tmp_path) -> None:
    voice, file = voice_file("kokoro-af_heart")
    files = hub_files(kokoro_voice_files)
    with Hub(files) as hub:
        hub.faults.missing.add(file.path)
        store = VoiceStore(CATALOGUE, tmp_path, hub=hub.url)
        with pytest.raises(NotFound, match="answered 404"):
            _fetch_one(store, file, hub)
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_checksum_installs_nothing(kokoro_voice_files, tmp_path) -> None:
    voice, file = voice_file("kokoro-af_heart")
    with Hub(hub_files(kokoro_voice_files)) as hub:
        hub.faults.wrong.add(file.path)
        store = VoiceStore(CATALOGUE, tmp_path, hub=hub.url)
        with pytest.raises(ChecksumMismatch, match="did not match its checksum") as caught:
            _fetch_one(store, file, hub)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_nothing(kokoro_voice_files, tmp_path) -> None:
    voice, file = voice_file("kokoro-af_heart")
    cancel = threading.Event()
    with Hub(hub_files(kokoro_voice_files)) as hub:
        hub.faults.slow = 0.05
        store = VoiceStore(CATALOGUE, tmp_path, hub=hub.url)

        def progress(have: int) -> None:
            if have >= 100_000:
                cancel.set()

        with pytest.raises(Interrupted, match="Cancelled"):
            _fetch_one(store, file, hub, progress, cancel)
    assert list(tmp_path.iterdir()) == []


def test_install_from_files_at_hand(kokoro_voice_files, tmp_path) -> None:
    voice, file = voice_file("kokoro-af_heart")
    given = tmp_path / "af_heart.bin"
    given.write_bytes(kokoro_voice_files["af_heart.bin"])
    store = VoiceStore(CATALOGUE, tmp_path / "voices", hub="http://127.0.0.1:9")
    with pytest.raises(NotFound, match=f"still needs {MODEL}"):
        store.install_from(voice, [given])  # the model is not at hand
    assert store.path(file).read_bytes() == kokoro_voice_files["af_heart.bin"]
    other = tmp_path / "other.bin"
    other.write_bytes(kokoro_voice_files["af_bella.bin"])
    with pytest.raises(ChecksumMismatch, match="none of kokoro-af_heart's files"):
        store.install_from(voice, [other])


def _fetch_one(store, file, hub, progress=lambda n: None, cancel=None):
    import httpx

    from reader.voices.download import fetch

    with httpx.Client() as client:
        return fetch(
            client,
            f"{hub.url}/{file.path}",
            file,
            store.root,
            progress,
            cancel or threading.Event(),
        )


def test_a_full_disk_is_one_line_and_nothing(kokoro_voice_files, tmp_path) -> None:
    # The OS's own refusal: a process may not write files past RLIMIT_FSIZE (EFBIG).
    import subprocess
    import sys

    voice, file = voice_file("kokoro-af_heart")
    with Hub(hub_files(kokoro_voice_files)) as hub:
        code = (
            "import resource, signal, sys\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))\n"
            "from reader.cli.main import main\n"
            "sys.exit(main(['voices', 'install', 'kokoro-af_heart']))\n"
        )
        env = {
            "READER_VOICE_HUB": hub.url,
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "PATH": "/usr/bin:/bin",
        }
        # The model is already there, so only the 522 kB voice file is fetched.
        voices = tmp_path / "data" / "io.github.reader.Reader" / "voices"
        voices.mkdir(parents=True)
        model = voice.files[0]
        with open(voices / model.name, "wb") as sparse:
            sparse.truncate(model.size)  # a stand-in of the right size (only its size is read)
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"reader: No room for {file.name}"), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in voices.iterdir()) == [model.name]


def test_a_damaged_catalogue_leaves_the_built_in_voice_speaking(
    tmp_path, monkeypatch, caplog
) -> None:
    from reader.providers.base import CancelToken, SpeechRequest
    from reader.providers.registry import Registry
    from reader.voices import catalogue

    damaged = tmp_path / "voices.json"
    damaged.write_text('{"hub": "https://huggingface.co", "files": {', encoding="utf-8")
    real_load = catalogue.load
    monkeypatch.setattr(catalogue, "load", lambda: real_load(damaged))
    registry = Registry()
    natural = registry.create("natural")
    assert [v.id for v in natural.voices()] == ["auto", "heart"]
    chunks = list(natural.stream(SpeechRequest("Still speaking.", "heart"), CancelToken()))
    assert sum(len(c.pcm) for c in chunks) > 12_000
    assert registry.create("kokoro").voices() == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "voice catalogue" in warnings[0]
    assert "cannot be read" in warnings[0] and "\n" not in warnings[0]
