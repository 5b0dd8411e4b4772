"""Running the real `reader` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys


def reader(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m reader ARGS`; inherited *_API_KEY variables are dropped, so a developer's
    own keys never reach a test; `env` adds or overrides variables."""
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**clean, **(env or {})},
    )
