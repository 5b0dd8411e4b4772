"""One candidate of bench/peers.py, in a process of its own: it reads the text on stdin
aloud from the server at BASE_URL and prints, as JSON, when its first non-silent sample
was handed to the sound card (time.monotonic(), the clock the parent's server uses).

    python -m bench.peer_play reader|sdk|floor BASE_URL

- reader: `reader speak` itself (its command line, in this process).
- sdk: the official openai SDK, the response streamed into its LocalAudioPlayer helper,
  as OpenAI's text-to-speech guide shows.
- floor: the least a program can do: httpx streams the response's bytes straight into a
  sounddevice stream's queue.

Every sounddevice output stream made here is wrapped so that its callback notes the
first block with sound in it: the same probe for all three.
"""

from __future__ import annotations

import asyncio
import json
import queue
import sys
import threading
import time
from typing import Any

import numpy as np
import sounddevice as sd

LOUD = 200 / 32768  # as tests/helpers/monitor.py, for float samples
first_out: list[float] = []


def _wrap(stream_class: type) -> type:
    class Probed(stream_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, callback: Any = None, **kwargs: Any) -> None:
            def probed(outdata: Any, frames: int, timing: Any, status: Any) -> None:
                callback(outdata, frames, timing, status)
                if not first_out:
                    block = np.frombuffer(outdata, dtype=outdata_dtype(outdata, kwargs))
                    scale = 32768 if block.dtype == np.int16 else 1
                    if np.abs(block).max(initial=0) > LOUD * scale:
                        first_out.append(time.monotonic())

            super().__init__(*args, callback=probed if callback else None, **kwargs)

    return Probed


def outdata_dtype(outdata: Any, kwargs: dict[str, Any]) -> Any:
    if isinstance(outdata, np.ndarray):
        return outdata.dtype
    return np.dtype(kwargs.get("dtype") or "float32")


sd.OutputStream = _wrap(sd.OutputStream)  # type: ignore[misc]
sd.RawOutputStream = _wrap(sd.RawOutputStream)  # type: ignore[misc]

RATE = 24_000


def run_reader(base_url: str, text: str) -> None:
    from reader.cli.main import main

    code = main(
        [
            "speak",
            "-p",
            "openai-compatible",
            "--base-url",
            base_url,
            "-v",
            "af_heart",
            "-m",
            "tts-1",
            "--plain",
            text,
        ]
    )
    if code:
        raise SystemExit(code)


def run_sdk(base_url: str, text: str) -> None:
    from openai import AsyncOpenAI
    from openai.helpers import LocalAudioPlayer

    async def speak() -> None:
        client = AsyncOpenAI(base_url=f"{base_url}/v1", api_key="not-needed")
        async with client.audio.speech.with_streaming_response.create(
            model="tts-1", voice="alloy", input=text, response_format="pcm"
        ) as response:
            await LocalAudioPlayer().play(response)

    asyncio.run(speak())


def run_floor(base_url: str, text: str) -> None:
    import httpx

    blocks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    done = threading.Event()
    pending = bytearray()

    def callback(outdata: Any, frames: int, timing: Any, status: Any) -> None:
        need = frames * 2
        while len(pending) < need:
            try:
                block = blocks.get_nowait()
            except queue.Empty:
                break
            if block is None:
                done.set()
                break
            pending.extend(block)
        take = min(need, len(pending))
        outdata[:take] = pending[:take]
        outdata[take:need] = b"\0" * (need - take)
        del pending[:take]

    with sd.RawOutputStream(samplerate=RATE, channels=1, dtype="int16", callback=callback):
        with httpx.stream(
            "POST",
            f"{base_url}/v1/audio/speech",
            json={"model": "tts-1", "voice": "alloy", "input": text, "response_format": "pcm"},
            timeout=60,
        ) as response:
            for piece in response.iter_bytes():
                blocks.put(piece)
        blocks.put(None)
        done.wait(120)


def _report_first_out() -> None:
    """Print the moment as soon as it is known: the parent stops the rest of the clip."""
    while not first_out:
        time.sleep(0.002)
    print(json.dumps({"first_out": first_out[0]}), flush=True)


def main() -> None:
    candidate, base_url = sys.argv[1], sys.argv[2]
    text = sys.stdin.read()
    threading.Thread(target=_report_first_out, daemon=True).start()
    {"reader": run_reader, "sdk": run_sdk, "floor": run_floor}[candidate](base_url, text)
    time.sleep(0.1)


if __name__ == "__main__":
    main()
