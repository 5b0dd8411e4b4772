"""Reader's licence and those of the components it runs on, read from the installed
distributions' metadata and licence files (never a list kept by hand, which would drift).

The bundle's build writes this list into the bundle (`python -m reader.licences -o FILE`,
with the system libraries it copies appended by packaging/licences.py); Help → About shows
it. Run from a source checkout or a pip install it is read live from the environment.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from reader import APP_NAME, __version__

DISTRIBUTION = "reader"
BUNDLED_NAME = "THIRD-PARTY-LICENSES.txt"
# Where a standard licence's full text is, when a wheel names the licence but carries no
# copy of it (PySide6's wheels): Debian's, on the machine that builds the bundle.
COMMON_LICENCES = Path("/usr/share/common-licenses")
_COMMON_TEXT = {
    "Apache-2.0": "Apache-2.0",
    "LGPL-3.0": "LGPL-3",
    "GPL-3.0": "GPL-3",
    "GPL-2.0": "GPL-2",
    "LGPL-2.1": "LGPL-2.1",
}
# A wheel that declares no licence at all: what its upstream licence is, and why we know.
# Each entry must name a distribution whose metadata has neither License-Expression,
# License nor a licence classifier (tests/test_licences.py checks that it still has none).
UNDECLARED = {
    "espeakng-loader": (
        "GPL-3.0-or-later",
        "eSpeak NG's library and voices, github.com/espeak-ng/espeak-ng; "
        "the wheel itself declares no licence",
    ),
}
# Where each licence's steward publishes its text: the addresses the texts themselves give
# (the Apache License's header names www.apache.org/licenses/, the GPL's end names
# www.gnu.org/licenses/).
ADDRESSES = {
    "Apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0",
    "GPL-3.0-or-later": "https://www.gnu.org/licenses/gpl-3.0.html",
    "GPL-3.0": "https://www.gnu.org/licenses/gpl-3.0.html",
}
# A standard licence's text as a distribution Reader always installs carries it, word for
# word (tests/test_licences.py compares it with Debian's copy): found on every platform,
# where /usr/share/common-licenses is Debian's alone.
VERBATIM = {"Apache-2.0": ("hibari-tts", "LICENSE")}
_LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice)[^/]*$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
# Copyleft licences named in a licence file's opening lines: a wheel may carry a library
# under another licence than its own (soundfile's libsndfile is LGPL-2.1).
_COPYLEFT = re.compile(
    r"GNU (LESSER|LIBRARY|AFFERO)? ?GENERAL PUBLIC LICENSE\s+Version (\d(\.\d)?)"
)


@dataclass(frozen=True, slots=True)
class Component:
    """One distribution: its name, version, licence (SPDX where it says) and the texts."""

    name: str
    version: str
    licence: str
    note: str = ""
    texts: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (file name, text)


def components(root: str = DISTRIBUTION) -> list[Component]:
    """`root` and every distribution it needs at run time (extras left out), as installed."""
    seen: dict[str, Component] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        key = _normal(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen[key] = _component(dist)
        for requirement in dist.requires or []:
            marker = requirement.partition(";")[2]
            if "extra" in marker:
                continue
            found = _NAME.match(requirement.strip())
            if found:
                pending.append(found.group(0))
    own = seen.pop(_normal(root), None)
    rest = sorted([*seen.values(), _python()], key=lambda c: c.name.lower())
    return ([own] if own else []) + rest


def _python() -> Component:
    """The interpreter itself (the bundle carries it): its LICENSE.txt beside the stdlib."""
    licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    texts = (("LICENSE.txt", licence.read_text(encoding="utf-8")),) if licence.is_file() else ()
    return Component("Python", platform.python_version(), "PSF-2.0", texts=texts)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _component(dist: metadata.Distribution) -> Component:
    meta = dist.metadata
    name = _field(meta, "Name")
    licence = _field(meta, "License-Expression")
    if not licence:
        declared = _field(meta, "License").strip()
        # Some put the whole licence text in License: the first line names it.
        licence = declared.splitlines()[0] if declared and len(declared) < 200 else ""
    if not licence:
        classifiers = meta.get_all("Classifier") or []
        licence = ", ".join(c.rsplit(" :: ", 1)[-1] for c in classifiers if "License ::" in c)
    note = ""
    if not licence and _normal(name) in UNDECLARED:
        licence, note = UNDECLARED[_normal(name)]
    texts = [(name, text) for name, _where, text in _licence_files(dist)]
    if not texts:
        texts = _common_texts(licence)
    inside = [
        f"{file_name}: {found}"
        for file_name, text in texts
        if (found := _copyleft(text)) and found not in licence
    ]
    if inside:
        note = "; ".join([note, *inside] if note else inside)
    return Component(name, dist.version, licence or "not declared", note, tuple(texts))


def _licence_files(dist: metadata.Distribution) -> list[tuple[str, str, str]]:
    """(file name, where it is, its text) for each licence file `dist` installed."""
    return [
        (Path(str(path)).name, str(dist.locate_file(path)), _read(dist, path))
        for path in dist.files or []
        if _LICENCE_FILE.search(str(path)) and not str(path).endswith((".py", ".pyc"))
    ]


def component(name: str) -> Component | None:
    """One installed distribution (not what it needs), or None where it is not installed
    (or, in the bundle, its metadata was not carried)."""
    try:
        return _component(metadata.distribution(name))
    except metadata.PackageNotFoundError:
        return None


def licence_files(name: str) -> list[tuple[str, str, str]]:
    """(file name, where, text) of each licence file distribution `name` carries."""
    try:
        return _licence_files(metadata.distribution(name))
    except metadata.PackageNotFoundError:
        return []


def standard_text(licence: str) -> tuple[str, str] | None:
    """(where, words) of a standard licence's full text on this computer, if there is one."""
    if licence in VERBATIM:
        name, file_name = VERBATIM[licence]
        for found, where, text in licence_files(name):
            if found == file_name:
                return where, text
    for spdx, file_name in _COMMON_TEXT.items():
        path = COMMON_LICENCES / file_name
        if re.fullmatch(rf"{re.escape(spdx)}(-or-later|-only)?", licence) and path.is_file():
            return str(path), path.read_text(encoding="utf-8")
    return None


