"""The Linux one-folder bundle: built with PyInstaller from packaging/reader.spec, then run
as a person would run it: --version, an offline export, and the window on the display."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader import __version__
from tests.conftest import ROOT, require

UNUSED_QT = ("QtQml", "QtQuick", "QtWebEngine", "Qt3D", "QtMultimedia", "QtPdf", "libqgtk3")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Iterator[Path]:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    require(pyinstaller.exists(), "PyInstaller (the dev extra)")
    require(shutil.which("objdump") is not None, "objdump (binutils), which PyInstaller needs")
    # Built once per run: under pytest-xdist its tests may land on several workers, which
    # share the run's temporary folder (the parent of each worker's own); one builds, the
    # others wait for it (each built its own before: 23 s of CPU twice).
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    work = shared / "bundle"
    folder = work / "dist" / "reader"
    with (shared / "bundle.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (work / "built").exists():
            shutil.rmtree(work, ignore_errors=True)  # a build that failed halfway
            work.mkdir()
            subprocess.run(
                [
                    str(pyinstaller),
                    "--noconfirm",
                    "--log-level",
                    "ERROR",
                    "--distpath",
                    str(work / "dist"),
                    "--workpath",
                    str(work / "work"),
                    str(ROOT / "packaging" / "reader.spec"),
                ],
                check=True,
                cwd=work,
                timeout=600,
            )
            (work / "built").touch()
    assert (folder / "reader").is_file()
    yield folder


def run(bundle: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Outside the source tree and the virtual environment: only the bundle's own files.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(bundle / "reader"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_bundle_prints_its_version(bundle, tmp_path) -> None:
    result = run(bundle, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"reader {__version__}"


def test_the_bundle_reads_offline_into_a_file(bundle, tmp_path) -> None:
    result = run(bundle, "speak", "--no-play", "-o", "check.wav", "bundle check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the natural voice started: no fallback to eSpeak NG
    audio, rate = soundfile.read(tmp_path / "check.wav")
    assert rate == 24_000  # the natural voice's rate (eSpeak NG speaks at 22.05 kHz)
    assert len(audio) / rate > 0.5
    assert float(np.sqrt(np.mean(np.square(audio)))) > 0.01  # speech, not silence


def test_the_bundle_opens_its_window(bundle, tmp_path, display) -> None:
    require(shutil.which("xdotool") is not None, "xdotool")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    process = subprocess.Popen([str(bundle / "reader"), "gui"], cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 30
        found = ""
        while time.monotonic() < deadline and not found and process.poll() is None:
            search = ["xdotool", "search", "--onlyvisible", "--name", "^Reader$"]
            found = subprocess.run(search, capture_output=True, text=True).stdout.strip()
            time.sleep(0.1)
        assert found, f"no window (exit status {process.poll()})"
    finally:
        process.terminate()
        process.wait(10)


def test_the_bundle_keeps_keys_in_the_secret_service(bundle, tmp_path) -> None:
    """The bundle's own keyring (secretstorage, cryptography) reaches the test bed's
    gnome-keyring: save, list, delete."""
    key = "el-bundle-check-0123456789"
    saved = subprocess.run(
        [str(bundle / "reader"), "keys", "set", "elevenlabs"],
        input=key,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert saved.returncode == 0, saved.stderr
    try:
        listed = run(bundle, "keys", "list", cwd=tmp_path)
        line = next(line for line in listed.stdout.splitlines() if line.startswith("elevenlabs"))
        assert "keyring" in line and "…6789" in line and key not in listed.stdout
    finally:
        assert run(bundle, "keys", "delete", "elevenlabs", cwd=tmp_path).returncode == 0


def test_the_bundle_carries_no_unused_qt(bundle) -> None:
    names = [path.name for path in bundle.rglob("*")]
    assert not [name for name in names if any(unused in name for unused in UNUSED_QT)]
    assert not [name for name in names if name.startswith(("libgtk", "libX11", "libxcb."))]


def test_the_bundle_ships_every_licence(bundle) -> None:
    """THIRD-PARTY-LICENSES.txt, generated at build time: the Python distributions from
    their metadata, the system libraries copied in from their Debian copyright files (the
    bundle's Help → About shows this file)."""
    text = (bundle / "_internal" / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    assert (bundle / "_internal" / "LICENSE").read_text().startswith("MIT License")
    for line in (
        "reader 0.1.0: MIT",
        "espeakng-loader",
        "PySide6_Essentials",
        "numpy",
        "keyring",
        "SecretStorage",
        "cryptography",
        "soundfile",
    ):
        assert line in text, line
    assert "libportaudio2" in text and "(system library: libportaudio.so.2)" in text
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {size / 1e6:.0f} MB")


def test_the_bundle_names_its_voices_terms_with_their_own_texts(bundle, tmp_path) -> None:
    """Help → About and `reader voices --licences` in the bundle: the natural voice's
    licence and NOTICE are the package's own files, carried with its metadata."""
    result = run(bundle, "voices", "--licences", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    natural = next(line for line in result.stdout.splitlines() if line.startswith("heart\t"))
    assert "\tApache-2.0\t" in natural and "hibari-tts 0.2.1" in natural
    texts = natural.split("Full text: ", 1)[1].split(", ")
    assert [Path(text).name for text in texts] == ["LICENSE", "NOTICE"]
    assert all(str(bundle) in text and Path(text).is_file() for text in texts)
