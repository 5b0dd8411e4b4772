"""Run as a program: open the window and each dialog as a person would, and print their
geometries and the screen's available one as JSON (for a test at another scale factor,
which must be set before Qt starts). With --shots DIR, save a screenshot of each."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def rect(widget: QWidget) -> list[int]:
    frame = widget.frameGeometry()
    return [frame.x(), frame.y(), frame.width(), frame.height()]


def main() -> int:
    from reader.audio.output import clock_output
    from reader.keys.redact import Redactor
    from reader.providers.registry import Registry
    from reader.settings import SettingsFile
    from reader.ui.assembly import open_window

    shots = Path(sys.argv[sys.argv.index("--shots") + 1]) if "--shots" in sys.argv else None
    docs = Path(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else None
    app = QApplication(sys.argv[:1])
    home = Path(tempfile.mkdtemp())
    registry = Registry(None)
    window = open_window(
        SettingsFile(home / "settings.json"),
        registry,
        None,
        Redactor(),
        lambda _: clock_output(4.0),
        lambda: [],
    )
    window.show()
    window.text.setPlainText("Reader reads aloud. " * 40)
    found: dict[str, list[int]] = {}

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    settle()
    screen = window.screen().availableGeometry()
    found["screen"] = [screen.x(), screen.y(), screen.width(), screen.height()]
    found["window"] = rect(window)
    if shots:
        window.grab().save(str(shots / "window.png"))
    if docs:
        window.grab().save(str(docs / "window-2x.png"))
    window.open_settings()
    settle()
    assert window.services is not None and window.services.dialog is not None
    dialog = window.services.dialog
    for page in ("keys", "servers", "reading"):
        dialog.show_page(page)
        settle()
        found[f"settings-{page}"] = rect(dialog)
        if shots:
            dialog.grab().save(str(shots / f"settings-{page}.png"))
        if docs and page == "servers":
            dialog.grab().save(str(docs / "settings-2x.png"))
    dialog.reject()
    settle()
    window.export_audio()
    settle()
    assert window.export_dialog is not None
    found["export"] = rect(window.export_dialog)
    if shots:
        window.export_dialog.grab().save(str(shots / "export.png"))
    window.export_dialog.reject()
    settle()
    found["window-min"] = [window.minimumSizeHint().width(), window.minimumSizeHint().height()]
    print(json.dumps(found))
    window.shut_down()
    registry.close()
    return 0


def menu_probe() -> int:
    """Open the offline voice menu (141 voices) and print its geometry, the button's and
    the screen's; with --shots DIR, a screenshot of the whole screen."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    from reader.providers.registry import Registry
    from reader.ui.voices import VoiceButton

    app = QApplication(sys.argv[:1])
    button = VoiceButton()
    button.set_voices(Registry().create("offline").voices(), "es")
    host = QWidget()
    button.setParent(host)
    host.resize(300, 60)
    host.move(40, 80)
    host.show()
    found: dict[str, object] = {}

    def look() -> None:
        menu = button.menu()
        app.processEvents()
        top_left = button.mapToGlobal(button.rect().bottomLeft())
        area = button.screen().availableGeometry()
        found["menu"] = [menu.x(), menu.y(), menu.width(), menu.height()]
        found["button_bottom_left"] = [top_left.x(), top_left.y()]
        found["screen"] = [area.x(), area.y(), area.width(), area.height()]
        # The last voice, reached with the End key: scrolled into the visible menu.
        QTest.keyClick(menu, Qt.Key.Key_End)
        app.processEvents()
        last = menu.activeAction()
        place = menu.actionGeometry(last) if last is not None else None
        found["last"] = [last.data() if last is not None else None, place.top(), place.bottom()]
        found["last_expected"] = button.voice_ids()[-1]
        if "--shots" in sys.argv:
            shots = Path(sys.argv[sys.argv.index("--shots") + 1])
            button.screen().grabWindow(0).save(str(shots / "voice-menu.png"))
        menu.hide()
        app.quit()

    QTimer.singleShot(300, look)
    QTimer.singleShot(0, button.showMenu)
    app.exec()
    print(json.dumps(found))
    return 0


