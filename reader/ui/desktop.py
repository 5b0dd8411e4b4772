"""Whether the window can open here: a desktop session to show it on, and a Qt platform
plugin that loads. Without them Qt prints five lines and aborts the process (exit 134);
Reader says so in one line instead, naming a missing system library if that is the cause.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

NO_DESKTOP = "Reader's window needs a desktop session; `reader speak` works in a terminal."
EXIT_NO_DESKTOP = 2
# Qt platforms that show a window without a display server of their own kind to reach.
_SERVERLESS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay")
_MISSING = re.compile(r"^([^:\s]+\.so[.\d]*): cannot open shared object file")


def desktop_missing(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True on Linux and the BSDs when there is neither an X11 nor a Wayland display and
    Qt was not asked for a platform that needs none (offscreen, vnc…)."""
    if platform in ("win32", "darwin"):
        return False
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return False
    wanted = environ.get("QT_QPA_PLATFORM", "")
    return not any(name in wanted for name in _SERVERLESS)


def missing_library(plugins: Path, environ: Mapping[str, str]) -> str | None:
    """The first shared library that keeps the display's platform plugin from loading
    (e.g. libxcb-cursor.so.0), found by loading the plugin as Qt would."""
    names = []
    if environ.get("WAYLAND_DISPLAY"):
        names.append("libqwayland.so")
    if environ.get("DISPLAY"):
        names.append("libqxcb.so")
    for name in names:
        plugin = plugins / "platforms" / name
        if not plugin.is_file():
            continue
        try:
            ctypes.CDLL(str(plugin))
        except OSError as error:
            found = _MISSING.match(str(error))
            if found:
                return found.group(1)
    return None


def debian_package(library: str) -> str:
    """Debian's package name for a library's soname: libxcb-cursor.so.0 → libxcb-cursor0."""
    stem, _, version = library.partition(".so.")
    version = version.split(".")[0]
    return f"{stem}{'-' if stem[-1:].isdigit() else ''}{version}" if version else stem


def explain(library: str | None) -> str:
    """The one line: the desktop, and the library to install when one is missing."""
    if not library:
        return f"reader: {NO_DESKTOP}"
    return (
        f"reader: {NO_DESKTOP} Qt cannot load its display plugin here: the system library "
        f"{library} is missing (Debian/Ubuntu: sudo apt install {debian_package(library)})."
    )


@contextmanager
def fatal_platform_errors(plugins: Callable[[], Path]) -> Iterator[None]:
    """While the QApplication is made: Qt's "could not load the platform plugin" is fatal
    (it aborts the process); say the one line and exit 2 instead. Qt's other messages of
    that moment are held back and printed as usual if start-up goes on."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    held: list[str] = []

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(explain(missing_library(plugins(), os.environ)), file=sys.stderr, flush=True)
            os._exit(EXIT_NO_DESKTOP)  # Qt aborts when this returns: no clean-up can run
        category = getattr(context, "category", None)
        held.append(f"{category}: {message}" if category and category != "default" else message)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
        for line in held:
            print(line, file=sys.stderr)
