"""Where Reader keeps its files on each platform, and writing a file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

from reader import APP_ID


def config_dir() -> Path:
    """The platform's folder for this app's settings."""
    return _app_dir("APPDATA", "Roaming", "Application Support", "XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    """The platform's folder for this app's disposable files."""
    return _app_dir("LOCALAPPDATA", "Local", "Caches", "XDG_CACHE_HOME", ".cache")


def data_dir() -> Path:
    """The platform's folder for this app's own data (downloaded voices): kept, where
    cache cleaners wipe the cache folder."""
    return _app_dir("LOCALAPPDATA", "Local", "Application Support", "XDG_DATA_HOME", ".local/share")


def _app_dir(win_var: str, win_dir: str, mac_dir: str, xdg_var: str, xdg_dir: str) -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get(win_var) or Path.home() / "AppData" / win_dir)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / mac_dir
    else:
        base = Path(os.environ.get(xdg_var) or Path.home() / xdg_dir)
    return base / APP_ID


# As tempfile.mkstemp opens its files, but for the mode.
_NEW_FILE = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def create_beside(path: Path, suffix: str = "") -> tuple[int, Path]:
    """A new empty file beside `path`, open for writing, to be renamed over it when whole:
    (its descriptor, its path). It has the permissions `path` will have: those `path` has
    now when it is saved over, else what the person's umask gives any new file. (mkstemp's
    0600 made every saved export and subtitle file private to its owner.) Raises OSError."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        kept: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        kept = None
    for _ in range(100):
        candidate = folder / f".{path.name}.{secrets.token_hex(4)}{suffix}"
        try:
            handle = os.open(candidate, _NEW_FILE, 0o666)  # the umask applies
        except FileExistsError:
            continue
        if kept is not None:
            with contextlib.suppress(OSError):  # a file system without modes keeps its own
                os.chmod(candidate, kept)
        return handle, candidate
    raise FileExistsError(f"no free temporary name beside {path}")


def write_text_whole(path: Path, text: str) -> None:
    """Write `text` under a temporary name beside `path`, then rename it into place: a
    crash or a full disk mid-write leaves the old file (or none), never half a file.
    Raises OSError."""
    handle, temp = create_beside(path)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
