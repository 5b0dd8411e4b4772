"""Where Reader keeps its files on each platform, and writing a file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from reader import APP_ID


def config_dir() -> Path:
    """The platform's folder for this app's settings."""
    return _app_dir("APPDATA", "Roaming", "Application Support", "XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    """The platform's folder for this app's disposable files."""
    return _app_dir("LOCALAPPDATA", "Local", "Caches", "XDG_CACHE_HOME", ".cache")


def data_dir() -> Path:
    """The platform's folder for this app's data that is not settings (voices it fetches)."""
    return _app_dir("LOCALAPPDATA", "Local", "Application Support", "XDG_DATA_HOME", ".local/share")


def _app_dir(win_var: str, win_dir: str, mac_dir: str, xdg_var: str, xdg_dir: str) -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get(win_var) or Path.home() / "AppData" / win_dir)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / mac_dir
    else:
        base = Path(os.environ.get(xdg_var) or Path.home() / xdg_dir)
    return base / APP_ID


def write_text_whole(path: Path, text: str) -> None:
    """Write `text` under a temporary name beside `path`, then rename it into place: a
    crash or a full disk mid-write leaves the old file (or none), never half a file.
    Raises OSError."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
