"""The code stays clean: ruff and mypy --strict, as part of every test run."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "reader", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(sys.executable, "-m", "mypy", "--strict", "reader")
    assert result.returncode == 0, result.stdout + result.stderr