def pages_probe() -> int:
    """Open Settings at its size with two saved servers and print, for the Voices and
    Servers pages, what a person would find cut or out of view (JSON); with --shots DIR,
    a screenshot of each page."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QScrollArea, QStyleOptionViewItem

    from reader.audio.output import clock_output
    from reader.keys.redact import Redactor
    from reader.providers.registry import Registry
    from reader.settings import Endpoint, Settings, SettingsFile
    from reader.ui.assembly import open_window

    shots = Path(sys.argv[sys.argv.index("--shots") + 1]) if "--shots" in sys.argv else None
    app = QApplication(sys.argv[:1])
    settings_file = SettingsFile(Path(tempfile.mkdtemp()) / "settings.json")
    saved = (
        Endpoint("a", "openai-compatible", "https://tts.example.invalid/v1", "My LiteLLM"),
        Endpoint("b", "openai-compatible", "http://127.0.0.1:8911/v1", "Local proxy"),
    )
    settings_file.save(Settings(endpoints=saved))
    registry = Registry(None)
    window = open_window(
        settings_file, registry, None, Redactor(), lambda _: clock_output(4.0), lambda: []
    )
    window.show()
    window.open_settings()
    assert window.services is not None and window.services.dialog is not None
    dialog = window.services.dialog

    def settle() -> None:
        for _ in range(20):
            app.processEvents()

    def seen(widget: QWidget, page: QWidget) -> bool:
        """Whether all of `widget` is in view on the page, unscrolled."""
        shown = page.viewport() if isinstance(page, QScrollArea) else page
        place = QRect(widget.mapTo(shown, QPoint(0, 0)), widget.size())
        return shown.rect().contains(place)

    def sideways(page: QWidget) -> bool:
        views = [page, *page.findChildren(QScrollArea)]
        return any(
            isinstance(view, QScrollArea) and view.horizontalScrollBar().isVisible()
            for view in views
        )

    found: dict[str, object] = {}
    for page in ("voices", "servers"):
        dialog.show_page(page)
        settle()
        view = dialog.tabs.currentWidget()
        found[f"{page}-sideways"] = sideways(view)
        if page == "voices":
            table = dialog.voices.table
            option = QStyleOptionViewItem()
            option.initFrom(table)
            cut = []
            for row in range(table.rowCount()):
                index = table.model().index(row, 0)
                needed = table.itemDelegate().sizeHint(option, index)
                if needed.width() > table.columnWidth(0) or needed.height() > table.rowHeight(row):
                    cut.append(table.item(row, 0).text())
            found["voices-cut"] = cut
            found["voices-table-sideways"] = table.horizontalScrollBar().isVisible()
            disk = dialog.voices.disk
            # Not cut at the right (below the fold, at 2x, it is scrolled to).
            right = disk.mapTo(view, QPoint(disk.width(), 0)).x()
            found["disk-whole"] = (
                right <= view.width()
                and disk.height() >= disk.heightForWidth(disk.width())
                and disk.width() >= disk.minimumSizeHint().width()
            )
        else:
            servers = dialog.servers
            servers.status.setText("Connected: 2 models, 11 voices.")
            settle()
            found["servers-seen"] = [
                widget.text()
                for widget in (servers.save_button, servers.test_button, servers.status)
                if seen(widget, view)
            ]
        if shots:
            dialog.grab().save(str(shots / f"settings-{page}.png"))
    print(json.dumps(found))
    dialog.reject()
    window.shut_down()
    registry.close()
    return 0


if __name__ == "__main__":
    if "--pages" in sys.argv:
        sys.exit(pages_probe())
    sys.exit(menu_probe() if "--menu" in sys.argv else main())
