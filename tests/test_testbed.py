"""The test bed that ./scripts/test runs the suite in, with workers (READER_TEST_WORKERS):
tests running at once share no display, bus, keyring, sound server or folder, and nothing
the bed started outlives it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import BED_VARIABLES, ROOT, require

# Run inside the bed: each bed's variables, and whether its services answer under them.
LOOK_AROUND = r"""
import json, os, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.conftest import BED_VARIABLES

def answers(env, *command):
    return subprocess.run(command, env=env, capture_output=True, timeout=20).returncode == 0

beds = {"main": {name: os.environ.get(name, "") for name in BED_VARIABLES}}
for described in sorted(Path(os.environ["READER_TESTBED_WORKERS"]).iterdir()):
    pairs = (item.split("=", 1) for item in described.read_text().split("\0") if "=" in item)
    values = dict(pairs)
    beds[described.name] = {name: values.get(name, "") for name in BED_VARIABLES}
for values in beds.values():
    env = {**os.environ, **values}
    values["display answers"] = answers(env, "xdpyinfo")
    values["sound server answers"] = answers(env, "pactl", "info")
    values["keyring answers"] = answers(
        env, "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
        "org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets")
print(json.dumps(beds))
"""


def _holding(folder: str) -> list[int]:
    """Processes still running with `folder` in their environment or command line."""
    found = []
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            held = (process / "environ").read_bytes() + (process / "cmdline").read_bytes()
        except OSError:
            continue
        if folder.encode() in held:
            found.append(int(process.name))
    return found


def test_each_worker_has_a_bed_of_its_own_and_nothing_outlives_the_run() -> None:
    for tool in ("Xvfb", "dbus-run-session", "gnome-keyring-daemon", "pulseaudio", "xdpyinfo"):
        require(shutil.which(tool) is not None, tool)
    # A bed of its own, started from scratch: not inside this run's bed.
    env = {k: v for k, v in os.environ.items() if k not in BED_VARIABLES}
    env = {k: v for k, v in env.items() if not k.startswith(("READER_TEST", "PYTEST_XDIST"))}
    env["READER_TEST_WORKERS"] = "2"
    env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"  # the new bed must make its own
    run = subprocess.run(
        [str(ROOT / "scripts" / "testbed"), sys.executable, "-c", LOOK_AROUND, str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    beds = json.loads(run.stdout)
    assert sorted(beds) == ["gw0", "gw1", "main"]
    for name, values in beds.items():
        assert values["display answers"], name
        assert values["sound server answers"], name
        assert values["keyring answers"], name
    for shared in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "TMPDIR"):
        assert len({values[shared] for values in beds.values()}) == 3, shared
    # Every bed is torn down when the run ends, the workers' beds included.
    for name, values in beds.items():
        folder = str(Path(values["XDG_RUNTIME_DIR"]).parent)
        assert not Path(folder).exists(), name
        assert _holding(folder) == [], name
