"""The built-in natural voice: real hibari from its wheel, through onnxruntime."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.providers.base import CancelToken, SpeechRequest
from reader.providers.hibari import HIBARI_VERSION

RATE = 24_000


@pytest.fixture(scope="module")
def natural():
    from reader.providers.registry import Registry

    return Registry().create("natural")


def synthesize(provider, text: str, voice: str = "auto", speed: float = 1.0):
    chunks = list(provider.stream(SpeechRequest(text, voice, speed=speed), CancelToken()))
    assert {c.format.sample_rate for c in chunks} == {RATE}
    pcm = np.concatenate([c.pcm for c in chunks]).reshape(-1)
    frames = 0
    timings = []
    for chunk in chunks:
        timings += [t for t in chunk.timings]
        frames += len(chunk.pcm)
    return pcm, timings


def voiced_spans(pcm: np.ndarray, window: int = 240, rms: float = 300.0) -> list[tuple[int, int]]:
    """(start, end) frames of the stretches louder than `rms` in 10 ms windows."""
    count = len(pcm) // window
    level = np.sqrt(np.mean(pcm[: count * window].astype(float).reshape(count, window) ** 2, 1))
    loud = level > rms
    spans, start = [], None
    for index, on in enumerate(loud):
        if on and start is None:
            start = index
        if not on and start is not None:
            spans.append((start * window, index * window))
            start = None
    if start is not None:
        spans.append((start * window, count * window))
    return spans


def longest_gap(pcm: np.ndarray) -> float:
    spans = voiced_spans(pcm)
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)]
    return max(gaps, default=0) / RATE


def test_the_pinned_version_is_the_installed_one() -> None:
    assert version("hibari-tts") == HIBARI_VERSION


def test_speaks_english_with_a_timing_per_sentence(natural) -> None:
    text = "Hello, this is Reader. A second sentence follows here."
    pcm, timings = synthesize(natural, text)
    assert pcm.dtype == np.int16
    assert 2.0 < len(pcm) / RATE < 5.0
    assert np.abs(pcm).max() > 5000
    assert [t.char_offset for t in timings] == [0, text.index("A second")]
    second = timings[1].frame
    # The second sentence's timing falls in the pause between the two.
    spans = voiced_spans(pcm)
    assert any(end <= second for _, end in spans) and any(start >= second for start, _ in spans)
    # The model's own padding (0.3 s before and 0.45 s after each sentence) is trimmed:
    # the two sentences are joined by a reader's pause, not a hesitation.
    assert longest_gap(pcm) < 0.45
    assert voiced_spans(pcm)[0][0] / RATE < 0.1


def test_speed_changes_duration(natural) -> None:
    slow, _ = synthesize(natural, "A sentence to time at two speeds.", speed=1.0)
    fast, _ = synthesize(natural, "A sentence to time at two speeds.", speed=2.0)
    assert len(fast) < 0.65 * len(slow)


def test_the_same_text_sounds_the_same(natural) -> None:
    first, _ = synthesize(natural, "Twice the same words.")
    second, _ = synthesize(natural, "Twice the same words.")
    assert np.array_equal(first, second)


def test_other_scripts_are_read_by_espeak(natural, offline_provider) -> None:
    import soxr

    from tests.helpers.sink import locate

    russian = "Привет, это программа, которая читает вслух."
    auto, timings = synthesize(natural, russian)
    # What eSpeak NG's Russian voice says, at its own rate, brought to 24 kHz here.
    chunks = list(offline_provider.stream(SpeechRequest(russian, "ru"), CancelToken()))
    espeak = np.concatenate([c.pcm for c in chunks]).reshape(-1)
    reference = soxr.resample(espeak.astype(np.float32), 22_050, RATE)
    assert abs(len(auto) - len(reference)) < RATE // 50
    # eSpeak NG varies by a few samples from run to run, so piece by piece: each 0.2 s
    # of its Russian is found in the automatic voice's audio, where it belongs.
    pad = RATE // 10
    padded = np.concatenate([np.zeros(pad), auto, np.zeros(pad)])
    window = RATE // 5
    found = []
    for start in range(0, len(reference) - window, window):
        piece = reference[start : start + window]
        if np.sqrt(np.mean(piece**2)) < 1000:
            continue
        offset, ncc = locate(padded, piece)
        found.append(abs(offset - pad - start) < RATE // 40 and ncc > 0.4)
    assert len(found) >= 8 and sum(found) >= 0.8 * len(found), found
    assert russian.index("это") in {t.char_offset for t in timings}


def test_cancel_stops_a_long_synthesis_promptly(natural) -> None:
    cancel = CancelToken()
    stream = natural.stream(SpeechRequest("A sentence to read. " * 500, "auto"), cancel)
    next(stream)
    started = time.monotonic()
    cancel.cancel()
    remaining = sum(1 for _ in stream)
    assert time.monotonic() - started < 0.2
    assert remaining <= 1


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    import os

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env, "HIBARI_HOME": str(tmp_path / "hibari")},
    )


def test_speaks_without_touching_the_network(tmp_path: Path) -> None:
    # Every connection and name lookup of the process is refused by an audit hook: the
    # voice must come from the wheel alone.
    out = tmp_path / "hello.wav"
    result = run_python(
        f"""
        import sys
        def deny(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
                raise RuntimeError(f"network use: {{event}} {{args!r}}")
        sys.addaudithook(deny)
        from reader.cli.main import main
        sys.exit(main(["speak", "--no-play", "-o", {str(out)!r}, "Hello, this is Reader."]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    pcm, rate = soundfile.read(out, dtype="int16")
    assert rate == RATE and len(pcm) / RATE > 1.0 and np.abs(pcm).max() > 5000
    assert not (tmp_path / "hibari").exists()  # hibari's own download folder


def test_without_onnxruntime_one_line_then_espeak(tmp_path: Path) -> None:
    out = tmp_path / "hello.wav"
    result = run_python(
        f"""
        import sys
        sys.modules["onnxruntime"] = None  # what a failed import of it looks like
        from reader.cli.main import main
        sys.exit(main(["speak", "--no-play", "-o", {str(out)!r}, "Hello, this is Reader."]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "natural voice could not start" in lines[0] and "eSpeak NG" in lines[0]
    pcm, rate = soundfile.read(out, dtype="int16")
    assert rate == RATE and len(pcm) / RATE > 1.0 and np.abs(pcm).max() > 3000


def test_the_natural_voice_is_not_taken_for_a_proxy_nor_counted_as_sent(tmp_path: Path) -> None:
    # Its first request waits while the model loads, then the sentence comes at once: the
    # shape of a proxy that holds whole requests back, but nothing here is a proxy, and
    # nothing is sent anywhere to be billed.
    out = tmp_path / "hello.wav"
    result = run_python(
        f"""
        import sys
        from reader.cli.main import main
        sys.exit(main(["--verbose", "speak", "--no-play", "-o", {str(out)!r},
                       "Hello, this is Reader. It reads on this computer."]))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "buffers whole requests" not in result.stderr
    assert "characters, about $" not in result.stderr  # the CLI's line of what was sent
