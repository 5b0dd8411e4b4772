"""Where a reading is, as a person sees it: a snapshot for pollers (the GUI, the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from reader.reading.events import Progress, State
from reader.reading.playback import Playback
from reader.reading.timeline import Timeline
from reader.text.sentences import Sentence


def snapshot(
    state: State,
    playback: Playback,
    timeline: Timeline,
    sentences: Sequence[Sentence],
    first: int,
    text_length: int,
) -> Progress:
    """What is heard and what is synthesized of a reading that began at sentence
    `first`, in seconds and in characters of its text."""
    heard = playback.heard_frames()
    delivered = playback.delivered_frames
    rate = playback.format.sample_rate
    return Progress(
        state=state,
        sentence=timeline.sentence_at(heard),
        sentence_count=len(sentences),
        heard_s=heard / rate,
        synthesized_s=delivered / rate,
        level=playback.level(heard),
        underruns=playback.buffer.underruns,
        heard_char=timeline.text_position(heard, sentences, first),
        synthesized_char=timeline.text_position(delivered, sentences, first),
        text_length=text_length,
        chars_per_second=rate / timeline.frames_per_char,
    )
