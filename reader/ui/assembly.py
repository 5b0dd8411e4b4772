"""Putting the window together from the settings file: the provider and voice chosen last
time, the player, the voice bar and the services, wired as the app runs them."""

from __future__ import annotations

from collections.abc import Callable

from reader.audio.output import OutputFactory
from reader.errors import ReaderError
from reader.keys.redact import Redactor
from reader.keys.store import KeyStore
from reader.providers.base import Provider
from reader.providers.registry import Registry
from reader.reading.events import Voicing
from reader.reading.factory import ReadingFactory
from reader.settings import SettingsFile
from reader.ui.main_window import MainWindow
from reader.ui.player import Player
from reader.ui.services import Services
from reader.ui.voice_bar import VoiceBar


def chosen_provider(
    registry: Registry, provider_id: str, base_url: str
) -> tuple[Provider | None, ReaderError | None]:
    """The provider chosen last time (at its saved server), else the default one, with the
    problem that stopped the chosen one (its key removed since, say)."""
    wanted = provider_id if provider_id in registry.ids() else ""
    problem: ReaderError | None = None
    if wanted and wanted != registry.default_id():
        try:
            return registry.create(wanted, base_url or None), None
        except ReaderError as error:
            problem = error
    try:
        return registry.create(registry.default_id()), problem
    except ReaderError as error:
        return None, error


def open_window(
    settings_file: SettingsFile,
    registry: Registry,
    keys: KeyStore | None,
    redactor: Redactor,
    make_output: Callable[[str], OutputFactory],
    devices: Callable[[], list[str]],
) -> MainWindow:
    """The window with the choices saved in `settings_file` (shown, not yet read from);
    ReaderError when not even the offline voice can be made."""
    settings = settings_file.load()  # a bad file is moved aside with a warning
    provider, problem = chosen_provider(registry, settings.provider, settings.base_url)
    if provider is None:
        raise problem or ReaderError("No voice could be started.")
    saved = settings.provider == provider.id
    voicing = Voicing(
        (settings.voice if saved and settings.voice else provider.default_voice()),
        (settings.model if saved and settings.model else provider.default_model()),
        settings.speed,
    )
    player = Player(make_output(settings.output_device), ReadingFactory(settings))
    voice_bar = VoiceBar(
        registry,
        settings.endpoints,
        provider,
        voicing,
        favourites=settings.favourite_voices,
        recent=settings.recent_voices,
        chosen=settings.chosen_voices,
    )
    services = Services(
        settings, registry, keys, redactor, settings_file, devices, make_output, player
    )
    voice_bar.marks_changed.connect(
        lambda: services.remember_voices(voice_bar.favourites, voice_bar.recent, voice_bar.chosen)
    )
    window = MainWindow(player, provider, voicing, voice_bar, services)
    # The empty voice menu's "Install voices…" (Kokoro with none yet): Settings → Voices.
    voice_bar.voice_button.install_requested.connect(
        lambda: services.open_settings(window, "voices")
    )
    if settings_file.warning:
        window.status.setText(settings_file.warning)
    elif problem is not None:
        window.status.setText(f"{problem} Reading with the offline voice instead.")
    return window
