"""Starting the window where it cannot open: one line, the cause, exit 2 (not Qt's abort)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.ui.desktop import NO_DESKTOP, debian_package
from tests.conftest import require


def start(*args: str, env: dict[str, str], wrapper: tuple[str, ...] = ()):
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize("args", [(), ("gui",), ("gui", "--read-clipboard")])
def test_no_display_at_all_is_one_line_and_exit_2(args, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    result = start(*args, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"reader: {NO_DESKTOP}\n"


def test_a_display_that_is_gone_is_one_line_and_exit_2(tmp_path) -> None:
    # DISPLAY names a server that is not there (a stale variable in an ssh session):
    # Qt's xcb plugin loads, connecting fails, and Qt would abort.
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env.pop("QT_QPA_PLATFORM", None)
    # A number no X server has: the suite's test beds take free low ones (:9 was one).
    free = next(n for n in range(4242, 5000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env.update(DISPLAY=f":{free}", XDG_CONFIG_HOME=str(tmp_path))
    result = start("gui", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"reader: {NO_DESKTOP}\n"


def _library_folder(soname: str) -> Path | None:
    listed = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    found = re.search(rf"^\s*{re.escape(soname)} \(.*?\) => (\S+)$", listed, re.MULTILINE)
    return Path(found.group(1)).resolve().parent if found else None


def test_a_missing_system_library_is_named_with_its_package(display, tmp_path) -> None:
    """libxcb-cursor0 uninstalled, as on a fresh Ubuntu: the real library is hidden from
    the real `reader gui` (an overlay over its folder, in a mount namespace of its own)."""
    folder = _library_folder("libxcb-cursor.so.0")
    require(folder is not None, "libxcb-cursor0 (scripts/system-packages run)")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    require(shutil.which("unshare") is not None and probe.returncode == 0, "unshare -rm")
    (tmp_path / "upper").mkdir()
    (tmp_path / "work").mkdir()
    hide = (
        f"mount -t overlay overlay -o lowerdir={folder},upperdir={tmp_path / 'upper'},"
        f"workdir={tmp_path / 'work'} {folder} && rm {folder}/libxcb-cursor.so.0* && "
        'exec "$@"'
    )
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env.pop("QT_QPA_PLATFORM", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    result = start("gui", env=env, wrapper=("unshare", "-rm", "sh", "-c", hide, "sh"))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"reader: {NO_DESKTOP}"), result.stderr
    assert "libxcb-cursor.so.0 is missing" in lines[0]
    assert "sudo apt install libxcb-cursor0" in lines[0]


def test_debian_package_names_follow_the_soname() -> None:
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
