"""`reader voices --offline | --licences | install NAME | remove NAME`: the voices Reader
can download, and the licences of those on this computer."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from reader.errors import Interrupted, ReaderError
from reader.voices.catalogue import CatalogueVoice, VoiceFile, load
from reader.voices.store import VoiceStore
from reader.voices.terms import on_this_computer

# Another hub with the same paths (a mirror, or the tests' loopback stand-in).
HUB_VARIABLE = "READER_VOICE_HUB"


def add_arguments(voices: argparse.ArgumentParser) -> None:
    voices.add_argument(
        "--offline", action="store_true", help="list the voices to download, and which are here"
    )
    voices.add_argument(
        "--licences",
        "--licenses",
        action="store_true",
        help="the licence of each offline voice on this computer (built in and downloaded), "
        "who made it, and where its full text is",
    )
    actions = voices.add_subparsers(dest="voices_command", parser_class=type(voices))
    install = actions.add_parser("install", help="download a voice (see --offline)")
    install.add_argument("name", help="the voice's name, as --offline lists it")
    install.add_argument(
        "--from",
        dest="from_files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="install from files at hand instead of downloading (checked by sha256)",
    )
    remove = actions.add_parser("remove", help="delete a downloaded voice")
    remove.add_argument("name", help="the voice's name")


def wanted(args: argparse.Namespace) -> bool:
    return bool(args.offline or args.licences or getattr(args, "voices_command", None))


def run(args: argparse.Namespace, store: VoiceStore | None = None) -> int:
    store = store or VoiceStore(load(), hub=os.environ.get(HUB_VARIABLE) or None)
    if args.voices_command == "install":
        return _install(store, store.voice(args.name), args.from_files)
    if args.voices_command == "remove":
        voice = store.voice(args.name)
        if not store.installed(voice):
            print(f"{voice.name} is not installed.", file=sys.stderr)
            return 0
        freed = store.remove(voice)
        print(f"Removed {voice.name} ({freed / 1e6:.1f} MB freed).", file=sys.stderr)
        return 0
    if args.licences:
        return _licences(store)
    return _list(store)


def _licences(store: VoiceStore) -> int:
    for terms in on_this_computer(store):
        where = f" Full text: {terms.where}" if terms.where else ""
        print(f"{terms.name}\t{terms.licence}\t{terms.kind}: {terms.attribution}{where}")
    return 0


def _list(store: VoiceStore) -> int:
    for voice in store.catalogue.voices:
        state = "installed" if store.installed(voice) else f"{voice.size / 1e6:.1f} MB"
        grade = f"grade {voice.grade}" if voice.grade else ""
        details = "  ".join(p for p in (voice.language, voice.gender, grade, state) if p)
        print(f"{voice.name}\t{voice.engine}\t{details}")
    print(f"Downloaded voices: {store.disk_use() / 1e6:.1f} MB in {store.root}", file=sys.stderr)
    return 0


def _install(store: VoiceStore, voice: CatalogueVoice, from_files: list[Path] | None) -> int:
    if store.installed(voice):
        print(f"{voice.name} is already installed.", file=sys.stderr)
        return 0
    # What the person accepts by installing it, before a byte is fetched.
    print(f"{voice.name}: {voice.licence}. {voice.attribution}", file=sys.stderr)
    if from_files:
        store.install_from(voice, from_files)
        print(f"Installed {voice.name} from files.", file=sys.stderr)
        return 0
    line = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    cancel = threading.Event()
    finished = threading.Event()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            store.install(voice, line.show if line else _quiet, cancel)
        except BaseException as error:
            failure.append(error)
        finally:
            finished.set()

    # The download runs beside the main thread, so Ctrl+C here reaches it as a Cancel:
    # it stops at the next block and takes its partial file away. (An Event, not
    # Thread.join: a join that Ctrl+C interrupted may return at once the next time.)
    threading.Thread(target=work, name="voice-download", daemon=True).start()
    try:
        while not finished.wait(0.1):
            pass
    except KeyboardInterrupt:
        cancel.set()
        finished.wait(30)
        raise Interrupted(f"Cancelled; {voice.name} was not installed.") from None
    finally:
        if line:
            line.clear()
    if failure:
        error = failure[0]
        raise error if isinstance(error, ReaderError) else ReaderError(str(error))
    print(f"Installed {voice.name} ({voice.size / 1e6:.1f} MB).", file=sys.stderr)
    return 0


def _quiet(file: VoiceFile, done: int, total: int) -> None:
    pass


class _ProgressLine:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = -1

    def show(self, file: VoiceFile, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == self._shown:
            return
        self._shown = percent
        text = f"{file.name}  {done / 1e6:.1f} of {total / 1e6:.1f} MB  {percent}%"
        self._stream.write("\r" + text.ljust(60)[:79])
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r" + " " * 79 + "\r")
        self._stream.flush()
