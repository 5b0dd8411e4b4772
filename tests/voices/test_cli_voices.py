"""`reader voices --offline | install | remove` against the stand-in hub, as run in a
terminal or a script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.voices.hub import Hub
from tests.voices.test_store import CATALOGUE, MODEL, hub_files


def environment(hub: Hub, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "READER_VOICE_HUB": hub.url, "XDG_DATA_HOME": str(tmp_path)}


def reader(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def listed(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return {line.split("\t")[0]: line for line in result.stdout.splitlines()}


def test_install_list_and_remove(kokoro_voice_files, kokoro_model, tmp_path: Path) -> None:
    with Hub(hub_files(kokoro_voice_files, kokoro_model)) as hub:
        env = environment(hub, tmp_path)
        before = reader("voices", "--offline", env=env)
        assert before.returncode == 0
        rows = listed(before)
        assert len(rows) == len(CATALOGUE.voices)
        assert rows["kokoro-af_heart"].endswith("en-US  female  grade A  92.9 MB")
        assert "Downloaded voices: 0.0 MB in " in before.stderr

        installed = reader("voices", "install", "kokoro-af_heart", env=env)
        assert installed.returncode == 0, installed.stderr
        first, last = installed.stderr.strip().splitlines()
        # The licence and attribution come before anything is fetched.
        assert first.startswith("kokoro-af_heart: Apache-2.0. Kokoro-82M v1.0 by hexgrad")
        assert last == "Installed kokoro-af_heart (92.9 MB)."
        after = reader("voices", "--offline", env=env)
        assert listed(after)["kokoro-af_heart"].endswith("grade A  installed")
        assert "Downloaded voices: 92.9 MB" in after.stderr

        removed = reader("voices", "remove", "kokoro-af_heart", env=env)
        assert removed.returncode == 0
        assert removed.stderr.strip() == "Removed kokoro-af_heart (92.9 MB freed)."
        folder = tmp_path / "io.github.reader.Reader" / "voices"
        assert list(folder.iterdir()) == []


def test_unknown_voice_and_ctrl_c(kokoro_voice_files, tmp_path: Path) -> None:
    with Hub(hub_files(kokoro_voice_files)) as hub:
        env = environment(hub, tmp_path)
        unknown = reader("voices", "install", "kokoro-nobody", env=env)
        assert unknown.returncode == 2
        assert unknown.stderr.strip() == (
            "reader: No voice 'kokoro-nobody' in the catalogue. See `reader voices --offline`."
        )

        # Ctrl+C in the middle of a download: it stops, and takes its partial file away.
        folder = tmp_path / "io.github.reader.Reader" / "voices"
        folder.mkdir(parents=True)
        model = next(f for f in CATALOGUE.find("kokoro-af_heart").files if f.name == MODEL)
        with open(folder / MODEL, "wb") as sparse:
            sparse.truncate(model.size)  # only the voice file is fetched
        hub.faults.slow = 0.05
        process = subprocess.Popen(
            [sys.executable, "-m", "reader", "voices", "install", "kokoro-af_heart"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while not (folder / "kokoro-af_heart.bin.part").exists():
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        "reader: Cancelled; kokoro-af_heart was not installed."
    )
    assert sorted(p.name for p in folder.iterdir()) == [MODEL]


def test_licences_of_the_voices_here(kokoro_voice_files, tmp_path: Path) -> None:
    with Hub(hub_files(kokoro_voice_files)) as hub:
        env = environment(hub, tmp_path)
        before = reader("voices", "--licences", env=env)
        assert before.returncode == 0, before.stderr
        rows = listed(before)
        # The built-in voices are always here; nothing downloaded yet.
        assert rows["heart"].startswith("heart\tApache-2.0\tbuilt-in natural voice: hibari-tts")
        assert "NOTICE" in rows["heart"]  # where its full terms are on this computer
        assert rows["eSpeak NG"].startswith("eSpeak NG\tGPL-3.0-or-later\t")
        assert not any(name.startswith("kokoro-") for name in rows)

        folder = tmp_path / "io.github.reader.Reader" / "voices"
        folder.mkdir(parents=True)
        model = next(f for f in CATALOGUE.find("kokoro-af_heart").files if f.name == MODEL)
        with open(folder / MODEL, "wb") as sparse:
            sparse.truncate(model.size)  # only the voice file is fetched
        installed = reader("voices", "install", "kokoro-af_heart", env=env)
        assert installed.returncode == 0, installed.stderr
        line = listed(reader("voices", "--licences", env=env))["kokoro-af_heart"]
        assert line.startswith(
            "kokoro-af_heart\tApache-2.0\tdownloaded: Kokoro-82M v1.0 by hexgrad"
        )
        assert line.endswith("Full text: https://www.apache.org/licenses/LICENSE-2.0")

        assert reader("voices", "remove", "kokoro-af_heart", env=env).returncode == 0
        assert "kokoro-af_heart" not in listed(reader("voices", "--licences", env=env))


def test_no_network_is_one_line_not_a_resume(tmp_path: Path) -> None:
    """A hub whose name does not resolve (no network): one line saying so, not a download
    that "broke off" and should be resumed."""
    env = {**os.environ, "READER_VOICE_HUB": "http://hub.invalid", "XDG_DATA_HOME": str(tmp_path)}
    result = reader("voices", "install", "kokoro-af_heart", env=env)
    assert result.returncode == 4, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "reader: Cannot reach hub.invalid (no network?)."
    )
    assert "resume" not in result.stderr and "broke off" not in result.stderr


def test_a_download_that_keeps_breaking_off_says_run_it_again(
    kokoro_voice_files, tmp_path: Path
) -> None:
    with Hub(hub_files(kokoro_voice_files)) as hub:
        env = environment(hub, tmp_path)
        heart = CATALOGUE.find("kokoro-af_heart")
        model = next(f for f in heart.files if f.name == MODEL)
        voice_file = next(f for f in heart.files if f.name != MODEL)
        folder = tmp_path / "io.github.reader.Reader" / "voices"
        folder.mkdir(parents=True)
        with open(folder / MODEL, "wb") as sparse:
            sparse.truncate(model.size)
        hub.faults.drop_always[voice_file.path] = 100_000
        result = reader("voices", "install", "kokoro-af_heart", env=env)
    assert result.returncode == 4, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"reader: Downloading {voice_file.name} broke off 4 times (")
    assert last.endswith(". Run the same command again to resume.")
