"""Subtitles (SRT, WebVTT) for an exported reading, one cue per sentence.

Where a provider gives no timings, a sentence's start inside a request is only estimated
from its share of the characters, which drifts by seconds in a long request. The export
keeps a coarse loudness envelope of what it wrote (10 ms steps, a few MB for an hour),
and each estimated start is moved to the onset of the pause that best fits it: pauses
between sentences are long, and their order is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reader.audio.format import Pcm
from reader.errors import ExportError
from reader.files import write_text_whole
from reader.text.sentences import Sentence

STEP_S = 0.01
_QUIET_DB = 30.0  # this far below the loud parts counts as a pause
_MIN_PAUSE_STEPS = 5  # 50 ms
_DRIFT_COST = 0.05  # a pause 1 step longer is worth a start 20 steps (200 ms) further off
_LEAD_STEPS = 2  # a cue starts 20 ms before the voice does


class Envelope:
    """Loudness (dB) per 10 ms of audio, fed in play order as blocks are written."""

    def __init__(self, sample_rate: int) -> None:
        self.step = max(1, round(sample_rate * STEP_S))
        self._carry = np.zeros(0, np.float32)
        self._levels: list[np.ndarray] = []

    def add(self, block: Pcm) -> None:
        mono = block.astype(np.float32).mean(axis=1) if block.ndim == 2 else block
        samples = np.concatenate([self._carry, mono.astype(np.float32)])
        whole = len(samples) // self.step * self.step
        if whole:
            frames = samples[:whole].reshape(-1, self.step)
            power = np.mean(frames * frames, axis=1)
            self._levels.append((10 * np.log10(power + 1.0)).astype(np.float32))
        self._carry = samples[whole:]

    def levels(self) -> np.ndarray:
        return np.concatenate(self._levels) if self._levels else np.zeros(0, np.float32)


def refine(
    marks: Sequence[tuple[int, int, bool]], envelope: Envelope | None
) -> list[tuple[int, int]]:
    """(sentence, frame) for each sentence's last mark, estimated ones moved onto pauses.

    A sentence marked twice (a stream that broke and was asked again) keeps its last
    mark: that is where it was read whole.
    """
    last: dict[int, tuple[int, bool]] = {}
    for sentence, frame, exact in marks:
        last[sentence] = (frame, exact)
    ordered = sorted(last.items(), key=lambda item: item[1][0])
    frames = [frame for _, (frame, _) in ordered]
    if envelope is not None:
        levels = envelope.levels()
        step = envelope.step
        index = 0
        while index < len(ordered):
            if ordered[index][1][1]:
                index += 1
                continue
            # A run of estimated marks between two exact ones (or the end).
            end = index
            while end < len(ordered) and not ordered[end][1][1]:
                end += 1
            low = frames[index - 1] // step if index else 0
            high = frames[end] // step if end < len(ordered) else len(levels)
            estimates = [frames[i] / step for i in range(index, end)]
            placed = _fit_pauses(levels[low:high], [e - low for e in estimates])
            if placed is not None:
                for offset, onset in enumerate(placed):
                    frames[index + offset] = max(0, (low + onset - _LEAD_STEPS) * step)
            index = end
    return [(sentence, frame) for (sentence, _), frame in zip(ordered, frames, strict=True)]


def _pauses(levels: np.ndarray) -> list[tuple[int, int]]:
    """(length, onset) of each quiet run in `levels`; onset is where the voice resumes."""
    if not len(levels):
        return []
    loud = float(np.percentile(levels, 90))
    quiet = levels < loud - _QUIET_DB
    runs = []
    start = None
    for position, is_quiet in enumerate(quiet):
        if is_quiet and start is None:
            start = position
        elif not is_quiet and start is not None:
            if position - start >= _MIN_PAUSE_STEPS and start > 0:
                runs.append((position - start, position))
            start = None
    return runs


def _fit_pauses(levels: np.ndarray, estimates: list[float]) -> list[int] | None:
    """The onsets of pauses, one per estimate and in order, that best trade pause length
    against distance from the estimate; None if there are too few pauses."""
    runs = _pauses(levels)
    count = len(estimates)
    if len(runs) < count or count == 0:
        return None
    lengths = np.array([length for length, _ in runs], np.float64)
    onsets = np.array([onset for _, onset in runs], np.float64)
    best = np.full(len(runs), -np.inf)
    choice = np.zeros((count, len(runs)), np.int64)
    for row, estimate in enumerate(estimates):
        score = lengths - _DRIFT_COST * np.abs(onsets - estimate)
        if row == 0:
            current = score
        else:
            # best[k] over k < j: a running maximum of the previous row, shifted by one.
            prefix = np.maximum.accumulate(best)
            arg = _running_argmax(best)
            current = np.full(len(runs), -np.inf)
            current[1:] = score[1:] + prefix[:-1]
            choice[row, 1:] = arg[:-1]
        best = current
    if not np.isfinite(best).any():
        return None
    picked = [int(np.argmax(best))]
    for row in range(count - 1, 0, -1):
        picked.append(int(choice[row, picked[-1]]))
    return [int(onsets[j]) for j in reversed(picked)]


def _running_argmax(values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(values), np.int64)
    best = 0
    for index in range(len(values)):
        if values[index] > values[best]:
            best = index
        out[index] = best
    return out


# A cue longer than this is cut into lines' worth where word timings allow.
LINE_CHARS = 42


@dataclass(frozen=True, slots=True)
class Cue:
    start_s: float
    end_s: float
    text: str
    # Where each word after the first begins (seconds), from the provider's timings;
    # WebVTT shows them as karaoke-style timestamps inside the cue.
    word_starts_s: tuple[float, ...] = ()


def cues(
    starts: Sequence[tuple[int, int]],
    sentences: Sequence[Sentence],
    original: str,
    total_frames: int,
    sample_rate: int,
    words: Sequence[tuple[int, int]] = (),
) -> list[Cue]:
    """One cue per sentence, from its start to the next one's, showing the original text.

    With `words` ((sentence, frame) of each timed word), a sentence longer than a line
    is cut at word starts into cues of a line each, and every cue knows its words'
    times; when the words heard do not match the words shown one for one (a dictionary
    entry changed them), the sentence keeps one cue.
    """
    timed: dict[int, list[int]] = {}
    for sentence, frame in words:
        timed.setdefault(sentence, []).append(frame)
    found = []
    for position, (sentence, frame) in enumerate(starts):
        end = starts[position + 1][1] if position + 1 < len(starts) else total_frames
        if end <= frame:
            continue
        item = sentences[sentence]
        text = " ".join(original[item.start : item.end].split()) or item.text
        word_frames = timed.get(sentence, [])
        if len(word_frames) == len(text.split()) > 1:
            found.extend(_line_cues(text.split(), word_frames, frame, end, sample_rate))
        else:
            found.append(Cue(frame / sample_rate, end / sample_rate, text))
    return found


def _line_cues(
    shown: list[str], word_frames: list[int], start: int, end: int, rate: int
) -> list[Cue]:
    """The sentence's words in cues of at most a line each, timed by their words."""
    lines: list[list[int]] = [[]]
    length = 0
    for index, word in enumerate(shown):
        if lines[-1] and length + 1 + len(word) > LINE_CHARS:
            lines.append([])
            length = 0
        length += (1 if lines[-1] else 0) + len(word)
        lines[-1].append(index)
    frames = [min(max(f, start), end) for f in word_frames]
    found = []
    for number, line in enumerate(lines):
        begin = start if number == 0 else frames[line[0]]
        finish = frames[lines[number + 1][0]] if number + 1 < len(lines) else end
        if finish <= begin:
            continue
        found.append(
            Cue(
                begin / rate,
                finish / rate,
                " ".join(shown[i] for i in line),
                tuple(frames[i] / rate for i in line[1:]),
            )
        )
    return found


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def render(found: Sequence[Cue], kind: str) -> str:
    if kind == "vtt":
        blocks = [
            f"{_clock(c.start_s, '.')} --> {_clock(c.end_s, '.')}\n{_vtt_text(c)}" for c in found
        ]
        return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
    blocks = [
        f"{n}\n{_clock(c.start_s, ',')} --> {_clock(c.end_s, ',')}\n{c.text}"
        for n, c in enumerate(found, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def _vtt_text(cue: Cue) -> str:
    """The cue's text, with each timed word's start as a WebVTT timestamp before it."""
    text = _vtt_escape(cue.text)
    if not cue.word_starts_s:
        return text
    first, *rest = text.split(" ")
    if len(rest) != len(cue.word_starts_s):
        return text
    timed = [f"<{_clock(at, '.')}>{word}" for at, word in zip(cue.word_starts_s, rest, strict=True)]
    return " ".join([first, *timed])


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def subtitle_kind(path: Path) -> str:
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("srt", "vtt"):
        raise ExportError(
            f"Subtitles are written as .srt or .vtt, not '{path.suffix or path.name}'."
        )
    return kind


def write_subtitles(path: Path, found: Sequence[Cue]) -> None:
    """Written whole under a temporary name, then renamed: never half a file."""
    try:
        write_text_whole(path, render(found, subtitle_kind(path)))
    except OSError as error:
        raise ExportError(f"Cannot write subtitles to {path}: {error.strerror}.") from None
