"""The layers of `reader/`: core modules never import Qt, and no layer imports a higher one.

The rule, lowest layer first (the same list as `reader/__init__.py`'s docstring):

    errors, files, licences → audio, keys → text, voices → providers, settings, logs
      → reading → cli → ui, desktop → app

A module may import its own layer's package and any layer to its left, and the package
root `reader` (its id and version). Layers on the same step do not import each other
(audio and keys know nothing of each other; providers nothing of settings). One edge goes
up on purpose: `reader gui` starts the window, so `cli.main` imports `app` inside that
command only, never at module level. Every import counts, at module level or inside a
function, so an import hidden in a function cannot break the rule either.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import reader

QT_SIDE = ("reader.ui", "reader.desktop", "reader.app")

# Each layer's rank: a module may import ranks below its own, and its own package.
RANKS: dict[str, int] = {
    "errors": 0,
    "files": 0,
    "licences": 0,
    "audio": 1,
    "keys": 1,
    "text": 2,
    "voices": 2,  # the downloaded voice files, which providers run
    "providers": 3,
    "settings": 3,
    "logs": 3,
    "reading": 4,
    "cli": 5,
    "ui": 6,
    "desktop": 6,  # platform integration beside ui; neither imports the other
    "app": 7,
}
# Imports that go up on purpose, each made only inside a function (see the docstring).
UPWARD_IN_FUNCTIONS = {("reader.cli.main", "reader.app")}

READER = Path(reader.__file__).parent


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(reader.__path__, "reader.")]
    # __main__ runs the program when imported; everything it imports is covered anyway.
    return [n for n in names if not n.startswith(QT_SIDE) and n != "reader.__main__"]


def all_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in READER.rglob("*.py"):
        parts = list(path.relative_to(READER.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> list[tuple[str, bool]]:
    """Every `reader…` module `name` imports, and whether at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from reader.cli import keys` imports the module reader.cli.keys.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in all_modules() else base
                for alias in node.names
            ]
        for target in targets:
            if target == "reader" or target.startswith("reader."):
                found.append((target, id(node) in top_level))
    return found


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def wrong_way_imports() -> list[str]:
    wrong = []
    for name, path in sorted(all_modules().items()):
        own = layer(name)
        if own is None or own == "__main__":
            continue
        assert own in RANKS, f"{name}: a new layer; give it a rank in RANKS and the docstring"
        for target, at_top in imports_of(name, path):
            theirs = layer(target)
            if theirs is None or theirs == own:
                continue
            if RANKS[theirs] < RANKS[own]:
                continue
            if (name, target) in UPWARD_IN_FUNCTIONS and not at_top:
                continue
            wrong.append(f"{name} imports {target} ({own} may not import {theirs})")
    return wrong


def import_cycles() -> list[list[str]]:
    modules = all_modules()
    graph = {
        name: sorted({t for t, _ in imports_of(name, path) if t in modules and t != name})
        for name, path in modules.items()
    }
    # A package imports its own modules through __init__ only when it says so; an edge
    # from a module to its package root is the root's own code, not a circle.
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_there_is_a_core_to_check() -> None:
    core = set(core_modules())
    assert {"reader.reading.engine", "reader.cli.main", "reader.text.sentences"} <= core
    assert "reader.audio.output" in core


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


def test_no_layer_imports_a_higher_one() -> None:
    """See the module docstring for the order of the layers."""
    assert wrong_way_imports() == []


def test_the_layer_check_catches_a_wrong_way_import(tmp_path: Path, monkeypatch) -> None:
    # The check itself must be able to fail: text importing a reading is caught.
    fake = tmp_path / "reader"
    for source in READER.rglob("*.py"):
        target = fake / source.relative_to(READER)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    bad = fake / "text" / "sentences.py"
    bad.write_text(bad.read_text() + "\nfrom reader.reading.engine import Reading\n")
    monkeypatch.setattr(sys.modules[__name__], "READER", fake)
    assert wrong_way_imports() == [
        "reader.text.sentences imports reader.reading.engine (text may not import reading)"
    ]


def test_no_import_circles() -> None:
    assert import_cycles() == []


def test_no_module_is_longer_than_one_idea() -> None:
    long = {
        name: n
        for name, path in all_modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}, "over 400 lines: split along an idea"
