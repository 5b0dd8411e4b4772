"""`reader` as a person or a script runs it: real processes, real files, exit statuses."""

from __future__ import annotations

import os
import pty
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile

from tests.conftest import ROOT, require

CHAPTER = ROOT / "tests" / "data" / "chapter.txt"


def run(
    cmd: list[str],
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_version(reader_cmd) -> None:
    result = run(reader_cmd, "--version")
    assert result.returncode == 0 and result.stdout.startswith("reader 0.")


def test_no_play_writes_a_file_whose_length_matches(reader_cmd, tmp_path: Path) -> None:
    text = CHAPTER.read_text()
    assert len(text) >= 20_000
    out = tmp_path / "out.flac"
    result = run(reader_cmd, "--verbose", "speak", "--no-play", "-o", str(out), stdin=text)
    assert result.returncode == 0, result.stderr
    synthesized = re.search(r"read (\d+) frames", result.stderr)
    assert synthesized, result.stderr
    info = soundfile.info(out)
    assert info.frames == int(synthesized.group(1))  # FLAC is lossless: every frame is there
    # and it is the whole chapter: espeak-ng speaks ~14-16 characters a second
    assert 20_000 / 25 < info.duration < 20_000 / 8
    assert [p.name for p in tmp_path.iterdir()] == ["out.flac"]


def test_progress_line_on_a_terminal(reader_cmd, tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        # eSpeak NG: never cached, so the reading is synthesized (and shown) even after
        # another test has read the same chapter with the natural voice, which is cached.
        [*reader_cmd, "speak", "-p", "offline", "--no-play", "-o", str(tmp_path / "out.wav"), "-"],
        stdin=subprocess.PIPE,
        stderr=secondary,
        stdout=subprocess.DEVNULL,
    )
    os.close(secondary)
    assert process.stdin is not None
    process.stdin.write(CHAPTER.read_bytes())
    process.stdin.close()
    seen = b""
    while True:
        try:
            piece = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not piece:
            break
        seen += piece
    os.close(primary)
    assert process.wait(60) == 0
    updates = [u for u in seen.split(b"\r") if b"sentence" in u]
    assert len(updates) >= 2, seen[:300]
    assert re.search(rb"sentence \d+/\d+ +\d+:\d\d", updates[-1])
    assert seen.endswith(b"\r")  # the line is cleared at the end
    assert b"Traceback" not in seen


@pytest.mark.parametrize("extension", [".wav", ".ogg", ".opus", ".mp3"])
def test_every_export_format(reader_cmd, tmp_path: Path, extension: str) -> None:
    out = tmp_path / f"out{extension}"
    result = run(reader_cmd, "speak", "--no-play", "-o", str(out), "Hello there. Goodbye now.")
    assert result.returncode == 0, result.stderr
    assert 1.0 < soundfile.info(out).duration < 4.0


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (["speak", "--no-play", "-o", "{tmp}/x.wav", "   "], None, 2, "Nothing to read"),
        (["speak", "--no-play", "-o", "{tmp}/x.wav", "-"], " \n\t", 2, "Nothing to read"),
        (["speak", "--no-play", "hello"], None, 2, "--no-play needs --output"),
        (["speak", "-p", "nope", "hello"], None, 2, "Choose one of: natural, offline"),
        (
            ["speak", "--no-play", "-o", "{tmp}/x.wav", "-v", "zz-top", "hi"],
            None,
            2,
            "Choose one of: auto, heart.",
        ),
        (["speak", "--no-play", "-o", "{tmp}/missing/x.wav", "hi"], None, 2, "/missing/x.wav"),
        (["speak", "--no-play", "-o", "{tmp}/x.doc", "hi"], None, 2, "use one of .wav"),
        (["speak", "--no-play", "-o", "/proc/x.wav", "hi"], None, 2, "Cannot write /proc/x.wav"),
        (["speak", "--no-play", "-o", "/sys/x.flac", "hi"], None, 2, "Cannot write /sys/x.flac"),
        (["speak", "--no-play", "-o", "{tmp}", "hi"], None, 2, "it is a folder"),
        (["speak", "--speed", "9", "hi"], None, 2, "between 0.25 and 4"),
        (
            ["speak", "--bogus"],
            None,
            2,
            "unrecognized arguments: --bogus (see `reader speak --help`)",
        ),
        (["keys", "set"], None, 2, "required: ID (see `reader keys set --help`)"),
    ],
)
def test_bad_input_gets_one_clear_line(reader_cmd, tmp_path, args, stdin, status, message) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(reader_cmd, *args, stdin=stdin)
    assert result.returncode == status
    assert message in one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_no_audio_device_exits_5_and_no_play_still_works(reader_cmd, tmp_path: Path) -> None:
    # ALSA's stock configuration routes to PulseAudio; with no server there is no output.
    env = {"PULSE_SERVER": "unix:/nonexistent"}
    result = run(reader_cmd, "speak", "Hello.", env=env)
    assert result.returncode == 5, result.stderr
    assert "No audio output device" in one_line(result)
    out = tmp_path / "out.wav"
    result = run(reader_cmd, "speak", "--no-play", "-o", str(out), "Hello.", env=env)
    assert result.returncode == 0 and out.exists()


