"""The Qt binding itself: a release whose signals leak references would abort a
long-running window, so the installed one is checked, not trusted."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ticked = Signal(object)


def test_emitting_a_signal_keeps_every_reference(qapp) -> None:
    # The window emits progress about 30 times a second. PySide6 6.12.0 returned True
    # from emit() without owning a reference, so each emit took one of True's: within
    # minutes of reading the interpreter aborted with "deallocating True".
    emitter = _Emitter()
    received: list[object] = []
    emitter.ticked.connect(received.append)
    before = {name: sys.getrefcount(value) for name, value in (("True", True), ("None", None))}
    for _ in range(2000):
        emitter.ticked.emit(None)
    after = {name: sys.getrefcount(value) for name, value in (("True", True), ("None", None))}
    assert len(received) == 2000
    for name in before:
        assert after[name] >= before[name] - 50, f"emit() leaks references to {name}"
