"""Work that may wait (keyring, network, disk) run off the GUI thread, answered by signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from reader.errors import ReaderError

log = logging.getLogger(__name__)


def emit_from_worker(signal: SignalInstance, *args: object) -> None:
    """Emit from a worker thread, whose QObject may be gone by the time its work ends
    (a dialog closed, Reader quitting): the answer is then simply not wanted."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        pass


class Background(QObject):
    """Runs a callable on a worker thread and emits its result or its error.

    The signal is emitted from the worker; Qt queues it to receivers on the GUI thread
    (connect it to bound methods of GUI-thread objects).

    Signals:
        finished(str, object, object): the tag given to `run`, the result (None on
            failure) and the ReaderError (None on success).
    """

    finished = Signal(str, object, object)

    def run(self, tag: str, work: Callable[[], object], doing: str) -> None:
        """Call `work` on a worker thread; `doing` names it in an unexpected failure's
        message ("Saving the key" → "Saving the key failed: …")."""
        threading.Thread(
            target=self._call, args=(tag, work, doing), name=f"bg-{tag}", daemon=True
        ).start()

    def _call(self, tag: str, work: Callable[[], object], doing: str) -> None:
        try:
            result: object = work()
            error: ReaderError | None = None
        except ReaderError as problem:
            result, error = None, problem
        except Exception as problem:  # an odd answer must not kill the thread silently
            log.exception("%s failed", doing)
            result, error = None, ReaderError(f"{doing} failed: {problem}")
        emit_from_worker(self.finished, tag, result, error)
