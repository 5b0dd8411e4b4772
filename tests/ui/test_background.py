"""Work done off the GUI thread answers by signal, and an answer nobody waits for any
more (its dialog closed, Reader quitting) is dropped without a traceback."""

from __future__ import annotations

import threading

import shiboken6

from reader.errors import ReaderError
from reader.ui.background import Background, emit_from_worker


def test_the_result_and_the_error_arrive_on_the_gui_thread(qtbot) -> None:
    background = Background()
    seen: list[tuple[str, object, object, str]] = []
    background.finished.connect(
        lambda tag, result, error: seen.append(
            (tag, result, error, threading.current_thread().name)
        )
    )

    def fails() -> object:
        raise ReaderError("The server is down.")

    background.run("sum", lambda: sum(range(10)), "Adding up")
    background.run("fails", fails, "Failing")
    background.run("odd", lambda: 1 / 0, "Dividing")
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
    answers = {tag: (result, str(error) if error else None, on) for tag, result, error, on in seen}
    assert answers["sum"] == (45, None, "MainThread")
    assert answers["fails"] == (None, "The server is down.", "MainThread")
    # An unexpected error is one line that says what was being done.
    assert answers["odd"] == (None, "Dividing failed: division by zero", "MainThread")


def test_an_answer_for_a_deleted_object_is_dropped_quietly() -> None:
    background = Background()
    signal = background.finished
    shiboken6.delete(background)
    raised: list[BaseException] = []

    def worker() -> None:
        try:
            emit_from_worker(signal, "late", None, None)
        except BaseException as error:  # what a worker thread would have printed
            raised.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert raised == []
