"""Work that may wait (keyring, network, disk) run off the GUI thread, answered by signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader.errors import ReaderError

log = logging.getLogger(__name__)


class Background(QObject):
    """Runs a callable on a worker thread and emits its result or its error.

    The signal is emitted from the worker; Qt queues it to receivers on the GUI thread
    (connect it to bound methods of GUI-thread objects).

    Signals:
        finished(str, object, object): the tag given to `run`, the result (None on
            failure) and the ReaderError (None on success).
    """

    finished = Signal(str, object, object)

    def run(self, tag: str, work: Callable[[], object]) -> None:
        threading.Thread(target=self._call, args=(tag, work), name=f"bg-{tag}", daemon=True).start()

    def _call(self, tag: str, work: Callable[[], object]) -> None:
        try:
            result = work()
        except ReaderError as error:
            self.finished.emit(tag, None, error)
            return
        except Exception as error:  # an odd answer must not kill the thread silently
            log.exception("%s failed", tag)
            self.finished.emit(tag, None, ReaderError(f"{tag} failed: {error}"))
            return
        self.finished.emit(tag, result, None)