def _copyleft(text: str) -> str:
    found = _COPYLEFT.search(text[:600])
    if not found:
        return ""
    kind = {"LESSER": "LGPL", "LIBRARY": "LGPL", "AFFERO": "AGPL"}.get(found.group(1) or "", "GPL")
    version = found.group(2)
    return f"{kind}-{version}" if "." in version else f"{kind}-{version}.0"


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    # get_all, not [key]: importlib_metadata (which keyring loads) raises KeyError for a
    # field that is absent, where the standard library's returns None.
    return str((meta.get_all(key) or [""])[0])


def _read(dist: metadata.Distribution, path: metadata.PackagePath) -> str:
    try:
        return Path(str(dist.locate_file(path))).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"(could not be read: {error.strerror})"


def _common_texts(licence: str) -> list[tuple[str, str]]:
    """The full text of each standard licence `licence` names, from the system's copies."""
    texts = []
    for spdx, file_name in _COMMON_TEXT.items():
        path = COMMON_LICENCES / file_name
        if re.search(rf"\b{re.escape(spdx)}\b", licence) and path.is_file():
            texts.append((f"{spdx} (from {path})", path.read_text(encoding="utf-8")))
    return texts


def summary(found: list[Component]) -> str:
    """One line per component: name, version, licence."""
    return "\n".join(
        f"{c.name} {c.version}: {c.licence}" + (f" ({c.note})" if c.note else "") for c in found
    )


def full_text(found: list[Component]) -> str:
    """Everything a person receiving Reader should get: the list, then each text whole."""
    parts = [
        f"{APP_NAME} {__version__} and the components it runs on, with their licences, "
        "as their installed distributions declare them.",
        "",
        summary(found),
    ]
    for component in found:
        parts += ["", "=" * 78, f"{component.name} {component.version}: {component.licence}"]
        if component.note:
            parts.append(component.note)
        for file_name, text in component.texts:
            parts += ["", f"--- {file_name} ---", text.rstrip()]
    return "\n".join(parts) + "\n"


def bundled_text() -> str | None:
    """The list the bundle's build wrote (it also names system libraries), if this is one."""
    base = getattr(sys, "_MEIPASS", None)
    path = Path(base) / BUNDLED_NAME if base else None
    return path.read_text(encoding="utf-8") if path and path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the licences of Reader's components.")
    parser.add_argument("-o", "--output", type=Path, help="write here (default: stdout)")
    args = parser.parse_args(argv)
    text = full_text(components())
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
