"""Player: the GUI's widget-free model of one reading, polled at 30 Hz, with Qt signals.

A reading is prepared (Markdown, dictionary, sentences, chunk plan, cache lookups) on a
worker thread: a megabyte pasted into the window takes most of a second to prepare, and
the window must keep drawing meanwhile. Only the finished Reading is started here.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from reader.audio.output import OutputFactory
from reader.providers.base import Provider
from reader.reading.engine import Reading
from reader.reading.events import (
    Event,
    Failed,
    Finished,
    Progress,
    Retrying,
    State,
    Stopped,
    Voicing,
)
from reader.reading.factory import ReadingFactory
from reader.text.sentences import Sentence, sentence_at
from reader.ui.background import Background, emit_from_worker

log = logging.getLogger(__name__)

_POLL_MS = 33

# The state shown while a reading is being prepared, before the engine has one.
PREPARING = "preparing"


class _EventRelay(QObject):
    """Carries engine events from engine threads to the GUI thread.

    It lives on the GUI thread; emitting from another thread queues the call, so the
    connected slot (a bound method of a GUI-thread object) runs in the event loop.
    """

    event_arrived = Signal(object)

    def deliver(self, event: Event) -> None:
        emit_from_worker(self.event_arrived, event)


class Player(QObject):
    """Plays one text at a time through the engine; widgets bind to its signals.

    Signals:
        state_changed(str): PREPARING, then the State value (connecting, playing, …).
        reading_started(object): the prepared Reading, just started (its sentences).
        sentence_changed(int): index of the sentence now being heard.
        progress_changed(object): a `Progress` snapshot, about 30 times a second.
        retrying(float, str): waiting that many seconds before trying again, and why.
        error_occurred(object): the ReaderError to show (its str is one line).
        finished(): the reading ended (all heard, stopped, or failed).
    """

    state_changed = Signal(str)
    reading_started = Signal(object)
    sentence_changed = Signal(int)
    progress_changed = Signal(object)
    retrying = Signal(float, str)
    error_occurred = Signal(object)
    finished = Signal()

    def __init__(
        self, output: OutputFactory, readings: ReadingFactory, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._output = output
        self._readings = readings
        self._reading: Reading | None = None
        self._relay = _EventRelay(self)
        self._relay.event_arrived.connect(self._on_event)
        self._timer = QTimer(self)
        self._timer.setInterval(_POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._last_state: State | None = None
        self._last_sentence: int | None = None
        # Each play() is one request; a prepared Reading is started only if its request is
        # still the latest (not replaced by another play() or cancelled by stop()).
        self._request = 0
        self._preparing = False
        self._preparer = Background(self)
        self._preparer.finished.connect(self._on_prepared)

    @property
    def readings(self) -> ReadingFactory:
        return self._readings

    def set_output(self, output: OutputFactory) -> None:
        """Play later readings through `output` (a device chosen in settings)."""
        self._output = output

    @property
    def reading(self) -> Reading | None:
        return self._reading

    @property
    def state(self) -> State | None:
        return self._reading.state if self._reading is not None else None

    @property
    def preparing(self) -> bool:
        """A play() request is being prepared and has no Reading yet."""
        return self._preparing

    def play(
        self,
        text: str,
        provider: Provider,
        voicing: Voicing,
        start_sentence: int = 0,
        start_position: int | None = None,
    ) -> None:
        """Start reading `text`, replacing any reading in progress.

        The reading begins at `start_sentence`, or at the sentence holding character
        `start_position` of `text` when that is given. It is prepared off this thread:
        `reading_started` follows, or `error_occurred` and `finished`.
        """
        self.stop()
        self._request += 1
        self._preparing = True
        readings, output, deliver = self._readings, self._output, self._relay.deliver

        def prepare() -> Reading:
            sentences = readings.sentences(text)
            first = start_sentence
            if start_position is not None:
                spans = [(sentence.start, sentence.end) for sentence in sentences]
                first = sentence_at(spans, start_position) or 0
            return readings.reading(
                text,
                provider,
                voicing,
                output,
                on_event=deliver,
                start_sentence=first,
                sentences=sentences,
            )

        self.state_changed.emit(PREPARING)
        self._preparer.run(str(self._request), prepare, "Preparing the text")

    @Slot(str, object, object)
    def _on_prepared(self, tag: str, reading: object, error: object) -> None:
        if tag != str(self._request) or not self._preparing:
            return  # replaced or stopped while it was prepared; it never started
        self._preparing = False
        if not isinstance(reading, Reading):
            self.error_occurred.emit(error)
            self.finished.emit()
            return
        self._reading = reading
        self._last_state = None
        self._last_sentence = None
        reading.start()
        self._timer.start()
        self.reading_started.emit(reading)
        self._poll()

    def sentences(self, text: str) -> list[Sentence]:
        return self._readings.sentences(text)

    def toggle_pause(self) -> None:
        reading = self._reading
        if reading is None:
            return
        if reading.state is State.PAUSED:
            reading.resume()
        else:
            reading.pause()
        self._poll()

    def stop(self) -> None:
        reading, self._reading = self._reading, None
        preparing, self._preparing = self._preparing, False
        if preparing:
            self.state_changed.emit(State.STOPPED.value)
            self.finished.emit()
        if reading is not None:
            reading.stop()  # silence at once; its threads finish on their own
            self._timer.stop()
            self.state_changed.emit(State.STOPPED.value)
            self.finished.emit()

    def seek(self, sentence: int) -> None:
        if self._reading is not None:
            self._reading.seek(sentence)

    def next_sentence(self) -> None:
        if self._reading is not None:
            self._reading.next_sentence()

    def previous_sentence(self) -> None:
        if self._reading is not None:
            self._reading.previous_sentence()

    def replay_sentence(self) -> None:
        if self._reading is not None:
            self._reading.replay_sentence()

    @Slot()
    def _poll(self) -> None:
        reading = self._reading
        if reading is None:
            return
        progress: Progress = reading.progress()
        if progress.state is not self._last_state:
            self._last_state = progress.state
            self.state_changed.emit(progress.state.value)
        # The heard sentence comes from this poll rather than the engine's events, so the
        # highlight follows the audio at the poll's rate whatever the engine's pace.
        if progress.sentence is not None and progress.sentence != self._last_sentence:
            self._last_sentence = progress.sentence
            self.sentence_changed.emit(progress.sentence)
        self.progress_changed.emit(progress)

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        if self._reading is None:
            return  # a late event from a reading already replaced or stopped
        if isinstance(event, Retrying):
            self.retrying.emit(event.seconds, event.reason)
        elif isinstance(event, Failed):
            self.error_occurred.emit(event.error)
            self._end()
        elif isinstance(event, Finished | Stopped):
            self._end()

    def _end(self) -> None:
        self._poll()
        self._timer.stop()
        self._reading = None
        self.finished.emit()
