"""`reader speak | voices | providers | gui`: the scriptable face, also what hotkeys call."""

from __future__ import annotations

import argparse
import logging
import math
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from reader import __version__
from reader.audio.output import check_output_device, device_output
from reader.cli import keys as keys_cli
from reader.cli import voices as voices_cli
from reader.errors import BadRequest, Interrupted, NotFound, ReaderError, UsageError
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.logs import setup_logging
from reader.providers.base import Provider
from reader.providers.model_choice import model_to_ask, unlisted_model_hint
from reader.providers.openai import takes_any_voice
from reader.providers.registry import Registry
from reader.reading.cache import AudioCache
from reader.reading.events import Event, Progress, Retrying, State, Voicing
from reader.reading.exporting import Export, check_targets
from reader.reading.factory import ReadingFactory
from reader.settings import Settings, SettingsFile

log = logging.getLogger(__name__)

_MAX_VOICES_SHOWN = 20


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line and exit 2, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # self.prog is the command as typed so far ("reader speak"): its own help.
        self._fail(message, self.prog)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # argparse says so at the top, where the command's own help is meant
            command = getattr(parsed, "command", None)
            where = f"{self.prog} {command}" if command else self.prog
            self._fail(f"unrecognized arguments: {' '.join(extras)}", where)
        return parsed

    def _fail(self, message: str, where: str) -> None:
        self.exit(2, f"reader: {_hide_values(message)} (see `{where} --help`)\n")


def _hide_values(message: str) -> str:
    # A key pasted as an argument by mistake must not be echoed back to the terminal:
    # name stray options, but not stray values.
    prefix = "unrecognized arguments: "
    if not message.startswith(prefix):
        return message
    words = message[len(prefix) :].split()
    options = [w for w in words if w.startswith("-")]
    hidden = len(words) - len(options)
    shown = " ".join(options + ([f"(and {hidden} value(s), not shown)"] if hidden else []))
    return prefix + shown


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reader", description="Hear text read aloud.")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("--verbose", action="store_true", help="log what happens to stderr")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    gui = commands.add_parser("gui", help="open the window (the default)")
    source = gui.add_mutually_exclusive_group()
    source.add_argument("--read-clipboard", action="store_true", help="read the clipboard")
    source.add_argument("--read-selection", action="store_true", help="read the selection")

    speak = commands.add_parser("speak", help="read text aloud without a window")
    speak.add_argument("text", nargs="*", help="the text; '-' or piped input reads stdin")
    where = speak.add_mutually_exclusive_group()
    where.add_argument("--clipboard", action="store_true", help="read the clipboard")
    where.add_argument("--selection", action="store_true", help="read the primary selection")
    _add_provider_options(speak)
    speak.add_argument("-v", "--voice", help="voice id (see `reader voices`)")
    speak.add_argument("--speed", type=float, help="0.25 to 4 (default: settings, else 1)")
    speak.add_argument("--instructions", default="", help="how to speak, where the model allows")
    speak.add_argument("-o", "--output", type=Path, help="also save: .wav .flac .ogg .opus .mp3")
    speak.add_argument("--no-play", action="store_true", help="save only (needs --output)")
    speak.add_argument(
        "--subtitles", type=Path, help="with --output: also write .srt or .vtt subtitles"
    )
    speak.add_argument(
        "--plain", action="store_true", help="read Markdown syntax as written (default: as prose)"
    )

    voices = commands.add_parser("voices", help="list a provider's voices, or download one")
    _add_provider_options(voices)
    voices_cli.add_arguments(voices)

    commands.add_parser("providers", help="list providers and their defaults")
    cache = commands.add_parser("cache", help="the audio cache: how big it is, or clear it")
    cache.add_argument("cache_command", choices=("info", "clear"), help="what to do")
    keys_cli.add_parser(commands)
    return parser


