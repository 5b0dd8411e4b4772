"""The two voices that need no account, side by side: eSpeak NG and the built-in natural
voice (hibari). For each: how fast it synthesizes (real-time factor, CPU per second of
audio), how soon Play is heard, CPU during steady playback, and peak memory reading about
an hour of text headless.

    scripts/testbed env PYTHONPATH=. .venv/bin/python -m bench.offline_voices
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import cpu
from bench.first_audio import TimedProvider
from reader.audio.output import device_output
from reader.providers.base import CancelToken, Provider, SpeechRequest
from reader.providers.registry import Registry
from reader.reading.engine import Reading
from reader.reading.events import State, Voicing
from tests.helpers.monitor import MonitorRecorder

VOICES = (("offline", "eSpeak NG"), ("natural", "built-in natural voice"))
TEXT = cpu.TEXT.read_text(encoding="utf-8")
SHORT = "Reader starts speaking the moment you press Play."


def synthesis(provider: Provider, characters: int = 6000) -> dict[str, float]:
    """Real-time factor and CPU per audio second of synthesis alone (no playback)."""
    text = TEXT[:characters]
    request = SpeechRequest(text, provider.default_voice(), speed=1.0)
    list(provider.stream(SpeechRequest("Warm up.", provider.default_voice()), CancelToken()))
    frames = 0
    cpu0, wall0 = _process_cpu(), time.monotonic()
    # As a reading asks: requests of at most max_chars, one after another.
    limit = provider.max_chars("")
    for start in range(0, len(text), limit):
        piece = SpeechRequest(text[start : start + limit], request.voice, speed=1.0)
        for chunk in provider.stream(piece, CancelToken()):
            frames += len(chunk.pcm)
    cpu1, wall1 = _process_cpu(), time.monotonic()
    audio_s = frames / provider.audio_format("").sample_rate
    return {
        "audio_s": audio_s,
        "factor": audio_s / (wall1 - wall0),
        "cpu_ms": 1000 * (cpu1 - cpu0) / audio_s,
    }


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def play_to_heard(provider: Provider, trials: int = 5) -> list[float]:
    """Seconds from Play (a reading started) to its first voiced sample sounding at the
    sink, less where that sample sits in the audio (the voice's own lead-in), with the
    voice already loaded."""
    list(provider.stream(SpeechRequest("Warm up.", provider.default_voice()), CancelToken()))
    rate = provider.audio_format("").sample_rate
    found = []
    for _ in range(trials):
        timed = TimedProvider(provider)
        with MonitorRecorder(rate) as monitor:
            voicing = Voicing(provider.default_voice(), provider.default_model())
            reading = Reading(SHORT, timed, voicing, device_output())  # type: ignore[arg-type]
            pressed = time.monotonic()
            reading.start()
            deadline = pressed + 10
            while monitor.first_loud() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            reading.stop()
            reading.wait(2)
        heard = monitor.first_loud()
        if heard is None or timed.first_voiced is None or reading.state is State.FAILED:
            raise RuntimeError("no sound reached the sink")
        found.append(heard - pressed - timed.first_voiced[1] / rate)
        time.sleep(0.2)
    return found


# The reading's own process reports its peak: RUSAGE_CHILDREN would give the largest of
# every child so far (the steady-playback one included).
_REPORT_PEAK = (
    "import resource, sys\n"
    "from reader.cli.main import main\n"
    "status = main(sys.argv[1:])\n"
    "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def peak_rss(provider_id: str, repeats: int = 3) -> dict[str, float]:
    """Peak RSS of `reader speak --no-play -o x.opus` over about an hour of audio."""
    import soundfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "hour.opus"
        env = {**os.environ, "XDG_CACHE_HOME": folder, "XDG_CONFIG_HOME": folder}
        started = time.monotonic()
        command = [sys.executable, "-c", _REPORT_PEAK, "speak", "-p", provider_id]
        done = subprocess.run(
            [*command, "--no-play", "-o", str(out), "-"],
            input=(TEXT + "\n\n") * repeats,
            text=True,
            env=env,
            capture_output=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        peak_kb = int(done.stderr.rsplit("peak ", 1)[1].split()[0])
        minutes = soundfile.info(out).duration / 60
    return {"peak_mb": peak_kb / 1024, "audio_min": minutes, "wall_s": time.monotonic() - started}


def run(steady_window_s: float = 20.0) -> list[tuple[str, str, str, str]]:
    registry = Registry()
    results = {}
    for provider_id, _ in VOICES:
        provider = registry.create(provider_id)
        print(f"{provider_id}: synthesis speed…", flush=True)
        speed = synthesis(provider)
        print(f"{provider_id}: Play → heard (5 trials)…", flush=True)
        heard = play_to_heard(provider)
        print(f"{provider_id}: CPU during steady playback…", flush=True)
        steady = cpu.measure(skip_s=8, window_s=steady_window_s, provider=provider_id)
        print(f"{provider_id}: peak memory over about an hour of audio…", flush=True)
        memory = peak_rss(provider_id)
        results[provider_id] = (speed, heard, steady, memory)
    kokoro = kokoro_rows(registry)
    registry.close()
    return rows(results) + kokoro


def kokoro_rows(registry: Registry) -> list[tuple[str, str, str, str]]:
    """Kokoro int8 with a downloaded voice, if one is installed (`reader voices install
    kokoro-af_heart`): its speed and how soon Play is heard. It runs near real time here,
    so the hour-long memory run is left out."""
    provider = registry.create("kokoro")
    voices = provider.voices()
    if not voices:
        return [
            (
                "Kokoro int8: real-time factor, CPU per audio second, Play → heard",
                "not measured: no Kokoro voice installed",
                "first audio ≤ 1.5 s",
                "—",
            )
        ]
    voice = provider.default_voice()
    print(f"kokoro ({voice}): synthesis speed…", flush=True)
    speed = synthesis(provider, characters=600)
    print(f"kokoro ({voice}): Play → heard (3 trials)…", flush=True)
    heard = statistics.median(play_to_heard(provider, trials=3)) * 1000
    return [
        (
            f"Kokoro int8 ({voice}), two onnxruntime threads: real-time factor; CPU per "
            "second of audio synthesized; Play → first voiced sample heard (median of 3)",
            f"{speed['factor']:.1f}x; {speed['cpu_ms']:.0f} ms; {heard:.0f} ms",
            "first audio ≤ 1.5 s",
            "yes" if heard <= 1500 else "**no**",
        )
    ]


def rows(results: dict[str, tuple]) -> list[tuple[str, str, str, str]]:
    def both(show) -> str:
        return " / ".join(show(*results[provider_id]) for provider_id, _ in VOICES)

    natural_speed, natural_heard, natural_steady, natural_memory = results["natural"]
    heard_ms = statistics.median(natural_heard) * 1000
    label = "eSpeak NG / built-in natural voice"
    return [
        (
            f"Synthesis speed, {label}: real-time factor, one request after another",
            both(lambda s, h, c, m: f"{s['factor']:.0f}x"),
            "built-in ≥ 50x",
            "yes" if natural_speed["factor"] >= 50 else "**no**",
        ),
        (
            f"CPU per second of audio synthesized, {label} (synthesis alone)",
            both(lambda s, h, c, m: f"{s['cpu_ms']:.1f} ms"),
            "—",
            "",
        ),
        (
            f"Play → first voiced sample heard at the sink, short sentence, voice loaded, "
            f"{label} (median of 5)",
            both(lambda s, h, c, m: f"{statistics.median(h) * 1000:.0f} ms"),
            "built-in ≤ 150 ms",
            "yes" if heard_ms <= 150 else "**no**",
        ),
        (
            f"CPU, whole `reader speak` process, steady playback, {label}",
            both(lambda s, h, c, m: f"{c:.1f} ms per audio second"),
            "—",
            "",
        ),
        (
            f"Peak RSS, `reader speak --no-play -o x.opus`, {label}",
            both(lambda s, h, c, m: f"{m['peak_mb']:.0f} MB ({m['audio_min']:.0f} min)"),
            "built-in ≤ 300 MB",
            "yes" if natural_memory["peak_mb"] <= 300 else "**no**",
        ),
    ]


def main() -> None:
    table = ["| What | Result | Budget | Met |", "| --- | --- | --- | --- |"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in run()]
    print("\n".join(table))


if __name__ == "__main__":
    main()
