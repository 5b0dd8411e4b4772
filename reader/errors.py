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
    │   ├── StreamBroken             a response that stopped or could not be decoded
    │   │   ├── ConnectionDropped    the connection broke mid-response (worth a retry)
    │   │   └── WrongAudioFormat     compressed audio where raw PCM was asked for
    │   └── SynthesisFailed          the offline voice failed
    ├── AudioOutputError             exit 5, no PortAudio or no output device
    └── Interrupted                  exit 130, Ctrl+C

Messages never contain keys; `str(error)` is the line shown to the person.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base class: `str(self)` is a one-line message a person can act on."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        # One line, always: multi-line provider messages are folded.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


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
