"""Shared fixtures: the real services of the test bed, required (never skipped) in CI."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.sink import SinkRecorder

ROOT = Path(__file__).resolve().parent.parent


def require(condition: bool, what: str) -> None:
    """Skip when a real service is missing, except in CI, where that is a failure."""
    if condition:
        return
    message = f"{what} is not available (run the suite with ./scripts/test)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sink() -> Iterator[SinkRecorder]:
    """The test bed's PulseAudio null sink, with a recorder on its monitor."""
    name = os.environ.get("READER_TEST_SINK", "")
    require(bool(name) and shutil.which("parec") is not None, "the PulseAudio null sink")
    yield SinkRecorder(name)


@pytest.fixture
def display() -> str:
    value = os.environ.get("DISPLAY", "")
    require(bool(value), "an X display (Xvfb)")
    return value


@pytest.fixture
def reader_cmd() -> list[str]:
    """How to run the installed `reader` command in a subprocess."""
    return [sys.executable, "-m", "reader"]


@pytest.fixture(scope="session")
def offline_provider():  # type: ignore[no-untyped-def]
    from reader.providers.registry import Registry

    return Registry().create("offline")


def pytest_configure(config: pytest.Config) -> None:
    # Under the test bed Qt draws on Xvfb; elsewhere (a quick local run) offscreen.
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def registry():  # type: ignore[no-untyped-def]
    """A provider registry whose providers (and their connections) are closed afterwards."""
    from reader.providers.registry import Registry

    made = Registry()
    yield made
    made.close()


@pytest.fixture(scope="session")
def litellm_proxy():  # type: ignore[no-untyped-def]
    """One real LiteLLM proxy for the session (it takes seconds to start), in front of a
    loopback speech server; `litellm` hands it to a test with that server reset."""
    from tests.helpers.fake_server import FakeSpeechServer
    from tests.helpers.litellm_proxy import litellm_installed, scratch_dir, start_proxy

    require(litellm_installed(), "LiteLLM (`pip install -e '.[dev]'`)")
    workdir = scratch_dir()
    try:
        with FakeSpeechServer() as upstream:
            proxy = start_proxy(upstream, workdir)
            try:
                yield proxy
            finally:
                proxy.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # its config and log


@pytest.fixture
def litellm(litellm_proxy):  # type: ignore[no-untyped-def]
    litellm_proxy.reset()
    yield litellm_proxy
    litellm_proxy.reset()
