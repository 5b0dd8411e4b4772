"""What a person hears: real playback through PulseAudio, recorded from the null sink."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader.audio.output import device_output
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers.monitor import MonitorRecorder
from tests.helpers.sink import locate

RATE = 22_050  # the offline voice's rate: the recording needs no resampling to compare


def test_speak_plays_what_it_synthesized(reader_cmd, sink, tmp_path: Path) -> None:
    out = tmp_path / "heard.wav"
    with sink.recording(RATE) as recording:
        result = subprocess.run(
            [
                *reader_cmd,
                "--verbose",
                "speak",
                "-p",
                "offline",
                "-o",
                str(out),
                "Hello world. A second sentence.",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    underruns = re.search(r"with (\d+) underruns", result.stderr)
    assert underruns and underruns.group(1) == "0", result.stderr
    reference, rate = soundfile.read(out, dtype="int16")
    assert rate == RATE
    offset, ncc = locate(recording.samples, reference)
    assert ncc >= 0.95, f"normalized cross-correlation {ncc:.3f}"
    # The whole reading was heard, to its last sample (no tail cut off).
    heard = recording.samples[offset : offset + len(reference)]
    assert len(heard) == len(reference)
    _, tail_ncc = locate(heard[-RATE // 2 :], reference[-RATE // 2 :])
    assert tail_ncc >= 0.9


def start_reading(text: str, provider) -> tuple[Reading, list[np.ndarray]]:
    """A reading on the real device; the list fills with every block it plays, in order."""
    blocks: list[np.ndarray] = []
    reading = Reading(
        text,
        provider,
        Voicing("en-US"),
        device_output(),
        on_audio=lambda block, fmt: blocks.append(block),
    )
    reading.start()
    return reading, blocks


def window_offsets(samples: np.ndarray, reference: np.ndarray, window_s: float = 0.1):
    """For each voiced window of `reference`: (its position, where it was heard, ncc)."""
    window = int(window_s * RATE)
    found = []
    for position in range(0, len(reference) - window, window):
        piece = reference[position : position + window]
        if np.sqrt(np.mean(piece**2)) < 1000:
            continue  # near-silent windows match anywhere
        offset, ncc = locate(samples, piece)
        found.append((position, offset, ncc))
    return found


def test_pause_loses_and_repeats_nothing(offline_provider, sink) -> None:
    text = "The first part plays now. Then a pause comes, and the rest follows after it."
    with sink.recording(RATE) as recording:
        reading, blocks = start_reading(text, offline_provider)
        while reading.state is not State.PLAYING:
            time.sleep(0.005)
        time.sleep(0.8)
        paused_at = time.monotonic()
        reading.pause()
        time.sleep(0.6)
        resumed_at = time.monotonic()
        reading.resume()
        assert reading.wait(30)
    assert reading.state is State.FINISHED
    reference = np.concatenate(blocks).reshape(-1).astype(np.float64)
    found = window_offsets(recording.samples, reference)
    missing = [(p / RATE, round((o - p) / RATE, 3), round(n, 2)) for p, o, n in found if n <= 0.8]
    assert not missing, f"speech never heard (position, shift, ncc): {missing}"
    shifts = sorted({round((offset - position) / RATE, 2) for position, offset, _ in found})
    before, after = shifts[0], shifts[-1]
    # Every window was heard at one of two shifts: before the pause and after it.
    assert all(min(abs(s - before), abs(s - after)) <= 0.01 for s in shifts), shifts
    # The shift grew by the pause and nothing else: losing or repeating what the device
    # held would change it by a whole device buffer (~0.19 s).
    assert abs((after - before) - (resumed_at - paused_at)) < 0.06, after - before


def test_heard_sentence_switches_when_the_sink_sounds_it(offline_provider, sink) -> None:
    text = "The first sentence is this one. Now the second one begins right here. A third."
    switched: dict[int, float] = {}
    with MonitorRecorder(RATE) as monitor:
        reading, blocks = start_reading(text, offline_provider)
        while not reading.wait(0.002):
            sentence = reading.current_sentence()
            if sentence is not None and sentence not in switched:
                switched[sentence] = time.monotonic()
    assert reading.state is State.FINISHED and set(switched) == {0, 1, 2}
    reference = np.concatenate(blocks).reshape(-1).astype(np.float64)
    samples, times = monitor.snapshot()
    for sentence in (1, 2):
        frame = reading.timeline.start_of(sentence)
        assert frame is not None
        piece = reference[frame : frame + int(0.4 * RATE)]
        offset, ncc = locate(samples, piece)
        assert ncc > 0.9
        sounded = times[offset]
        # The engine's heard position names the sentence within a few ms of the sink
        # sounding its first sample (the poll here runs every 2 ms).
        assert abs(switched[sentence] - sounded) < 0.03, (sentence, switched[sentence] - sounded)


def test_ctrl_c_silences_playback_within_100_ms(reader_cmd, sink, tmp_path: Path) -> None:
    out = tmp_path / "partial.wav"
    text = "This reading is long enough to be interrupted in the middle. " * 20
    with MonitorRecorder(RATE) as monitor:
        process = subprocess.Popen(
            [*reader_cmd, "speak", "-o", str(out), text],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while monitor.first_loud() is None:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        time.sleep(1.0)
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert stderr.strip() == "reader: interrupted"
    last = monitor.last_loud()
    assert last is not None and last - interrupted < 0.1, last - interrupted
    assert list(tmp_path.iterdir()) == []  # the partial export is gone


# Each cloud provider: where its server lives relative to the loopback root, which key
# (if any) it needs there, and the options that pick a streaming model and a voice.
CLOUD = {
    "openai": ("/v1", "openai", ("-m", "gpt-4o-mini-tts")),
    "openai-chat": ("/v1", "openai", ("-v", "coral")),
    "openai-compatible": ("/v1", None, ("-m", "gpt-4o-mini-tts")),
    "azure": ("/openai/deployments/tts", "azure", ()),
    "gemini": ("/v1", "gemini", ("-v", "Puck")),
    "vertex": ("/v1beta1/publishers/google", "vertex", ("-v", "Kore")),
    "elevenlabs": ("", "elevenlabs", ("-v", "Rachel")),
}


@pytest.mark.parametrize("provider", list(CLOUD))
def test_every_cloud_voice_plays_through_the_device(provider, sink, tmp_path: Path) -> None:
    from tests.helpers.cli import reader, speak
    from tests.helpers.fake_server import FakeSpeechServer

    where, key, options = CLOUD[provider]
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = tmp_path / "heard.wav"
    with FakeSpeechServer() as server:
        server.mode = "sse"
        server.models = [{"model_id": "eleven_flash_v2_5", "can_do_text_to_speech": True}]
        url = server.url.removesuffix("/v1") + where
        if key:
            saved = reader("keys", "set", key, "--base-url", url, stdin="sk-PLAY", env=env)
            assert saved.returncode == 0, saved.stderr
        try:
            with sink.recording(24_000) as recording:
                text = "Streamed from a cloud voice. Played as it arrives."
                result = speak(provider, url, out, text, *options, env=env, play=True, verbose=True)
        finally:
            if key:
                reader("keys", "delete", key, "--base-url", url, env=env)
    assert result.returncode == 0, result.stderr
    assert re.search(r"with 0 underruns", result.stderr), result.stderr
    assert np.array_equal(soundfile.read(out, dtype="int16")[0], server.sent_pcm(text))
    reference, rate = soundfile.read(out, dtype="int16")
    assert rate == 24_000
    _, ncc = locate(recording.samples, reference)
    assert ncc >= 0.95, f"{provider}: normalized cross-correlation {ncc:.3f}"
