"""Tolerant stream decoders: provider bytes in, int16 PCM blocks out, whatever the cut.

Each decoder has `decode(data) -> list[Pcm]` for the next piece of a response and
`flush() -> list[Pcm]` at its end (httpx's streaming-decoder shape), so they are tested
piece by piece without threads or sockets. Rules every peer got wrong (providers.md §0):
HTTP chunks split samples, streamed WAV lies about its sizes, and the Content-Type may lie
about the format, so the bytes themselves decide.
"""

from __future__ import annotations

import base64
import binascii
import struct
from typing import Protocol

import numpy as np

from reader.audio.format import AudioFormat, Pcm
from reader.errors import StreamBroken, WrongAudioFormat

BLOCK_FRAMES = 4096


class Decoder(Protocol):
    @property
    def format(self) -> AudioFormat | None: ...

    def decode(self, data: bytes) -> list[Pcm]: ...

    def flush(self) -> list[Pcm]: ...


def blocks_of(samples: Pcm, block_frames: int) -> list[Pcm]:
    """`samples` as consecutive views of at most `block_frames` frames."""
    return [samples[i : i + block_frames] for i in range(0, len(samples), block_frames)]


class PcmDecoder:
    """Raw s16le bytes → blocks of at most `block_frames` frames.

    A partial frame at the end of one piece (an odd byte, or half a stereo frame) is
    carried to the next. Whole frames are never held back: holding them to fill a block
    would delay the first sound.
    """

    def __init__(self, fmt: AudioFormat, block_frames: int = BLOCK_FRAMES) -> None:
        self._format = fmt
        self._block_frames = block_frames
        self._carry = b""

    @property
    def format(self) -> AudioFormat:
        return self._format

    def decode(self, data: bytes) -> list[Pcm]:
        if self._carry:
            data = self._carry + data
        usable = len(data) - len(data) % self._format.bytes_per_frame
        self._carry = data[usable:]
        if not usable:
            return []
        samples = np.frombuffer(data, dtype="<i2", count=usable // 2)
        return blocks_of(samples.reshape(-1, self._format.channels), self._block_frames)

    def flush(self) -> list[Pcm]:
        # A dangling partial frame at the very end is not a sample; drop it.
        self._carry = b""
        return []


_WAVE_PCM, _WAVE_FLOAT, _WAVE_EXTENSIBLE = 1, 3, 0xFFFE


class WavStreamDecoder:
    """Streamed WAV: walks the chunks to `data`, then treats everything after it as PCM.

    Streaming servers write placeholder sizes (0xFFFFFFFF, 0x7FFFFFFF) for RIFF and data,
    so the `data` size is never read; the sizes of the chunks before it are real.
    """

    def __init__(self, block_frames: int = BLOCK_FRAMES) -> None:
        self._block_frames = block_frames
        self._header = bytearray()
        self._format: AudioFormat | None = None
        self._float = False
        self._pcm: PcmDecoder | None = None

    @property
    def format(self) -> AudioFormat | None:
        return self._format

    def decode(self, data: bytes) -> list[Pcm]:
        if self._pcm is None:
            self._header += data
            rest = self._parse_header()
            if rest is None:
                return []
            data = rest
        return self._convert(self._pcm_decoder().decode(data))

    def flush(self) -> list[Pcm]:
        if self._pcm is None:
            raise StreamBroken("The audio ended inside its WAV header; no sound arrived.")
        return self._convert(self._pcm.flush())

    def _pcm_decoder(self) -> PcmDecoder:
        assert self._pcm is not None
        return self._pcm

    def _parse_header(self) -> bytes | None:
        """Bytes after the `data` chunk header once the header is complete, else None."""
        header = bytes(self._header)
        if len(header) < 12:
            return None
        if header[:4] not in (b"RIFF", b"RF64") or header[8:12] != b"WAVE":
            raise StreamBroken("The audio claimed to be WAV but has no RIFF/WAVE header.")
        position = 12
        while len(header) >= position + 8:
            kind, size = (
                header[position : position + 4],
                struct.unpack_from("<I", header, position + 4)[0],
            )
            body = position + 8
            if kind == b"data":
                if self._format is None:
                    raise StreamBroken("The WAV stream has audio data before its format.")
                sample_bytes = 4 if self._float else 2
                fmt = AudioFormat(self._format.sample_rate, self._format.channels)
                # Float samples are decoded as pairs of int16 "frames" and converted below.
                width = AudioFormat(fmt.sample_rate, fmt.channels * sample_bytes // 2)
                self._pcm = PcmDecoder(width, self._block_frames)
                self._header.clear()
                return header[body:]
            if len(header) < body + size + (size & 1):
                return None  # the rest of this chunk has not arrived yet
            if kind == b"fmt ":
                self._read_format(header[body : body + size])
            position = body + size + (size & 1)
        return None

    def _read_format(self, fmt: bytes) -> None:
        if len(fmt) < 16:
            raise StreamBroken("The WAV stream's format chunk is truncated.")
        tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
        if tag == _WAVE_EXTENSIBLE and len(fmt) >= 26:
            tag = struct.unpack_from("<H", fmt, 24)[0]
        if tag == _WAVE_PCM and bits == 16:
            self._float = False
        elif tag == _WAVE_FLOAT and bits == 32:
            self._float = True
        else:
            raise StreamBroken(
                f"The WAV stream is {bits}-bit (format {tag}); Reader plays 16-bit PCM "
                "or 32-bit float WAV. Ask the server for response_format=pcm."
            )
        if channels < 1 or rate < 1:
            raise StreamBroken("The WAV stream's format chunk is invalid.")
        self._format = AudioFormat(rate, channels)

    def _convert(self, blocks: list[Pcm]) -> list[Pcm]:
        assert self._format is not None
        if not self._float:
            return blocks
        channels = self._format.channels
        out = []
        for block in blocks:
            floats = np.frombuffer(block.tobytes(), dtype="<f4")
            ints = np.clip(floats * 32767.0, -32768, 32767).astype(np.int16)
            out.append(ints.reshape(-1, channels))
        return out


def sniff(head: bytes) -> str:
    """The container the first bytes announce: wav, mp3, ogg, flac, or pcm when none.

    An MPEG frame sync (0xFFEx) is also a plausible pair of PCM bytes (a sample of -1 is
    0xFFFF), so bare MP3 counts only when two Layer III frame headers follow each other.
    """
    if head[:4] in (b"RIFF", b"RF64"):
        return "wav"
    if head[:3] == b"ID3" or mp3_frames(head):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    return "pcm"


# MPEG audio Layer III: kbit/s by bitrate index (MPEG-1; MPEG-2 and 2.5), sample rates by
# version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5).
_MP3_KBPS = (
    (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
)
_MP3_RATES = {3: (44_100, 48_000, 32_000), 2: (22_050, 24_000, 16_000), 0: (11_025, 12_000, 8_000)}
# The longest Layer III frame (320 kbit/s at 32 kHz) plus the next frame's header.
MP3_SNIFF_BYTES = 1_445 + 4


def _mp3_frame_length(header: bytes) -> int | None:
    """Bytes in the MPEG Layer III frame that `header` opens, or None if it opens none."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    kbps = _MP3_KBPS[0 if version == 3 else 1][bitrate_index]
    rate = _MP3_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    return (144 if version == 3 else 72) * kbps * 1000 // rate + padding


def mp3_frames(head: bytes) -> bool | None:
    """True if `head` opens with two MP3 frames in a row, False if not, None if it opens
    with one frame header and too few bytes follow to find the next."""
    length = _mp3_frame_length(head[:4])
    if length is None:
        return False
    if len(head) < length + 4:
        return None
    return _mp3_frame_length(head[length : length + 4]) is not None


class SniffingDecoder:
    """PCM or streamed WAV, decided by the first bytes rather than by the Content-Type.

    Proxies label PCM `audio/mpeg` and servers ignore the requested format, so the
    signature wins; compressed audio where PCM was asked for is a clear error, never
    noise played as samples.
    """

    def __init__(
        self, pcm_format: AudioFormat, block_frames: int = BLOCK_FRAMES, source: str = "The server"
    ) -> None:
        self._pcm_format = pcm_format
        self._block_frames = block_frames
        self._source = source
        self._head = b""
        self._inner: PcmDecoder | WavStreamDecoder | None = None

    @property
    def format(self) -> AudioFormat | None:
        return self._inner.format if self._inner is not None else None

    def decode(self, data: bytes) -> list[Pcm]:
        if self._inner is None:
            self._head += data
            if len(self._head) < 4:
                return []
            if mp3_frames(self._head) is None and len(self._head) < MP3_SNIFF_BYTES:
                return []  # an MPEG frame header or two PCM samples: the next frame tells
            data, self._head = self._head, b""
            self._inner = self._choose(data)
        return self._inner.decode(data)

    def flush(self) -> list[Pcm]:
        if self._inner is None:
            head, self._head = self._head, b""
            if not head:
                return []
            self._inner = self._choose(head)
            return self._inner.decode(head) + self._inner.flush()
        return self._inner.flush()

    def _choose(self, head: bytes) -> PcmDecoder | WavStreamDecoder:
        kind = sniff(head)
        if kind == "wav":
            return WavStreamDecoder(self._block_frames)
        if kind == "pcm":
            if _looks_like_text(head):
                raise StreamBroken(
                    f"{self._source} sent a text page instead of audio; "
                    "check the base URL (is a proxy or login page in the way?)."
                )
            return PcmDecoder(self._pcm_format, self._block_frames)
        raise WrongAudioFormat(
            f"{self._source} sent {kind} audio where raw PCM was asked for; "
            "it may not support response_format=pcm.",
            kind,
        )


def _looks_like_text(head: bytes) -> bool:
    # Four printable ASCII bytes opening a markup or JSON document would be two loud
    # samples at the very start of a stream, where speech starts near silence.
    start = head[:4]
    return start[:1] in (b"<", b"{", b"[") and all(32 <= b < 127 or b in b"\r\n\t" for b in start)


class Base64Feed:
    """Base64 audio payloads pulled out of SSE or JSON → blocks via a byte decoder.

    Each payload decodes on its own; the byte decoder still carries a partial frame
    across payloads, since no provider promises that deltas are sample-aligned.
    """

    def __init__(self, inner: Decoder) -> None:
        self._inner = inner

    @property
    def format(self) -> AudioFormat | None:
        return self._inner.format

    def decode(self, payload: str | bytes) -> list[Pcm]:
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as error:
            raise StreamBroken("The server sent audio that is not valid base64.") from error
        return self._inner.decode(data)

    def flush(self) -> list[Pcm]:
        return self._inner.flush()
