"""Clipboard and primary selection for the headless CLI, through the platform's tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from reader.errors import UsageError

_TIMEOUT_S = 3.0


def _commands(selection: bool) -> list[list[str]]:
    if sys.platform == "darwin":
        return [] if selection else [["pbpaste"]]
    if sys.platform == "win32":
        return [] if selection else [["powershell", "-NoProfile", "-Command", "Get-Clipboard -Raw"]]
    commands = []
    if os.environ.get("WAYLAND_DISPLAY"):
        commands.append(["wl-paste", "--no-newline"] + (["--primary"] if selection else []))
    commands.append(["xclip", "-out", "-selection", "primary" if selection else "clipboard"])
    commands.append(["xsel", "--output", "--primary" if selection else "--clipboard"])
    return commands


def read_text(selection: bool = False) -> str:
    """The clipboard's text, or the primary selection's (X11/Wayland)."""
    what = "selection" if selection else "clipboard"
    commands = [c for c in _commands(selection) if shutil.which(c[0])]
    if not commands:
        if selection and sys.platform in ("darwin", "win32"):
            raise UsageError(
                "This system has no primary selection: copy the text and use --clipboard."
            )
        raise UsageError(
            f"Cannot read the {what}: install xclip, xsel or wl-clipboard, or pipe the text in."
        )
    failures = []
    for command in commands:
        try:
            result = subprocess.run(command, capture_output=True, timeout=_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            failures.append(f"{command[0]}: {error}")
            continue
        if result.returncode == 0:
            return result.stdout.decode("utf-8", errors="replace")
        failures.append(command[0])
    raise UsageError(f"The {what} is empty or unavailable (tried {', '.join(failures)}).")
