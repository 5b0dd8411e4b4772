"""Saving a reading to an audio file (and its subtitles), whole or not at all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from reader.audio.export import AudioFileWriter, check_output_path
from reader.audio.format import AudioFormat, Pcm
from reader.audio.output import OutputFactory
from reader.errors import ExportError, ReaderError
from reader.providers.base import Provider
from reader.reading.engine import Reading
from reader.reading.events import Event, State, Voicing
from reader.reading.factory import ReadingFactory
from reader.text.subtitles import Envelope, cues, refine, subtitle_kind, write_subtitles


def title_of(text: str) -> str:
    """The file's title tag: the text's first words."""
    return " ".join(text.split()[:12])[:80]


def check_targets(audio: Path, subtitles: Path | None) -> None:
    """Raise a one-line error before anything is synthesized if either cannot be written."""
    check_output_path(audio)
    if subtitles is not None:
        subtitle_kind(subtitles)
        check_output_path(subtitles, allowed=(".srt", ".vtt"))


class Saver:
    """Writes audio blocks to a file made on the first block (its format known only then).

    `write` is called from the engine's pump thread; `commit` and `discard` from the
    thread that waited for the reading.
    """

    def __init__(self, path: Path, title: str, artist: str, envelope: bool = False) -> None:
        self._path = path
        self._title = title
        self._artist = artist
        self._writer: AudioFileWriter | None = None
        self._lock = threading.Lock()
        self._want_envelope = envelope
        self.envelope: Envelope | None = None  # loudness of what was written, for subtitles

    def write(self, block: Pcm, fmt: AudioFormat) -> None:
        with self._lock:
            if self._writer is None:
                self._writer = AudioFileWriter(self._path, fmt, self._title, self._artist)
                if self._want_envelope:
                    self.envelope = Envelope(fmt.sample_rate)
            self._writer.write(block)
            if self.envelope is not None:
                self.envelope.add(block)

    def commit(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
                self._writer = None

    def discard(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.discard()
                self._writer = None


class Export:
    """One reading saved to `audio` (and `subtitles`), optionally heard at the same time.

    Only chunks the cache lacks are requested. `finish` (after the reading ended) renames
    the file into place and writes the subtitles, or removes the partial file and raises
    the reading's error; `cancel` stops and leaves nothing behind.
    """

    def __init__(
        self,
        readings: ReadingFactory,
        text: str,
        provider: Provider,
        voicing: Voicing,
        audio: Path,
        subtitles: Path | None = None,
        output: OutputFactory | None = None,
        on_event: Callable[[Event], None] = lambda event: None,
        markdown: bool | None = None,
    ) -> None:
        self.audio = audio
        self.subtitles = subtitles
        self._text = text
        self._provider = provider
        self._saver = Saver(
            audio,
            title=title_of(text),
            artist=f"{provider.display_name}: {voicing.voice}",
            envelope=subtitles is not None,
        )
        self.reading: Reading = readings.reading(
            text,
            provider,
            voicing,
            output,
            on_event=on_event,
            on_audio=self._saver.write,
            markdown=markdown,
        )

    def start(self) -> None:
        self.reading.start()

    def cancel(self) -> None:
        """Stop; the partial file is removed (what was fetched stays in the cache)."""
        self.reading.stop()
        self.reading.wait(5)
        self._saver.discard()

    def finish(self) -> Path:
        """After the reading ended: the saved file, or the reading's error."""
        reading = self.reading
        if reading.state is not State.FINISHED:
            self._saver.discard()
            raise reading.error or ReaderError("The reading stopped before the end.")
        self._saver.commit()  # the audio first: subtitles that cannot be written must not cost it
        saved = reading.saved
        if self.subtitles is not None and saved is not None and saved.timeline is not None:
            # The file's own marks: where a stream broke, what was heard differs.
            timeline = saved.timeline
            starts = refine(timeline.marks(), self._saver.envelope)
            found = cues(
                starts,
                reading.sentences,
                self._text,
                saved.frames,
                timeline.sample_rate,
                words=timeline.word_marks(),
            )
            try:
                write_subtitles(self.subtitles, found)
            except ExportError as error:
                raise ExportError(f"{error} The audio was saved to {self.audio}.") from None
        return self.audio

    def run(self, on_done: Callable[[Path | None, ReaderError | None], None]) -> None:
        """Start, and on a thread of its own wait and `finish`; then call `on_done` with
        the file or the error (None and None when cancelled)."""

        def wait_and_finish() -> None:
            self.reading.wait()
            if self.reading.state is State.STOPPED:
                self._saver.discard()
                on_done(None, None)
                return
            try:
                saved = self.finish()
            except ReaderError as error:
                on_done(None, error)
                return
            on_done(saved, None)

        self.start()
        threading.Thread(target=wait_and_finish, name="reader-export", daemon=True).start()