def _add_provider_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--provider", help="provider id (see `reader providers`)")
    parser.add_argument("-m", "--model", default="", help="model name")
    parser.add_argument("--base-url", help="server address for OpenAI-compatible providers")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    redactor = Redactor()
    setup_logging(args.verbose, redactor)
    command = args.command or "gui"
    if command == "gui":
        from reader.app import run_gui  # Qt is imported only for the window

        return run_gui(
            redactor,
            read_clipboard=getattr(args, "read_clipboard", False),
            read_selection=getattr(args, "read_selection", False),
        )
    keys = KeyStore(redactor)
    registry = Registry(keys)
    try:
        if command == "keys":
            return keys_cli.run(args, keys, SettingsFile())
        if command == "speak":
            return _speak(args, registry, SettingsFile().load())
        if command == "voices":
            return voices_cli.run(args) if voices_cli.wanted(args) else _voices(args, registry)
        if command == "cache":
            return _cache(args, SettingsFile().load())
        return _providers(registry)
    except ReaderError as error:
        print(f"reader: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return Interrupted.exit_code
    except BrokenPipeError:
        return 0
    finally:
        registry.close()


def _provider(
    args: argparse.Namespace, registry: Registry, settings: Settings | None = None
) -> Provider:
    """The provider named, else the one in settings (if this version has it), else the
    default (the offline voice)."""
    preferred = settings.provider if settings and settings.provider in registry.ids() else ""
    provider_id = args.provider or preferred or registry.default_id()
    # The saved server goes with the saved provider only (the window's last choice).
    saved_url = settings.base_url if settings and not args.provider and preferred else ""
    return registry.create(provider_id, args.base_url or saved_url or None)


def _voices(args: argparse.Namespace, registry: Registry) -> int:
    # A fixed list is shown without a key: people choose a voice before they pay.
    builtin = registry.builtin_voices(args.provider) if args.provider else None
    if builtin is not None:
        voices = builtin
    else:
        provider = _provider(args, registry)
        voices = provider.voices()
        if takes_any_voice(provider):
            # On stderr: stdout stays a plain list to pipe.
            print(
                f"{provider.display_name} lists no voices: these are OpenAI's standard ones, "
                "and `-v NAME` sends any other name as given.",
                file=sys.stderr,
            )
    for voice in voices:
        details = "  ".join(part for part in (voice.language, voice.gender) if part)
        print(f"{voice.id}\t{voice.name}\t{details}".rstrip())
    return 0


def _audio_cache(settings: Settings) -> AudioCache:
    return AudioCache(max_bytes=settings.cache_mb * 1024 * 1024)


def _cache(args: argparse.Namespace, settings: Settings) -> int:
    cache = _audio_cache(settings)
    if args.cache_command == "clear":
        freed = cache.clear()
        print(f"Cleared the audio cache ({freed / 1e6:.1f} MB).", file=sys.stderr)
        return 0
    entries, size = cache.size()
    print(f"{cache.root}\t{entries} entries\t{size / 1e6:.1f} MB of {settings.cache_mb} MB")
    return 0


def _providers(registry: Registry) -> int:
    for info in registry.infos():
        if info.needs_base_url:
            needs = "needs --base-url"
        elif info.needs_key:
            needs = "needs a key (`reader keys list`)"
        else:
            needs = "no key needed"
        print(f"{info.id}\t{info.display_name}\t{needs}")
    return 0


def _read_input(args: argparse.Namespace) -> str:
    from reader.cli.clipboard import read_text

    if args.clipboard or args.selection:
        if args.text:
            raise UsageError("Give text or --clipboard/--selection, not both.")
        text = read_text(selection=args.selection)
    elif args.text == ["-"] or (not args.text and not sys.stdin.isatty()):
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    else:
        text = " ".join(args.text)
    log.debug("text to read: %d characters", len(text))  # never the text itself
    return text


def _pick_voice(provider: Provider, wanted: str | None) -> str:
    if not wanted:
        return provider.default_voice()
    voices = provider.voices()
    for voice in voices:
        if voice.id.lower() == wanted.lower():
            if takes_any_voice(provider):
                log.info(
                    "%s lists no voices; asking it for '%s', one of OpenAI's standard voices",
                    provider.display_name,
                    voice.id,
                )
            return voice.id
    named = [voice for voice in voices if voice.name.lower() == wanted.lower()]
    if len(named) == 1:  # "Rachel" for an ElevenLabs voice id
        return named[0].id
    if takes_any_voice(provider):
        # The server answers for the name at the speech request (an unknown voice is
        # reported in its own words then).
        log.info("%s lists no voices; asking it for '%s' as given", provider.display_name, wanted)
        return wanted
    names = [voice.id for voice in voices]
    shown = ", ".join(names[:_MAX_VOICES_SHOWN])
    more = len(names) - _MAX_VOICES_SHOWN
    tail = f" … and {more} more (`reader voices -p {provider.id}`)" if more > 0 else ""
    raise UsageError(f"Unknown voice '{wanted}' for {provider.id}. Choose one of: {shown}{tail}.")


def _speak(args: argparse.Namespace, registry: Registry, settings: Settings) -> int:
    if args.no_play and not args.output:
        raise UsageError("--no-play needs --output FILE (otherwise nothing would happen).")
    speed = settings.speed if args.speed is None else args.speed
    if not (0.25 <= speed <= 4.0) or math.isnan(speed):
        raise UsageError("--speed must be between 0.25 and 4.")
    if args.subtitles and not args.output:
        raise UsageError("--subtitles needs --output FILE (they time that file's audio).")
    if args.output:
        check_targets(args.output, args.subtitles)
    provider = _provider(args, registry, settings)
    text = _read_input(args)
    # The window's last choice goes with its provider and server only.
    here = not settings.base_url or settings.base_url.rstrip("/") == provider.cache_scope
    saved = settings.provider == provider.id and here
    voice = _pick_voice(provider, args.voice or (settings.voice if saved else None))
    chosen = args.model or (settings.model if saved else "")
    # None chosen: one the server lists (asked now, before the reading), as the window does.
    model, listed = (chosen, []) if chosen else model_to_ask(provider)
    if not args.no_play:
        check_output_device()

    progress = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    readings = ReadingFactory(settings)
    output = None if args.no_play else device_output()
    on_event = progress.event if progress else lambda event: None
    voicing = Voicing(voice, model, speed, args.instructions)
    markdown = False if args.plain else None
    export: Export | None = None
    if args.output:
        export = Export(
            readings,
            text,
            provider,
            voicing,
            args.output,
            args.subtitles,
            output=output,
            on_event=on_event,
            markdown=markdown,
        )
        reading = export.reading
    else:
        reading = readings.reading(
            text, provider, voicing, output, on_event=on_event, markdown=markdown
        )
    estimate = readings.estimate(reading, provider, model)
    if estimate.dollars > 0 and (progress or args.verbose):
        # Before anything is sent: a person at a terminal sees what it may cost.
        print(estimate.describe(f"{provider.display_name} {model}"), file=sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        reading.start()
        # Without a terminal to draw on, wake rarely: Ctrl+C interrupts the wait at once.
        interval = 0.1 if progress else 1.0
        while not reading.wait(interval):
            if progress:
                progress.show(reading.progress())
    except KeyboardInterrupt:
        reading.stop()  # silence first, then tidy up
        reading.wait(2)
        if export is not None:
            export.cancel()
        if progress:
            progress.clear()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    if progress:
        progress.clear()
    try:
        if export is not None:
            export.finish()
        elif reading.state is not State.FINISHED:
            raise reading.error or ReaderError("The reading stopped before the end.")
    except NotFound as error:
        raise NotFound(f"{error} {_what_exists(provider)}".strip()) from None
    except BadRequest as error:  # LiteLLM refuses a model not in its config with a 400
        raise BadRequest(f"{error} {unlisted_model_hint(model, listed)}".strip()) from None
    frames = reading.delivered_frames
    seconds = frames / reading.audio_format.sample_rate
    log.info(
        "read %d frames (%.2f s) with %d underruns; %d requests",
        frames,
        seconds,
        reading.buffer.underruns,
        reading.requests,
    )
    tally = readings.tally
    if tally.characters:
        log.info("sent %d characters, about $%.4f", tally.characters, tally.dollars)
    return 0


def _what_exists(provider: Provider) -> str:
    """The voices and models a provider can list, to follow a 404 ("unknown voice")."""
    if provider.runs_here:
        return ""  # a voice file missing here: its own line says how to install it
    known = []
    for label, listing in (("Voices", provider.voices), ("models", provider.models)):
        try:
            names = [getattr(item, "id", item) for item in listing()]
        except ReaderError:
            continue  # the list is a courtesy; the error stands without it
        if label == "Voices" and takes_any_voice(provider):
            continue  # offered, not the server's: no help in saying what it knows
        if names:
            shown = ", ".join(str(n) for n in names[:_MAX_VOICES_SHOWN])
            more = (
                f" and {len(names) - _MAX_VOICES_SHOWN} more"
                if len(names) > _MAX_VOICES_SHOWN
                else ""
            )
            known.append(f"{label}: {shown}{more}")
    return ("; ".join(known) + ".") if known else ""


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class _ProgressLine:
    """A live one-line progress on a terminal's stderr."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._note = ""

    def event(self, event: Event) -> None:
        # Called from engine threads: only a string is swapped.
        self._note = event.label if isinstance(event, Retrying) else ""

    def show(self, progress: Progress) -> None:
        sentence = (progress.sentence or 0) + 1
        minutes, seconds = divmod(int(progress.heard_s), 60)
        bar = "▮" * round(progress.level * 10)
        label = self._note or progress.state.value
        where = f"sentence {sentence}/{progress.sentence_count}"
        line = f"{label:<12} {where}  {minutes}:{seconds:02d}  {bar}"
        self._stream.write("\r" + line.ljust(60)[:79])
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r" + " " * 79 + "\r")
        self._stream.flush()
