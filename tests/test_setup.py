"""Set-up as a newcomer sees it: one line per step, pip quiet, and a failure that names
its step and the command to run again."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import ROOT


def _project(tmp_path, dependencies: str):
    """A copy of scripts/ beside a tiny project: scripts/venv runs as it does in a clone."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", dirs_exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "tiny"\nversion = "0"\ndependencies = [{dependencies}]\n'
        '[project.scripts]\nreader = "tiny:main"\n[tool.setuptools]\npy-modules = ["tiny"]\n'
    )
    (tmp_path / "tiny.py").write_text("def main():\n    return 0\n")
    return tmp_path


def step(project, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["scripts/step", "Python packages in .venv", *command],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_set_up_is_one_line_a_step_or_names_the_failed_one(tmp_path) -> None:
    project = _project(tmp_path, "")
    done = step(project, "scripts/venv")
    assert done.returncode == 0, done.stderr
    # This machine's pip config names indexes that lack most packages: pip -q would print
    # "WARNING: Location ... is ignored" for each, and setuptools its editable-install note.
    assert done.stdout + done.stderr == "Set-up: Python packages in .venv\n"

    # The same venv, now asked for a package no index has (one venv made, not two).
    _project(tmp_path, '"reader-test-no-such-package"')
    failed = step(project, "scripts/venv", "dev")
    assert failed.returncode != 0
    lines = failed.stderr.splitlines()
    assert lines[0] == "Set-up: Python packages in .venv"
    assert any("reader-test-no-such-package" in line for line in lines[1:-1])  # pip's error
    assert lines[-1].startswith("Set-up failed at: Python packages in .venv (exit status")
    assert lines[-1].endswith("then run it again: scripts/venv dev")
