"""Export: every format, all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.audio.export import AudioFileWriter, check_output_path
from reader.audio.format import AudioFormat
from reader.errors import ExportError


def speechlike(frames: int, rate: int) -> np.ndarray:
    t = np.arange(frames) / rate
    return (6000 * np.sin(2 * np.pi * 220 * t) * np.sin(2 * np.pi * 3 * t)).astype(np.int16)


@pytest.mark.parametrize("extension", [".wav", ".flac", ".ogg", ".opus", ".mp3"])
@pytest.mark.parametrize("rate", [22_050, 24_000])
def test_each_format_round_trips_with_its_length(tmp_path: Path, extension: str, rate: int) -> None:
    path = tmp_path / f"out{extension}"
    audio = speechlike(rate * 2, rate).reshape(-1, 1)
    with AudioFileWriter(path, AudioFormat(rate, 1), title="Title", artist="Voice") as writer:
        for i in range(0, len(audio), 1000):
            writer.write(audio[i : i + 1000])
        writer.commit()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    data, file_rate = soundfile.read(path, dtype="int16")
    assert abs(len(data) / file_rate - 2.0) < 0.08  # codecs pad a frame or two
    if extension in (".wav", ".flac"):
        assert np.array_equal(data, audio.reshape(-1))
        assert soundfile.info(path).extra_info is not None


def test_leaving_without_commit_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.flac"
    with pytest.raises(RuntimeError), AudioFileWriter(path, AudioFormat(24_000, 1)) as writer:
        writer.write(np.zeros((1000, 1), np.int16))
        raise RuntimeError("cancelled")
    assert list(tmp_path.iterdir()) == []


def test_bad_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="use one of"):
        check_output_path(tmp_path / "out.xyz")
    with pytest.raises(ExportError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "out.wav")
    with pytest.raises(ExportError, match="folder"):
        check_output_path(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.geteuid() != 0:  # root writes anywhere; the check would be meaningless
            with pytest.raises(ExportError, match="permission"):
                check_output_path(locked / "out.wav")
    finally:
        locked.chmod(0o700)
