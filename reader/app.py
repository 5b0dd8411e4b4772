"""The composition root of the window: QApplication, provider, player, window, wiring."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

from reader import APP_ID, APP_NAME, __version__
from reader.errors import ReaderError
from reader.keys.redact import Redactor

log = logging.getLogger(__name__)


def _resource(name: str) -> Path:
    """A bundled file: resources/ beside the package (source tree and bundles alike)."""
    return Path(__file__).resolve().parent.parent / "resources" / name


def run_gui(redactor: Redactor, read_clipboard: bool = False, read_selection: bool = False) -> int:
    """Open the window (optionally reading the clipboard or selection) until it closes."""
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from reader.audio.output import device_output, output_devices
    from reader.keys.store import KeyStore
    from reader.providers.registry import Registry
    from reader.settings import SettingsFile
    from reader.ui.assembly import open_window
    from reader.ui.instance import InstanceServer, instance_name, send_to_running

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationDomain(APP_ID.rsplit(".", 1)[0])
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon.fromTheme(APP_ID, QIcon(str(_resource(f"{APP_ID}.svg")))))

    action = "read-selection" if read_selection else "read-clipboard" if read_clipboard else "show"
    name = instance_name()
    if send_to_running(name, action):
        log.debug("handed '%s' to the running window", action)
        return 0

    keys = KeyStore(redactor)
    registry = Registry(keys)
    try:
        window = open_window(
            SettingsFile(),
            registry,
            keys,
            redactor,
            lambda device: device_output(device or None),
            output_devices,
        )
    except ReaderError as error:
        print(f"reader: {error}", file=sys.stderr)
        return error.exit_code
    window.show()
    tray = window.add_tray(app.windowIcon())
    window.keep_in_tray = window.services is not None and (
        window.services.settings.close_to_tray and tray is not None
    )

    server = InstanceServer(name, window)
    server.requested.connect(window.handle_request)
    server.listen()
    # What start-up made (Qt's bindings, the modules, the window) lives as long as the
    # app: out of the collector's reach, each full collection has far less to walk and
    # stalls the window (and the audio callback) for less (bench/gui.py, paste).
    gc.freeze()
    if read_clipboard:
        window.read_clipboard()
    elif read_selection:
        window.read_selection()

    status = app.exec()
    server.close()
    window.shut_down()
    registry.close()
    return int(status)
