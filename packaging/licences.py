"""The licences of the bundle: Reader's and its Python distributions' (reader/licences.py),
then each system library the bundle copies, with its Debian package's copyright file.

    python packaging/licences.py OUT_FILE LIBRARY...   # the spec calls `write`
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.licences import components, full_text


def _package_of(library: Path) -> str | None:
    """The Debian package that installed `library` (None off Debian or for our own files)."""
    for candidate in (library, library.resolve()):
        try:
            found = subprocess.run(
                ["dpkg-query", "-S", str(candidate)], capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            return None
        if found.returncode == 0:
            return found.stdout.split(":", 1)[0].strip()
    return None


def system_libraries(libraries: list[Path]) -> str:
    """One section per Debian package among `libraries`: its name, version and copyright."""
    packages: dict[str, list[str]] = {}
    for library in libraries:
        package = _package_of(library)
        if package:
            packages.setdefault(package, []).append(library.name)
    parts = []
    for package, names in sorted(packages.items()):
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True
        ).stdout
        copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
        text = (
            copyright_file.read_text(encoding="utf-8", errors="replace")
            if copyright_file.is_file()
            else "(no copyright file)"
        )
        parts += [
            "",
            "=" * 78,
            f"{package} {version} (system library: {', '.join(sorted(names))})",
            "",
            text.rstrip(),
        ]
    return "\n".join(parts) + "\n" if parts else ""


def write(out: Path, libraries: list[Path]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(full_text(components()) + system_libraries(libraries), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]))