def test_missing_portaudio_exits_5_with_the_fix(reader_cmd, tmp_path: Path) -> None:
    # sounddevice raises OSError at import when libportaudio is not installed; a module of
    # that name first on the path fails the same way.
    (tmp_path / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    result = run(reader_cmd, "speak", "Hello.", env=env)
    assert result.returncode == 5
    assert "libportaudio2" in one_line(result)
    out = tmp_path / "out.wav"
    assert run(reader_cmd, "speak", "--no-play", "-o", str(out), "Hi.", env=env).returncode == 0


def test_a_write_failure_mid_export_leaves_nothing(reader_cmd, tmp_path: Path) -> None:
    def limit_file_size() -> None:
        # Writes past 64 KB fail with EFBIG, as on a full disk, instead of killing us.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65_536, 65_536))

    out = tmp_path / "out.wav"
    # eSpeak NG, which is not cached: the natural voice's cache hit the limit first or
    # not, by whether another test in this test bed had cached the chapter already.
    result = subprocess.run(
        [*reader_cmd, "speak", "-p", "offline", "--no-play", "-o", str(out), "-"],
        input=CHAPTER.read_text(),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_file_size,
    )
    assert result.returncode == 2
    assert f"Writing {out} failed" in one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_hostile_text_is_read_not_crashed(reader_cmd, tmp_path: Path) -> None:
    text = "Emoji 😀🎉. עברית ועוד. العربية هنا. \x00\x07\x1b[31m control \ufeff\u200b chars.\n" * 3
    out = tmp_path / "out.wav"
    result = run(reader_cmd, "speak", "--no-play", "-o", str(out), "-", stdin=text)
    assert result.returncode == 0, result.stderr
    assert soundfile.info(out).duration > 2


def test_a_megabyte_of_text_is_accepted(reader_cmd, tmp_path: Path) -> None:
    # Reading a megabyte takes hours; the text must be accepted, prepared, planned and
    # started. Markdown in it: every link and emphasis is an edit to prepare.
    text = ("A **short** sentence with [a link](https://example.org/a). " * 18_000)[:1_000_000]
    out = tmp_path / "out.wav"
    process = subprocess.Popen(
        [*reader_cmd, "speak", "--no-play", "-o", str(out), "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(text)
    process.stdin.close()
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
        assert process.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(5) == 130
    assert list(tmp_path.iterdir()) == []  # the partial export is removed


def test_clipboard_and_selection(reader_cmd, tmp_path: Path, display: str) -> None:
    require(subprocess.run(["which", "xclip"], capture_output=True).returncode == 0, "xclip")
    for selection, flag in (("clipboard", "--clipboard"), ("primary", "--selection")):
        owner = subprocess.Popen(
            ["xclip", "-selection", selection, "-loops", "1"], stdin=subprocess.PIPE, text=True
        )
        assert owner.stdin is not None
        owner.stdin.write("Text from the selection.")
        owner.stdin.close()
        time.sleep(0.2)
        out = tmp_path / f"{selection}.wav"
        result = run(reader_cmd, "speak", flag, "--no-play", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert soundfile.info(out).duration > 1
        owner.wait(5)


def test_speak_takes_defaults_from_settings(reader_cmd, tmp_path: Path) -> None:
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"provider": "offline", "voice": "de", "speed": 2.0}')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    text = "Ein Satz, der etwas länger ist, damit man den Unterschied hört."
    run(reader_cmd, "speak", "--no-play", "-o", str(fast), text, env=env)
    run(reader_cmd, "speak", "--no-play", "--speed", "1", "-o", str(slow), text, env=env)
    assert soundfile.info(fast).duration < 0.7 * soundfile.info(slow).duration


def test_a_corrupt_settings_file_warns_once_and_reading_goes_on(reader_cmd, tmp_path: Path) -> None:
    config = tmp_path / "config" / "io.github.reader.Reader"
    config.mkdir(parents=True)
    (config / "settings.json").write_text("{not json")
    out = tmp_path / "out.wav"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = run(reader_cmd, "speak", "--no-play", "-o", str(out), "Hello.", env=env)
    assert result.returncode == 0 and out.exists()
    assert "is not valid JSON" in one_line(result) and "moved to" in result.stderr
    assert [p.name.startswith("settings.json.bad-") for p in config.iterdir()] == [True]


def test_voices_and_providers(reader_cmd) -> None:
    # The default is the built-in natural voice; eSpeak NG's voices are one -p away.
    voices = run(reader_cmd, "voices")
    assert voices.returncode == 0
    assert [line.split("\t")[0] for line in voices.stdout.splitlines()] == ["auto", "heart"]
    espeak = run(reader_cmd, "voices", "-p", "offline")
    assert any(line.startswith("en-US\t") for line in espeak.stdout.splitlines())
    providers = run(reader_cmd, "providers")
    assert providers.returncode == 0
    first, second = providers.stdout.splitlines()[:2]
    assert first == "natural\tNatural voice (built-in)\tno key needed"
    assert second.startswith("offline\t")


@pytest.mark.parametrize(
    ("provider", "count", "first"), [("gemini", 30, "Zephyr"), ("openai", 13, "alloy")]
)
def test_fixed_voice_lists_need_no_key(reader_cmd, provider, count, first) -> None:
    # No keyring at all (no D-Bus session) and no key in the environment.
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent"
    result = subprocess.run(
        [*reader_cmd, "voices", "-p", provider], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == count and lines[0].split("\t")[0] == first


def test_module_entry_point_matches_console_script() -> None:
    script = Path(sys.executable).with_name("reader")
    require(script.exists(), "the installed `reader` script")
    assert subprocess.run([str(script), "--version"], capture_output=True).returncode == 0


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_an_export_and_its_subtitles_get_the_persons_usual_permissions(
    reader_cmd, tmp_path: Path, umask: int, mode: int
) -> None:
    """Files a person saves are theirs to share as their umask says (a web folder, another
    account), as any program's saved files are: not private like a temporary file."""
    out, subtitles = tmp_path / "read.mp3", tmp_path / "read.vtt"
    result = subprocess.run(
        [*reader_cmd, "speak", "--no-play", "-o", str(out), "--subtitles", str(subtitles)],
        input="Shared with the family. Read twice.",
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(mode)
    assert oct(subtitles.stat().st_mode & 0o777) == oct(mode)


def test_a_file_saved_over_keeps_the_permissions_it_had(reader_cmd, tmp_path: Path) -> None:
    out = tmp_path / "read.wav"
    out.write_bytes(b"old")
    out.chmod(0o640)
    result = run(reader_cmd, "speak", "--no-play", "-o", str(out), stdin="Saved over.")
    assert result.returncode == 0, result.stderr
    assert soundfile.info(out).frames > 0
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)


def test_a_voice_not_installed_is_one_line_ending_in_the_command_that_installs_it(
    reader_cmd, tmp_path: Path
) -> None:
    """No list of the voices' models after it: the model is not what is missing."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    result = run(
        reader_cmd,
        "speak",
        "-p",
        "kokoro",
        "--no-play",
        "-o",
        str(tmp_path / "x.wav"),
        "Hi.",
        env=env,
    )
    assert result.returncode != 0
    assert one_line(result).endswith("`reader voices install kokoro-af_heart`."), result.stderr
    assert not (tmp_path / "x.wav").exists()
