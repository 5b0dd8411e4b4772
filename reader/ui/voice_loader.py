"""Listing a provider's voices and models off the GUI thread: making the provider may wait
on the keyring, and listing on a server."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader.errors import ReaderError
from reader.providers.base import Provider
from reader.ui.background import emit_from_worker

log = logging.getLogger(__name__)


class VoiceListLoader(QObject):
    """Makes a provider (its key comes from the keyring, which may ask to be unlocked)
    and asks it for its voices and models, all on a worker thread.

    The signals are emitted from that thread; Qt queues them to receivers living on the
    GUI thread, so the window never waits on a keyring or a server.
    """

    # provider key, the Provider, list[Voice], list[str] models
    loaded = Signal(str, object, object, object)
    # provider key, the Provider or None when it could not be made, the ReaderError
    failed = Signal(str, object, object)

    def load(self, key: str, make: Callable[[], Provider]) -> None:
        worker = threading.Thread(target=self._run, args=(key, make), name="voices", daemon=True)
        worker.start()

    def _run(self, key: str, make: Callable[[], Provider]) -> None:
        provider: Provider | None = None
        try:
            provider = make()
            voices = provider.voices()
            models = provider.models()
        except ReaderError as error:
            emit_from_worker(self.failed, key, provider, error)
            return
        except Exception as error:  # a server's odd answer must not kill the thread silently
            log.exception("listing voices failed")
            emit_from_worker(
                self.failed, key, provider, ReaderError(f"Listing voices failed: {error}")
            )
            return
        emit_from_worker(self.loaded, key, provider, voices, models)
