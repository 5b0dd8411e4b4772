"""The toolbar that picks who reads: provider (or saved server), model and voice."""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QToolBar, QToolButton, QWidget

from reader.errors import ReaderError
from reader.keys.store import host_of
from reader.providers.base import Provider, Voice
from reader.providers.registry import Registry
from reader.reading.events import Voicing
from reader.settings import Endpoint
from reader.ui.voices import VoiceButton, VoiceListLoader

log = logging.getLogger(__name__)


class VoiceBar(QToolBar):
    """Keeps the chosen provider and `Voicing`; lists voices without blocking the window.

    Favourite and recent voices are kept per provider (and server) in `favourites` and
    `recent`; `marks_changed` says when to save them.

    Signals:
        problem(object): a ReaderError to show (a missing key, a server that cannot list
            voices).
        preview_requested(object, object): play a sample with this Provider and Voicing.
        marks_changed(): the favourite or recent voices changed.
    """

    problem = Signal(object)
    preview_requested = Signal(object, object)
    marks_changed = Signal()

    def __init__(
        self,
        registry: Registry,
        endpoints: tuple[Endpoint, ...],
        provider: Provider,
        voicing: Voicing,
        parent: QWidget | None = None,
        favourites: dict[str, list[str]] | None = None,
        recent: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__("Voice", parent)
        self.favourites = dict(favourites or {})
        self.recent = dict(recent or {})
        self.setObjectName("voice-bar")
        self._registry = registry
        self._providers: dict[str, Provider] = {}
        self.provider = provider
        self.voicing = voicing
        self._choices: list[tuple[str, str | None]] = []  # (provider id, base URL)
        self._wanted = ""  # the provider key whose voices are awaited
        self._listed: tuple[list[Voice], list[str]] = ([], [])  # those of `provider`

        self.provider_box = QComboBox()
        self.provider_box.setAccessibleName("Provider")
        self.provider_box.setToolTip("Who reads: a cloud provider, a saved server, or offline")
        self._fill_choices(endpoints)
        self.model_box = QComboBox()
        self.model_box.setAccessibleName("Model")
        self.model_box.setToolTip("The provider's model")
        self.voice_button = VoiceButton()
        self.speed_box = QDoubleSpinBox()
        self.speed_box.setRange(0.25, 4.0)
        self.speed_box.setSingleStep(0.1)
        self.speed_box.setDecimals(2)
        self.speed_box.setSuffix("×")
        self.speed_box.setValue(voicing.speed)
        self.speed_box.setAccessibleName("Speed")
        self.speed_box.setToolTip("How fast to read (from the next sentence you start)")
        # Visible labels tied to their controls: a screen reader names a combo box by the
        # label it is labelled by (Qt on Linux gives a combo box its value as its name),
        # and Alt with the underlined letter goes to the control.
        labels = ("&Provider", "&Model", None, "&Speed")
        for label, control in zip(labels, self.controls(), strict=True):
            if label is not None:
                tag = QLabel(label)
                tag.setBuddy(control)
                tag.setContentsMargins(6, 0, 2, 0)
                self.addWidget(tag)
            self.addWidget(control)
        # Qt's overflow button (shown when the bar is too narrow) has no name of its own.
        extension = self.findChild(QToolButton, "qt_toolbar_ext_button")
        if extension is not None:
            extension.setAccessibleName("More voice controls")

        self._loader = VoiceListLoader(self)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_failed)
        self.voice_button.chosen.connect(self._on_voice)
        self.voice_button.preview_requested.connect(self._on_preview)
        self.voice_button.favourites_changed.connect(self._on_favourites)
        self.model_box.activated.connect(self._on_model)
        self.speed_box.valueChanged.connect(self._on_speed)
        self._select_current()
        self.provider_box.activated.connect(self._on_provider)
        self._list_voices()

    def controls(self) -> list[QWidget]:
        """The bar's controls, left to right, as Tab visits them."""
        return [self.provider_box, self.model_box, self.voice_button, self.speed_box]

    def set_endpoints(self, endpoints: tuple[Endpoint, ...]) -> None:
        """The saved servers changed (in settings): list them, keeping the choice."""
        self.provider_box.clear()
        self._choices = []
        self._fill_choices(endpoints)
        self._select_current()

    def _fill_choices(self, endpoints: tuple[Endpoint, ...]) -> None:
        for info in self._registry.infos():
            if info.needs_base_url:
                for endpoint in endpoints:
                    if endpoint.provider == info.id:
                        where = endpoint.name or host_of(endpoint.base_url)
                        self._add_choice(
                            f"{info.display_name}: {where}", info.id, endpoint.base_url
                        )
            else:
                self._add_choice(info.display_name, info.id, None)

    @property
    def marks_key(self) -> str:
        """The key of the provider in use in `favourites` and `recent`."""
        return self._key(self.provider.id, self._base_url_of(self.provider))

    def _add_choice(self, label: str, provider_id: str, base_url: str | None) -> None:
        self._choices.append((provider_id, base_url))
        self.provider_box.addItem(label)

    def _key(self, provider_id: str, base_url: str | None) -> str:
        return f"{provider_id}@{base_url or ''}"

    def _select_current(self) -> None:
        current = self.provider.id
        scope = self.provider.cache_scope
        for index, (provider_id, base_url) in enumerate(self._choices):
            if provider_id == current and (base_url is None or base_url.rstrip("/") == scope):
                self.provider_box.setCurrentIndex(index)
                self._providers[self._key(provider_id, base_url)] = self.provider
                return

    @Slot(int)
    def _on_provider(self, index: int) -> None:
        provider_id, base_url = self._choices[index]
        self._wanted = self._key(provider_id, base_url)
        known = self._providers.get(self._wanted)
        self.voice_button.set_loading()
        if known is not None:
            self._loader.load(self._wanted, lambda: known)
        else:
            self._loader.load(self._wanted, lambda: self._registry.create(provider_id, base_url))

    def _list_voices(self) -> None:
        """The voices of the provider in use (at start)."""
        self.voice_button.set_loading()
        self.voice_button.set_current(self.voicing.voice)
        self.model_box.clear()
        self.model_box.addItem(self.voicing.model or self.provider.default_model())
        provider = self.provider
        self._wanted = self._key(provider.id, self._base_url_of(provider))
        self._loader.load(self._wanted, lambda: provider)

    def _base_url_of(self, provider: Provider) -> str | None:
        for provider_id, base_url in self._choices:
            if (
                provider_id == provider.id
                and base_url
                and base_url.rstrip("/") == provider.cache_scope
            ):
                return base_url
        return None

    @Slot(str, object, object, object)
    def _on_loaded(
        self, key: str, provider: Provider, voices: list[Voice], models: list[str]
    ) -> None:
        self._providers[key] = provider
        if key != self._wanted:
            return  # an answer for a provider no longer chosen
        if provider is not self.provider:
            self.provider = provider
            self.voicing = dataclasses.replace(
                self.voicing, voice=provider.default_voice(), model=provider.default_model()
            )
        ids = [voice.id for voice in voices]
        if ids and self.voicing.voice not in ids:
            self.voicing = dataclasses.replace(self.voicing, voice=ids[0])
        self._listed = (voices, models)
        self._show_listed()

    def _show_listed(self) -> None:
        voices, models = self._listed
        key = self.marks_key
        self.voice_button.set_voices(
            voices, self.voicing.voice, self.favourites.get(key, []), self.recent.get(key, [])
        )
        current = self.voicing.model or self.provider.default_model()
        self.model_box.clear()
        self.model_box.addItems(models or [current])
        if current in models:
            self.model_box.setCurrentText(current)

    @Slot(str, object, object)
    def _on_failed(self, key: str, provider: Provider | None, error: ReaderError) -> None:
        if key != self._wanted:
            return
        self.problem.emit(error)
        message = str(error)
        if provider is None:
            # It could not be made (no key): keep reading with the one in use.
            self._select_current()
            if any(self._listed):
                self._wanted = self._key(self.provider.id, self._base_url_of(self.provider))
                self._show_listed()
            else:
                # The switch failed before the first listing of the provider in use came
                # back (its answer was dropped as no longer wanted): list it again.
                self._list_voices()
            return
        self._providers[key] = provider
        self.provider = provider
        self.voicing = dataclasses.replace(
            self.voicing, voice=provider.default_voice(), model=provider.default_model()
        )
        self._listed = ([], [])
        self.voice_button.set_failed(message)
        self.voice_button.set_current(self.voicing.voice)

    @Slot(str)
    def _on_voice(self, voice_id: str) -> None:
        self.voicing = dataclasses.replace(self.voicing, voice=voice_id)
        self.recent[self.marks_key] = self.voice_button.recent
        self.marks_changed.emit()

    @Slot(float)
    def _on_speed(self, speed: float) -> None:
        self.voicing = dataclasses.replace(self.voicing, speed=round(speed, 2))

    @Slot(str)
    def _on_preview(self, voice_id: str) -> None:
        self.preview_requested.emit(
            self.provider, dataclasses.replace(self.voicing, voice=voice_id)
        )

    @Slot(object)
    def _on_favourites(self, favourites: list[str]) -> None:
        self.favourites[self.marks_key] = favourites
        self.marks_changed.emit()

    @Slot(int)
    def _on_model(self, index: int) -> None:
        self.voicing = dataclasses.replace(self.voicing, model=self.model_box.itemText(index))
