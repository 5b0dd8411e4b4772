"""Core modules never import Qt: each is imported with PySide6 blocked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader

QT_SIDE = ("reader.ui", "reader.player", "reader.app")


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(reader.__path__, "reader.")]
    # __main__ runs the program when imported; everything it imports is covered anyway.
    return [n for n in names if not n.startswith(QT_SIDE) and n != "reader.__main__"]


def test_there_is_a_core_to_check() -> None:
    assert {"reader.engine", "reader.cli", "reader.text", "reader.audio.output"} <= set(
        core_modules()
    )


def test_core_imports_without_qt() -> None:
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError(f'Qt imported by core: {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {core_modules()!r}:\n"
        "    __import__(name)\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')]\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
