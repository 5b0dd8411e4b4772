"""Qt's ICU data library, cut down to what Qt uses in Reader (Linux bundles).

PySide6 ships ICU's whole data, 32 MB of the bundle: every locale's names of languages,
currencies, units and time zones, break rules, transliterators, code pages. Qt formats
dates and numbers from its own CLDR tables and breaks text with its own Unicode tables;
from ICU it takes collation (QCollator: the file dialog sorts names with it, "Äpfel"
beside "apfel", "file10" after "file9") and the normalization data that goes with it.
So the bundle carries a library of the same name and symbol holding only those items
(about 5 MB): ICU's own icupkg extracts them, gcc wraps them back into a shared library.

    python packaging/icu_data.py LIBICUDATA OUT_DIR   # writes OUT_DIR/<same name>
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

# What Qt's collator needs: the collation trees and the top-level data it falls back on
# (locale aliases and likely subtags, for "de_AT" to find "de").
KEEP_TREES = ("coll/",)
KEEP_ITEMS = (
    "res_index.res",
    "root.res",
    "pool.res",
    "icuver.res",
    "icustd.res",
    "metadata.res",
    "likelySubtags.res",
    "supplementalData.res",
    "keyTypeData.res",
    "cnvalias.icu",
    "nfkc.nrm",
    "nfkc_cf.nrm",
    "uts46.nrm",
    "ulayout.icu",
    "uemoji.icu",
)
TOOLS = ("nm", "readelf", "icupkg", "gcc")
_ASSEMBLY = """\
    .section .rodata
    .globl {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{data}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack,"",@progbits
"""


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """The icudtNN_dat symbol's name, file offset and size."""
    for line in _run("nm", "-D", "-S", "--defined-only", str(library)).splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"icudt\d+_dat", parts[3]):
            address, size, name = int(parts[0], 16), int(parts[1], 16), parts[3]
            break
    else:
        raise SystemExit(f"{library}: no icudtNN_dat symbol")
    # Its file offset: from the section that holds it.
    for line in _run("readelf", "-S", "-W", str(library)).splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[0].startswith("[") and fields[0] != "[Nr]":
            try:
                start, offset, length = (int(fields[i], 16) for i in (3, 4, 5))
            except ValueError:
                continue
            if start <= address < start + length:
                return name, address - start + offset, size
    raise SystemExit(f"{library}: the section holding {name} was not found")


def trim(library: Path, out_dir: Path) -> Path:
    """Write a cut-down copy of ICU data `library` into `out_dir` (same file name)."""
    name, offset, size = _data_symbol(library)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # icupkg wants a package's file named after it: its items are "icudt73l/…".
        package = f"{name.removesuffix('_dat')}l.dat"
        (work / "in").mkdir()
        (work / "out").mkdir()
        whole = work / "in" / package
        with library.open("rb") as source:
            source.seek(offset)
            whole.write_bytes(source.read(size))
        items = _run("icupkg", "-l", str(whole)).split()
        keep = [i for i in items if i.startswith(KEEP_TREES) or i in KEEP_ITEMS]
        if not any(i.startswith("coll/") for i in keep) or "root.res" not in keep:
            raise SystemExit(f"{library}: no collation data in it ({len(items)} items)")
        listing = work / "keep.txt"
        listing.write_text("\n".join(keep) + "\n")
        extracted = work / "items"
        extracted.mkdir()
        _run("icupkg", "-d", str(extracted), "-x", str(listing), str(whole))
        # A new little-endian package of only those items, under the same name.
        small = work / "out" / package
        _run("icupkg", "-tl", "-s", str(extracted), "-a", str(listing), "new", str(small))
        assembly = work / "data.S"
        assembly.write_text(_ASSEMBLY.format(symbol=name, data=small))
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / library.name
        soname = library.name
        _run(
            "gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(target), str(assembly)
        )
    return target


if __name__ == "__main__":
    print(trim(Path(sys.argv[1]), Path(sys.argv[2])))
