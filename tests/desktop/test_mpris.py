"""MPRIS on the test bed's private session bus: what a media key or GNOME's widget does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from jeepney import DBusAddress, MatchRule, MessageType, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields

from reader import APP_ID
from tests.conftest import require

NAME = "org.mpris.MediaPlayer2.reader"
PATH = "/org/mpris/MediaPlayer2"
TEXT = " ".join(
    f"This is sentence number {n} of a text long enough to pause and resume." for n in range(12)
)


def has_owner(connection: DBusConnection) -> bool:
    reply = connection.send_and_get_reply(
        new_method_call(message_bus, "NameHasOwner", "s", (NAME,))
    )
    return bool(reply.body[0])


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def gdbus(method: str, *args: str) -> str:
    done = subprocess.run(
        [
            "gdbus",
            "call",
            "--session",
            "--dest",
            NAME,
            "--object-path",
            PATH,
            "--method",
            method,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def running(display, tmp_path: Path, monkeypatch) -> Iterator[Path]:
    require(bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")), "a D-Bus session bus")
    require(shutil.which("gdbus") is not None, "gdbus")
    require(shutil.which("xclip") is not None, "xclip")
    require(shutil.which("xdotool") is not None, "xdotool")
    log_path = tmp_path / "reader.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with log_path.open("w") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "reader", "--verbose", "gui"], stderr=log, env=env
        )
        try:
            try:
                found = subprocess.run(
                    ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Reader$"],
                    capture_output=True,
                    timeout=30,
                )
            except subprocess.TimeoutExpired:
                found = None
            assert found is not None and found.returncode == 0, (
                f"no window (exit {app.poll()}): {log_path.read_text()}"
            )
            yield log_path
        finally:
            app.terminate()
            app.wait(10)


def loud(samples: np.ndarray) -> bool:
    return bool(np.abs(samples).max() > 3000)


def test_media_keys_pause_resume_and_stop_a_reading(running, sink) -> None:
    bus = open_dbus_connection("SESSION")
    listener = open_dbus_connection("SESSION")
    rule = MatchRule(type="signal", interface="org.freedesktop.DBus.Properties", path=PATH)
    listener.send_and_get_reply(new_method_call(message_bus, "AddMatch", "s", (rule.serialise(),)))
    try:
        assert not has_owner(bus)  # idle: the Play key stays with the music player
        subprocess.run(["xclip", "-selection", "clipboard"], input=TEXT, text=True, check=True)
        handed = subprocess.run(
            [sys.executable, "-m", "reader", "gui", "--read-clipboard"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert handed.returncode == 0, handed.stderr
        wait_for(lambda: has_owner(bus), 10, "the name was not claimed while reading")
        root = bus.send_and_get_reply(
            new_method_call(
                DBusAddress(PATH, NAME, "org.freedesktop.DBus.Properties"),
                "GetAll",
                "s",
                ("org.mpris.MediaPlayer2",),
            )
        )
        assert root.body[0]["DesktopEntry"] == ("s", APP_ID)
        assert root.body[0]["CanRaise"] == ("b", True)
        with sink.recording(22_050) as playing:
            time.sleep(1.0)
        gdbus("org.mpris.MediaPlayer2.Player.PlayPause")
        time.sleep(0.3)
        with sink.recording(22_050) as paused:
            time.sleep(1.5)
        assert "'Paused'" in gdbus(
            "org.freedesktop.DBus.Properties.Get",
            "org.mpris.MediaPlayer2.Player",
            "PlaybackStatus",
        )
        assert has_owner(bus)  # paused is still a reading
        gdbus("org.mpris.MediaPlayer2.Player.PlayPause")
        with sink.recording(22_050) as resumed:
            time.sleep(1.5)
        assert loud(playing.samples)
        assert np.abs(paused.samples).max() < 30, "still heard while paused"
        assert loud(resumed.samples)

        gdbus("org.mpris.MediaPlayer2.Player.Stop")
        wait_for(lambda: not has_owner(bus), 3, "the name was kept after Stop")
        with sink.recording(22_050) as stopped:
            time.sleep(1.0)
        assert np.abs(stopped.samples).max() < 30

        signals = []
        while True:
            try:
                message = listener.receive(timeout=0.2)
            except TimeoutError:
                break
            if (
                message.header.message_type is MessageType.signal
                and message.header.fields.get(HeaderFields.member) == "PropertiesChanged"
            ):
                signals.append(message)
        assert signals
        assert {m.header.fields[HeaderFields.signature] for m in signals} == {"sa{sv}as"}
        statuses = [
            m.body[1]["PlaybackStatus"][1] for m in signals if "PlaybackStatus" in m.body[1]
        ]
        assert statuses == ["Playing", "Paused", "Playing", "Stopped"]
        first = next(m.body[1]["Metadata"][1] for m in signals if "Metadata" in m.body[1])
        assert first["xesam:title"] == ("s", TEXT[:79] + "…")
        artist = first["xesam:artist"]
        assert artist[0] == "as" and artist[1] and artist[1][0]
        assert first["mpris:trackid"][0] == "o"
    finally:
        bus.close()
        listener.close()


def test_next_and_previous_step_by_sentence(qtbot, offline_provider, display) -> None:
    require(bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")), "a D-Bus session bus")
    require(shutil.which("gdbus") is not None, "gdbus")
    from reader.audio.output import clock_output
    from reader.desktop.integration import Desktop
    from reader.reading.events import Voicing
    from reader.reading.factory import ReadingFactory
    from reader.settings import Settings
    from reader.ui.main_window import MainWindow
    from reader.ui.player import Player

    player = Player(clock_output(speed=1.0), ReadingFactory(Settings()))
    window = MainWindow(player, offline_provider, Voicing("en-US"))
    qtbot.addWidget(window)
    # Wired as reader.app wires it: the window's own actions.
    desktop = Desktop(
        {"next": window.next_action.trigger, "previous": window.previous_action.trigger},
        window.status.setText,
        lambda: "en-US",
    )
    player.state_changed.connect(desktop.follow_state)
    player.reading_started.connect(desktop.follow_reading)

    def call(method: str) -> None:
        # gdbus waits for the answer, which this very event loop gives: run it alongside.
        process = subprocess.Popen(
            [
                "gdbus",
                "call",
                "--session",
                "--dest",
                NAME,
                "--object-path",
                PATH,
                "--method",
                f"org.mpris.MediaPlayer2.Player.{method}",
            ],
            stdout=subprocess.DEVNULL,
        )
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=5000)
        assert process.returncode == 0

    try:
        with qtbot.waitSignal(
            player.sentence_changed, timeout=8000, check_params_cb=lambda i: i == 0
        ):
            window.read(TEXT)
        # A sentence lasts about 4 s: within 2 s only Next can bring the second.
        with qtbot.waitSignal(
            player.sentence_changed, timeout=2000, check_params_cb=lambda i: i == 1
        ):
            call("Next")
        with qtbot.waitSignal(
            player.sentence_changed, timeout=2000, check_params_cb=lambda i: i == 0
        ):
            call("Previous")  # playing never goes back by itself
        # The heard sentence is the text box's selection.
        assert window.text.textCursor().selectedText().startswith("This is sentence number 0")
    finally:
        player.stop()
        desktop.close()
