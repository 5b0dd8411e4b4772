"""Running the real `reader` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile


def reader(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m reader ARGS`; inherited *_API_KEY variables are dropped, so a developer's
    own keys never reach a test; `env` adds or overrides variables."""
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    # Each call its own audio cache unless a test shares one on purpose: a loopback port
    # reused by a later test must not find an earlier test's audio.
    clean["XDG_CACHE_HOME"] = tempfile.mkdtemp(
        prefix="cache-", dir=os.environ.get("XDG_CACHE_HOME")
    )
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**clean, **(env or {})},
    )


def speak(
    provider: str,
    base_url: str,
    out: str | os.PathLike[str],
    text: str,
    *extra: str,
    env: dict[str, str] | None = None,
    play: bool = False,
    verbose: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`reader [--verbose] speak -p PROVIDER --base-url URL -o OUT [--no-play] EXTRA TEXT`."""
    front = ["--verbose"] if verbose else []
    back = [] if play else ["--no-play"]
    args = [*front, "speak", "-p", provider, "--base-url", base_url, "-o", str(out), *back]
    return reader(*args, *extra, text, env=env)
