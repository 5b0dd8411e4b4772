"""The PCM format that flows through Reader: signed 16-bit, interleaved."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Pcm = npt.NDArray[np.int16]
"""A block of audio: shape (frames, channels), int16."""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    sample_rate: int = 24_000
    channels: int = 1

    @property
    def bytes_per_frame(self) -> int:
        return 2 * self.channels

    def seconds(self, frames: int) -> float:
        return frames / self.sample_rate

    def frames(self, seconds: float) -> int:
        return round(seconds * self.sample_rate)


# What almost every cloud voice sends as raw PCM: s16le, mono, 24 kHz (providers.md §0.1).
CLOUD_PCM = AudioFormat(24_000, 1)
