"""The GlobalShortcuts portal backend against a stand-in portal on the test bed's bus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from reader import APP_ID
from tests.conftest import ROOT, require

TEST = DBusAddress(
    "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Desktop", "org.example.PortalTest"
)
KEYS = {"read-selection": "Ctrl+Alt+R", "next": "Ctrl+Alt+.", "stop": "Ctrl+Alt+S"}


class StandIn:
    def __init__(self, version: int) -> None:
        self.version = version
        self.process: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.portal", str(self.version)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            assert self.process.stdout is not None
            self.process.stdout.close()
            self.process = None

    def call(self, method: str, *args: str) -> str:
        with open_dbus_connection("SESSION") as connection:
            reply = connection.send_and_get_reply(
                new_method_call(TEST, method, "s" if args else None, args), timeout=5
            )
        return str(reply.body[0]) if reply.body else ""

    def state(self) -> dict:
        return json.loads(self.call("State"))


@pytest.fixture(params=[1, 2], ids=["version 1", "version 2"])
def portal(request) -> Iterator[StandIn]:
    require(bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")), "a D-Bus session bus")
    stand_in = StandIn(request.param)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def backend(qtbot, portal):
    from reader.desktop.portal import PortalShortcuts

    pressed: list[str] = []
    lines: list[str] = []
    made = PortalShortcuts(pressed.append, lines.append)
    yield made, pressed, lines
    made.close()


def bound_sessions(portal: StandIn) -> list[dict]:
    return [s for s in portal.state()["sessions"].values() if s["shortcuts"]]


def test_binds_the_keys_under_the_apps_id(qtbot, portal, backend) -> None:
    made, pressed, lines = backend
    assert made.available() and made.version == portal.version
    assert made.bind(KEYS) == []
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    session = bound_sessions(portal)[0]
    assert session["app_id"] == APP_ID  # registered before the first portal call
    assert session["shortcuts"] == {
        "read-selection": {"description": "Read selection", "preferred_trigger": "CTRL+ALT+r"},
        "next": {"description": "Next sentence", "preferred_trigger": "CTRL+ALT+period"},
        "stop": {"description": "Stop", "preferred_trigger": "CTRL+ALT+s"},
    }
    qtbot.waitUntil(lambda: made.bound.get("stop") == "CTRL+ALT+s", timeout=3000)
    assert lines == []


def test_keys_act_read_selection_on_release_and_repeat_once(qtbot, portal, backend) -> None:
    made, pressed, lines = backend
    made.bind(KEYS)
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    portal.call("Press", "stop")
    qtbot.waitUntil(lambda: pressed == ["stop"], timeout=3000)
    portal.call("Hold", "read-selection")
    qtbot.wait(300)
    assert pressed == ["stop"]  # not while the keys are down
    portal.call("Release", "read-selection")
    qtbot.waitUntil(lambda: pressed == ["stop", "read-selection"], timeout=3000)
    for _ in range(4):  # a held key: the portal repeats Activated
        portal.call("Hold", "next")
    portal.call("Release", "next")
    qtbot.wait(300)
    assert pressed == ["stop", "read-selection", "next"]


def test_changed_keys_bind_in_a_new_session(qtbot, portal, backend) -> None:
    made, pressed, lines = backend
    made.bind(KEYS)
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    made.bind({"play-pause": "Ctrl+Alt+P"})
    qtbot.waitUntil(
        lambda: (
            [s["shortcuts"] for s in bound_sessions(portal)]
            == [{"play-pause": {"description": "Play / Pause", "preferred_trigger": "CTRL+ALT+p"}}]
        ),
        timeout=5000,
    )
    assert len(portal.state()["sessions"]) == 1  # the old session was closed
    portal.call("Press", "play-pause")
    qtbot.waitUntil(lambda: pressed == ["play-pause"], timeout=3000)
    assert lines == []


def test_binds_again_after_the_portal_restarts(qtbot, portal, backend) -> None:
    made, pressed, lines = backend
    made.bind(KEYS)
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    portal.stop()
    portal.start()
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    assert bound_sessions(portal)[0]["app_id"] == APP_ID
    portal.call("Press", "stop")
    qtbot.waitUntil(lambda: pressed == ["stop"], timeout=3000)


def test_configure_opens_the_desktops_dialog_from_version_2(qtbot, portal, backend) -> None:
    made, pressed, lines = backend
    made.bind(KEYS)
    qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
    assert made.configure() == (portal.version >= 2)
    if portal.version >= 2:
        qtbot.waitUntil(lambda: len(portal.state()["configured"]) == 1, timeout=3000)


def test_another_apps_session_does_not_reach_reader(qtbot, portal, backend) -> None:
    from reader.desktop.portal import PortalShortcuts

    made, pressed, lines = backend
    other_pressed: list[str] = []
    other = PortalShortcuts(other_pressed.append, lines.append, app_id="org.example.Other")
    try:
        made.bind({"stop": "Ctrl+Alt+S"})
        other.bind({"next": "Ctrl+Alt+N"})
        qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 2, timeout=5000)
        portal.call("Press", "next")
        qtbot.waitUntil(lambda: other_pressed == ["next"], timeout=3000)
        qtbot.wait(200)
        assert pressed == []
    finally:
        other.close()


def test_no_portal_means_no_backend(qtbot) -> None:
    require(bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")), "a D-Bus session bus")
    from reader.desktop.portal import portal_version

    assert portal_version(timeout_s=1) == 0


@pytest.fixture
def on_wayland(monkeypatch):
    import reader.desktop.integration
    import reader.desktop.shortcuts

    for module in (reader.desktop.integration, reader.desktop.shortcuts):
        monkeypatch.setattr(module, "platform_kind", lambda: "wayland")


def test_on_wayland_the_settings_bind_through_the_portal(qtbot, portal, on_wayland) -> None:
    from reader.desktop.integration import Desktop
    from reader.settings import Settings

    ran: list[str] = []
    lines: list[str] = []
    desktop = Desktop({"stop": lambda: ran.append("stop")}, lines.append)
    try:
        assert "GlobalShortcuts portal" in desktop.status()
        desktop.apply(Settings(global_shortcuts=True, shortcuts={"stop": "Ctrl+Alt+S"}))
        assert desktop.status() == "Registered through the desktop's GlobalShortcuts portal."
        qtbot.waitUntil(lambda: len(bound_sessions(portal)) == 1, timeout=5000)
        portal.call("Press", "stop")
        qtbot.waitUntil(lambda: ran == ["stop"], timeout=3000)
        assert (desktop.configure_action() is not None) == (portal.version >= 2)
        assert lines == []
    finally:
        desktop.close()


def test_on_wayland_without_a_portal_the_page_says_so(qtbot, on_wayland) -> None:
    require(bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")), "a D-Bus session bus")
    from reader.desktop.integration import Desktop
    from reader.desktop.shortcuts import NO_BACKEND
    from reader.settings import Settings

    lines: list[str] = []
    desktop = Desktop({}, lines.append)
    try:
        assert desktop.status() == NO_BACKEND
        desktop.apply(Settings(global_shortcuts=True))
        assert lines == [NO_BACKEND]
        assert desktop.status() == NO_BACKEND
    finally:
        desktop.close()
