"""The licences list is read from what is installed, so it cannot drift from what ships."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

from reader.licences import (
    COMMON_LICENCES,
    UNDECLARED,
    VERBATIM,
    components,
    full_text,
    standard_text,
)
from tests.conftest import require


def test_every_runtime_requirement_is_listed_with_its_licence_text() -> None:
    import keyring

    # As in the window: once keyring has looked for its backends, importlib_metadata's
    # finder answers for every distribution, and its metadata raises on absent fields.
    keyring.get_keyring()
    found = {c.name.lower().replace("_", "-"): c for c in components()}
    required = [
        re.match(r"[A-Za-z0-9._-]+", r).group(0).lower().replace("_", "-")  # type: ignore[union-attr]
        for r in metadata.distribution("reader").requires or []
        if "extra" not in r.partition(";")[2]
    ]
    installed = [name for name in required if _installed(name)]
    assert installed and all(name in found for name in installed), sorted(found)
    for name in ("reader", "python", "pyside6-essentials", "numpy", "keyring", "soundfile"):
        assert found[name].texts, name  # the licence's words, not only its name
    assert found["reader"].licence == "MIT"
    assert found["espeakng-loader"].licence.startswith("GPL-3.0")
    assert "LGPL-3.0" in found["pyside6-essentials"].licence
    assert "LGPL-2.1" in found["soundfile"].note  # libsndfile, inside the wheel


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def test_what_we_fill_in_is_only_what_a_wheel_leaves_out() -> None:
    """A licence named by hand is allowed only for a wheel that declares none."""
    for name in UNDECLARED:
        meta = metadata.distribution(name).metadata
        declared = [meta.get_all("License-Expression"), meta.get_all("License")]
        classifiers = [c for c in meta.get_all("Classifier") or [] if "License" in c]
        assert not any(declared) and not classifiers, f"{name} now declares its licence"


def test_the_command_writes_the_whole_text(tmp_path) -> None:
    out = tmp_path / "licences.txt"
    result = subprocess.run(
        [sys.executable, "-m", "reader.licences", "-o", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text == full_text(components())
    assert "Permission is hereby granted" in text  # MIT, Reader's own
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text


def test_the_flatpak_installs_the_licences() -> None:
    """The manifest cannot be built here (no flatpak-builder, no Flathub): check that it
    writes the same generated list, Reader's licence and PortAudio's (built from source)
    where Flatpak keeps licences."""
    from tests.conftest import ROOT

    manifest = (ROOT / "packaging" / "flatpak" / "io.github.reader.Reader.yml").read_text()
    where = "/app/share/licenses/io.github.reader.Reader"
    assert f"python3 -m reader.licences -o {where}/THIRD-PARTY-LICENSES.txt" in manifest
    assert f"install -Dm644 LICENSE -t {where}" in manifest
    assert f"install -Dm644 LICENSE.txt {where}/portaudio-LICENSE.txt" in manifest


def test_a_standard_text_taken_from_a_wheel_is_that_licence_word_for_word() -> None:
    """Where a downloaded voice's licence text is read from another package's file, that
    file must be the licence itself, as Debian keeps it (not a project's own variant)."""
    for licence, (name, _file) in VERBATIM.items():
        found = standard_text(licence)
        assert found is not None, licence
        where, text = found
        assert name.replace("-", "_") in where  # the wheel's copy, on every platform
        debian = COMMON_LICENCES / licence
        require(debian.is_file(), f"Debian's copy of {licence}")
        assert " ".join(text.split()) == " ".join(debian.read_text(encoding="utf-8").split())
