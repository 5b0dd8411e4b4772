"""The window's fixtures, shared by the tests of tests/ui: a loopback speech server and
the window made as the app makes it (tests/ui/test_dialogs.py's App), with or without
its voice bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from reader.audio.output import clock_output
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from tests.helpers.fake_server import FakeSpeechServer
from tests.ui.test_dialogs import App


@pytest.fixture
def server() -> Iterator[FakeSpeechServer]:
    with FakeSpeechServer() as server:
        yield server


@pytest.fixture
def app(qtbot, server, tmp_path, display) -> Iterator[App]:
    app = App(qtbot, server, tmp_path, voice_bar=False)
    yield app
    app.close()


@pytest.fixture
def app_with_voices(qtbot, server, tmp_path, display) -> Iterator[App]:
    app = App(qtbot, server, tmp_path, voice_bar=True)
    yield app
    app.close()


@pytest.fixture
def make_window(qtbot, offline_provider, display) -> Iterator[Callable[[float], MainWindow]]:
    """A shown window reading with eSpeak NG into a stand-in sound card that plays at
    `speed` times real time (no voice bar, no settings)."""
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
