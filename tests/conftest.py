"""Shared fixtures: the real services of the test bed, required (never skipped) in CI."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
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


# What a test bed gives its tests (scripts/testbed): a worker takes its own bed's values.
BED_VARIABLES = (
    "DISPLAY",
    "DBUS_SESSION_BUS_ADDRESS",
    "GNOME_KEYRING_CONTROL",
    "XDG_RUNTIME_DIR",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "TMPDIR",
    "PULSE_SINK",
    "READER_TEST_SINK",
)


def join_worker_bed() -> None:
    """Under pytest-xdist each worker runs in a test bed of its own, which scripts/testbed
    started and described in a file named after the worker (gw0, gw1, …)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    folder = os.environ.get("READER_TESTBED_WORKERS", "")
    if not worker or not folder:
        return
    described = Path(folder) / worker
    if not described.exists():
        beds = len(list(Path(folder).iterdir()))
        raise pytest.UsageError(
            f"the test bed has {beds} worker bed(s) and no {worker}: "
            f"run pytest with -n {beds} (READER_TEST_WORKERS sets how many)"
        )
    pairs = (item.split("=", 1) for item in described.read_text().split("\0") if "=" in item)
    bed = dict(pairs)
    for name in BED_VARIABLES:
        if name in bed:
            os.environ[name] = bed[name]
        else:
            os.environ.pop(name, None)
    tempfile.tempdir = None  # gettempdir() remembers the TMPDIR it first saw


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    join_worker_bed()
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


def _running_proxy(models: tuple[str, ...] | None = None):  # type: ignore[no-untyped-def]
    from tests.helpers.fake_server import FakeSpeechServer
    from tests.helpers.litellm_proxy import MODELS, litellm_installed, scratch_dir, start_proxy

    require(litellm_installed(), "LiteLLM (`pip install -e '.[dev]'`)")
    workdir = scratch_dir()
    try:
        with FakeSpeechServer() as upstream:
            proxy = start_proxy(upstream, workdir, models or MODELS)
            try:
                yield proxy
            finally:
                proxy.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # its config and log


@pytest.fixture(scope="session")
def litellm_proxy():  # type: ignore[no-untyped-def]
    """One real LiteLLM proxy for the session (it takes seconds to start), in front of a
    loopback speech server; `litellm` hands it to a test with that server reset."""
    yield from _running_proxy()


@pytest.fixture(scope="session")
def litellm_other_proxy():  # type: ignore[no-untyped-def]
    """A second real proxy for the session, whose config lacks `tts-1` (OTHER_MODELS in
    tests/helpers/litellm_proxy.py); started only if a test asks for it (about 5 s)."""
    from tests.helpers.litellm_proxy import OTHER_MODELS

    yield from _running_proxy(OTHER_MODELS)


@pytest.fixture
def litellm_other(litellm_other_proxy):  # type: ignore[no-untyped-def]
    litellm_other_proxy.reset()
    yield litellm_other_proxy
    litellm_other_proxy.reset()


@pytest.fixture
def litellm(litellm_proxy):  # type: ignore[no-untyped-def]
    litellm_proxy.reset()
    yield litellm_proxy
    litellm_proxy.reset()


@pytest.fixture
def make_window(qtbot, offline_provider, display):  # type: ignore[no-untyped-def]
    """A shown window reading with eSpeak NG into a stand-in sound card that plays at
    `speed` times real time (no voice bar, no settings). Qt is imported here, not at the
    top: most tests never open a window."""
    from reader.audio.output import clock_output
    from reader.reading.events import Voicing
    from reader.reading.factory import ReadingFactory
    from reader.settings import Settings
    from reader.ui.main_window import MainWindow
    from reader.ui.player import Player

    players: list[Player] = []

    def make(speed: float) -> MainWindow:
        player = Player(clock_output(speed), ReadingFactory(Settings()))
        players.append(player)
        window = MainWindow(player, offline_provider, Voicing("en-US"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for player in players:
        player.stop()
