"""Reader's errors: each carries one line a person can act on and the CLI's exit status.

    ReaderError                      exit 1, anything unexpected but handled
    ├── UsageError                   exit 2, bad arguments or input ("nothing to read")
    ├── ExportError                  exit 2, the output file cannot be written
    ├── KeyProblem                   exit 3
    │   ├── KeyMissing               no key saved and no environment variable
    │   └── AuthError                the provider rejected the key
    ├── ProviderError                exit 4, after retries
    │   ├── BadRequest               the provider refused the request (its own words)
    │   ├── NotFound                 unknown model or voice
    │   ├── RateLimited              429, carries retry_after seconds
    │   ├── ProviderUnavailable      5xx, refused connection, timeout, stall
    │   ├── UnknownHost              the server's name does not resolve (not retried)
    │   ├── StreamBroken             a response that stopped or could not be decoded
    │   │   ├── ConnectionDropped    the connection broke mid-response (worth a retry)
    │   │   └── WrongAudioFormat     compressed audio where raw PCM was asked for
    │   └── SynthesisFailed          the offline voice failed
    ├── AudioOutputError             exit 5, no PortAudio or no output device
    └── Interrupted                  exit 130, Ctrl+C

Messages never contain keys. An error says what happened once; what to do about it (a
`Remedy`) is said twice, once per face: `str(error)` is the terminal's line (a command to
run), `error.in_window` the window's (where in Settings, and the page to open there).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Remedy:
    """What a person does about an error, in each face's own terms.

    `terminal` and `window` are sentences that follow the error's own ("Save one with
    `reader keys set openai`." / "Save one in Settings → Keys."); `page` is the Settings
    page where the window mends it ("keys", "servers", "voices") and `item` the row to
    select there (a server's address, a voice's name)."""

    terminal: str = ""
    window: str = ""
    page: str | None = None
    item: str | None = None


def _line(*parts: str) -> str:
    # One line, always: multi-line provider messages are folded.
    return " ".join(" ".join(parts).split())


class ReaderError(Exception):
    """Base class: `str(self)` is a one-line message a person can act on in a terminal,
    `in_window` the same in the window's terms."""

    exit_code = 1

    def __init__(self, message: str, remedy: Remedy | None = None) -> None:
        self.what = _line(message)
        self.remedy = remedy
        super().__init__(_line(message, remedy.terminal) if remedy else self.what)

    @property
    def message(self) -> str:
        return str(self)

    @property
    def in_window(self) -> str:
        """The line for the window: what happened, and the window's way to mend it."""
        return _line(self.what, self.remedy.window) if self.remedy else str(self)


def in_window(error: object) -> str:
    """Any error's line for the window: a ReaderError in the window's terms."""
    return error.in_window if isinstance(error, ReaderError) else str(error)


class UsageError(ReaderError):
    exit_code = 2


class ExportError(ReaderError):
    exit_code = 2


class KeyProblem(ReaderError):
    exit_code = 3


class KeyMissing(KeyProblem):
    pass


class AuthError(KeyProblem):
    pass


class ProviderError(ReaderError):
    exit_code = 4


class BadRequest(ProviderError):
    pass


class NotFound(ProviderError):
    pass


class RateLimited(ProviderError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    pass


class UnknownHost(ProviderError):
    """No such host: the resolver answered that the name does not exist. Unlike a server
    that is down, asking again will not help; a mistyped address will."""


class StreamBroken(ProviderError):
    pass


class ConnectionDropped(StreamBroken):
    """The transport failed mid-body: the request may well succeed when sent again,
    unlike a response that arrived whole but could not be decoded."""


class WrongAudioFormat(StreamBroken):
    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "mp3", "ogg", "flac"


class SynthesisFailed(ProviderError):
    pass


class AudioOutputError(ReaderError):
    exit_code = 5


class Interrupted(ReaderError):
    exit_code = 130
