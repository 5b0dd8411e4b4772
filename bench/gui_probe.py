"""The window, run in a process of its own for bench/gui.py: either reading aloud while
a precise timer measures how late the event loop is, or exporting a long text through
the export dialog while the parent samples this process's memory.

    python -m bench.gui_probe lateness SECONDS
    python -m bench.gui_probe paste SECONDS  (Play pressed on a megabyte of Markdown)
    python -m bench.gui_probe export BASE_URL FILE  (the text on stdin)

Prints one JSON line with its findings.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from reader.audio.output import device_output
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.registry import Registry
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import Settings
from reader.ui.main_window import MainWindow
from reader.ui.player import Player

TICK_MS = 5


def window_for(registry: Registry, provider_id: str, base_url: str | None) -> MainWindow:
    provider = registry.create(provider_id, base_url)
    voicing = Voicing(provider.default_voice(), provider.default_model())
    player = Player(device_output(), ReadingFactory(Settings()))
    window = MainWindow(player, provider, voicing)
    window.show()
    gc.freeze()  # as reader/app.py does once the window is up
    return window


def markdown_megabyte() -> str:
    """About a megabyte of Markdown: headings, links, emphasis, lists and code blocks."""
    section = (
        "## Part {n}\n\n"
        "Reader turns **this text** into speech, with [a link](https://example.com/{n}) "
        "read as its words and `inline code` kept. Dr. Smith arrived at 5 p.m. on Jan. 3.\n\n"
        "- a list item that goes on for a while before it stops\n"
        "- another item, with *emphasis* and a bare URL https://reader.example/{n}\n\n"
        "```python\nprint('skipped when read')\n```\n\n"
    )
    parts: list[str] = []
    size, n = 0, 0
    while size < 1_000_000:
        parts.append(section.format(n=n))
        size += len(parts[-1])
        n += 1
    return "".join(parts)


def lateness(seconds: float, paste: bool = False) -> dict[str, float]:
    """Read aloud for `seconds` and time a 5 ms precise timer's every wake-up.

    With `paste`, the text is a megabyte of Markdown already in the box and the clock
    starts as Play is pressed, so the figures include preparing it.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    registry = Registry(KeyStore(Redactor()))
    window = window_for(registry, "offline", None)
    text = (
        markdown_megabyte()
        if paste
        else " ".join(
            f"This is sentence {n} of a text long enough to keep the reader busy."
            for n in range(80)
        )
    )
    late_ms: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    last = [0]
    started_at: list[float] = []

    def tick() -> None:
        now = clock.nsecsElapsed()
        player = window._player
        if last[0]:
            late_ms.append((now - last[0]) / 1e6 - TICK_MS)
        if not started_at and player.reading is not None:
            started_at.append(now / 1e9)
        last[0] = now
        if clock.elapsed() > seconds * 1000:
            app.quit()

    timer.timeout.connect(tick)
    if paste:
        window.text.setPlainText(text)
        app.processEvents()
        clock.start()
        timer.start()
        window.play_action.trigger()
    else:
        # During a reading: the clock starts once it has begun (pressing Play is the
        # paste figure's business).
        window.read(text)
        while window._player.reading is None:
            app.processEvents()
        clock.start()
        timer.start()
    app.exec()
    window._player.stop()
    registry.close()
    late_ms.sort()
    p99 = late_ms[int(len(late_ms) * 0.99)] if late_ms else 0.0
    return {
        "ticks": len(late_ms),
        "p99_ms": max(0.0, p99),
        "max_ms": max(late_ms, default=0.0),
        "prepared_s": started_at[0] if started_at else -1.0,
    }


def export(base_url: str, out: Path, text: str) -> dict[str, float]:
    """Export `text` from the export dialog, as a person would, and wait for the file."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    registry = Registry(None)
    window = window_for(registry, "openai-compatible", base_url)
    window.text.setPlainText(text)
    window.export_audio()
    dialog = window.export_dialog
    dialog.path.setText(str(out))
    dialog.path.editingFinished.emit()
    started = time.monotonic()
    dialog.finished.connect(app.quit)
    dialog.start()
    app.exec()
    registry.close()
    if dialog.saved != out:
        raise SystemExit(f"the export failed: {dialog.status.text()}")
    return {"wall_s": time.monotonic() - started}


def main() -> None:
    if sys.argv[1] in ("lateness", "paste"):
        result = lateness(float(sys.argv[2]), paste=sys.argv[1] == "paste")
    else:
        result = export(sys.argv[2], Path(sys.argv[3]), sys.stdin.read())
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
