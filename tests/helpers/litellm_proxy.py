"""A real LiteLLM proxy (the pinned `litellm[proxy]`) in front of the loopback speech server.

Started once per test session: it takes about 5 s to start (measured: 4.7-5.4 s on the
test machine, idle), so every test that needs it shares one. It reads nothing from the
network: LITELLM_LOCAL_MODEL_COST_MAP makes it use the cost map inside the wheel, its
telemetry flag is a no-op since 1.8x, and its only upstream is the loopback server.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.fake_server import FakeSpeechServer

MASTER_KEY = "sk-reader-test-master"
# The names a person's config would map: OpenAI's speech models, served by the upstream.
MODELS = ("gpt-4o-mini-tts", "tts-1")
# A config without `tts-1`, as a person's proxy may be: a chat model listed first, a speech
# to text one, Kokoro-FastAPI's model name (unknown to LiteLLM: listed without a "mode"),
# and `house`, an alias of gpt-4o-mini-tts (listed with "mode": "audio_speech"). A name is
# passed on as `openai/<name>` (`openai/<target>` for `alias=target`) to the loopback
# server, which speaks for any model.
OTHER_MODELS = ("gpt-4o-mini", "whisper-1", "kokoro", "house=gpt-4o-mini-tts")
START_TIMEOUT_S = 60.0


def listed_names(models: tuple[str, ...]) -> list[str]:
    """The names a proxy started with `models` lists at /v1/models (aliases as named)."""
    return [name.partition("=")[0] for name in models]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(upstream_url: str, names: tuple[str, ...]) -> str:
    models = "".join(
        f"  - model_name: {name.partition('=')[0]}\n"
        "    litellm_params:\n"
        f"      model: openai/{name.partition('=')[2] or name}\n"
        f"      api_base: {upstream_url}\n"
        "      api_key: upstream-key\n"
        for name in names
    )
    return (
        "model_list:\n"
        + models
        + "general_settings:\n"
        + f"  master_key: {MASTER_KEY}\n"
        + "litellm_settings:\n"
        + "  telemetry: false\n"
        # The upstream's own errors reach the client once (the tests count requests).
        + "  num_retries: 0\n"
    )


@dataclass
class LiteLLMProxy:
    process: subprocess.Popen[bytes]
    port: int
    upstream: FakeSpeechServer
    log_path: Path
    started_in_s: float
    fresh: dict[str, Any] = field(default_factory=dict)  # the upstream as it began

    def reset(self) -> None:
        reset(self.upstream, self.fresh)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_proxy(
    upstream: FakeSpeechServer, workdir: Path, models: tuple[str, ...] = MODELS
) -> LiteLLMProxy:
    """Start `litellm` on a free loopback port, with `models` in its config, and wait
    until it answers; raise with its log if it does not within START_TIMEOUT_S."""
    config = workdir / "litellm.yaml"
    config.write_text(_config(upstream.url, models))
    log_path = workdir / "litellm.log"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        # A person's own keys and endpoints must not steer the proxy under test.
        if not key.startswith(("OPENAI_", "LITELLM_", "AZURE_", "DATABASE_URL"))
    }
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", NO_PROXY="127.0.0.1,localhost")
    litellm = Path(sys.executable).with_name("litellm")
    command = [str(litellm), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir
        )
    proxy = LiteLLMProxy(process, port, upstream, log_path, 0.0, settings_of(upstream))
    deadline = started + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"litellm exited ({process.returncode}):\n{proxy.log()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/liveliness", timeout=1).is_success:
                proxy.started_in_s = time.monotonic() - started
                return proxy
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proxy.stop()
    raise RuntimeError(f"litellm did not answer in {START_TIMEOUT_S:.0f} s:\n{proxy.log()[-3000:]}")


_PLAIN = (str, int, float, bool, dict, list, type(None))


def settings_of(upstream: FakeSpeechServer) -> dict[str, Any]:
    """The upstream's knobs and records (mode, pace, failures, requests…), copied."""
    return {
        name: copy.deepcopy(value)
        for name, value in vars(upstream).items()
        if not name.startswith("_") and isinstance(value, _PLAIN)
    }


def reset(upstream: FakeSpeechServer, fresh: dict[str, Any]) -> None:
    """Put the shared upstream back as it was when the session began (`fresh`, from
    settings_of): a plain OpenAI-style speech server with nothing recorded."""
    for name, value in fresh.items():
        setattr(upstream, name, copy.deepcopy(value))


def litellm_installed() -> bool:
    return Path(sys.executable).with_name("litellm").exists()


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="reader-litellm-"))
