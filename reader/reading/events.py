"""What a reading tells its listeners: states, events and progress snapshots (immutable)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reader.errors import ReaderError


class State(enum.Enum):
    CONNECTING = "connecting"  # waiting for the first audio
    PLAYING = "playing"
    BUFFERING = "buffering"  # ran dry, waiting for the provider
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Started:
    """The first audio reached the output (or the file, without one)."""


@dataclass(frozen=True, slots=True)
class SentenceStarted:
    index: int


@dataclass(frozen=True, slots=True)
class BufferingChanged:
    buffering: bool


@dataclass(frozen=True, slots=True)
class Retrying:
    seconds: float
    reason: str

    @property
    def label(self) -> str:
        """What a status line shows: "retrying in 3 s", or "retrying" when at once."""
        return f"retrying in {self.seconds:.0f} s" if self.seconds >= 0.5 else "retrying"


@dataclass(frozen=True, slots=True)
class Failed:
    error: ReaderError


@dataclass(frozen=True, slots=True)
class Finished:
    """Every sample was heard (or written)."""


@dataclass(frozen=True, slots=True)
class Stopped:
    pass


Event = Started | SentenceStarted | BufferingChanged | Retrying | Failed | Finished | Stopped


@dataclass(frozen=True, slots=True)
class Progress:
    """An immutable snapshot for pollers (the GUI's timer, the CLI's progress line)."""

    state: State
    sentence: int | None
    sentence_count: int
    heard_s: float
    synthesized_s: float
    level: float
    underruns: int
    # Where in the text (character offsets) the ear and the synthesis are, for a
    # timeline over the whole text, and the speech rate learned so far to turn
    # characters into time.
    heard_char: int = 0
    synthesized_char: int = 0
    text_length: int = 0
    chars_per_second: float = 14.0

    def seconds(self, chars: int) -> float:
        """About how long `chars` characters of this text take to hear."""
        return chars / self.chars_per_second if self.chars_per_second > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Voicing:
    """What to read with."""

    voice: str
    model: str = ""
    speed: float = 1.0
    instructions: str = ""
