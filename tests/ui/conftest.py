"""The window's fixtures, shared by the tests of tests/ui: a loopback speech server and
the window made as the app makes it (tests/ui/test_dialogs.py's App), with or without
its voice bar. (A bare window, make_window, is in tests/conftest.py: tests/voices uses it
too.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
