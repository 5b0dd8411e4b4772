"""The window, run in a process of its own for bench/gui.py: either reading aloud while
a precise timer measures how late the event loop is, or exporting a long text through
the export dialog while the parent samples this process's memory.

    python -m bench.gui_probe lateness SECONDS
    python -m bench.gui_probe export BASE_URL FILE  (the text on stdin)

Prints one JSON line with its findings.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from reader.audio.output import device_output
from reader.events import Voicing
from reader.keys import KeyStore
from reader.player import Player
from reader.providers.registry import Registry
from reader.readings import ReadingFactory
from reader.redact import Redactor
from reader.settings import Settings
from reader.ui.main_window import MainWindow

TICK_MS = 5


def window_for(registry: Registry, provider_id: str, base_url: str | None) -> MainWindow:
    provider = registry.create(provider_id, base_url)
    voicing = Voicing(provider.default_voice(), provider.default_model())
    player = Player(device_output(), ReadingFactory(Settings()))
    window = MainWindow(player, provider, voicing)
    window.show()
    return window


def lateness(seconds: float) -> dict[str, float]:
    """Read aloud for `seconds` and time a 5 ms precise timer's every wake-up."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    registry = Registry(KeyStore(Redactor()))
    window = window_for(registry, "offline", None)
    text = " ".join(
        f"This is sentence {n} of a text long enough to keep the reader busy." for n in range(80)
    )
    late_ms: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        if last[0] and window._player.state is not None:
            late_ms.append((now - last[0]) / 1e6 - TICK_MS)
        last[0] = now
        if clock.elapsed() > seconds * 1000:
            app.quit()

    timer.timeout.connect(tick)
    window.read(text)
    clock.start()
    timer.start()
    app.exec()
    window._player.stop()
    registry.close()
    late_ms.sort()
    p99 = late_ms[int(len(late_ms) * 0.99)] if late_ms else 0.0
    return {"ticks": len(late_ms), "p99_ms": max(0.0, p99), "max_ms": max(late_ms, default=0.0)}


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
    if sys.argv[1] == "lateness":
        result = lateness(float(sys.argv[2]))
    else:
        result = export(sys.argv[2], Path(sys.argv[3]), sys.stdin.read())
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
