"""The composition root of the window: QApplication, provider, player, window, wiring."""

from __future__ import annotations

import gc
import logging
import os
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
    from reader.ui.desktop import EXIT_NO_DESKTOP, desktop_missing, explain

    if desktop_missing(os.environ):
        print(explain(None), file=sys.stderr)
        return EXIT_NO_DESKTOP
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from reader.audio.output import device_output, output_devices
    from reader.desktop.integration import Desktop
    from reader.desktop.selection import WaylandSelection
    from reader.desktop.shortcuts import platform_kind
    from reader.keys.store import KeyStore
    from reader.providers.registry import Registry
    from reader.settings import SettingsFile
    from reader.ui.assembly import open_window
    from reader.ui.desktop import fatal_platform_errors
    from reader.ui.instance import InstanceServer, instance_name, send_to_running

    def plugins() -> Path:
        chosen = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
        if chosen:
            return Path(chosen).parent
        return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        with fatal_platform_errors(plugins):
            app = QApplication(sys.argv[:1])
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

    # What a system-wide shortcut or a media key does: the window's own actions.
    shortcut_actions = {
        "read-selection": window.selection_action,
        "read-clipboard": window.clipboard_action,
        "play-pause": window.play_action,
        "stop": window.stop_action,
        "previous": window.previous_action,
        "next": window.next_action,
    }
    desktop = Desktop(
        {
            **{name: action.trigger for name, action in shortcut_actions.items()},
            "raise": window.bring_to_front,
        },
        window.status.setText,
        lambda: window.voice_bar.voicing.voice if window.voice_bar is not None else "",
        window,
    )
    if platform_kind() == "wayland":
        window.selection_reader = WaylandSelection().read
    window.player.state_changed.connect(desktop.follow_state)
    window.player.reading_started.connect(desktop.follow_reading)
    services = window.services
    if services is not None:
        desktop.apply(services.settings)
        services.settings_changed.connect(desktop.apply)
        services.shortcut_status = desktop.status
        services.shortcut_configure = desktop.configure_action

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
    desktop.close()
    server.close()
    window.shut_down()
    registry.close()
    return int(status)
