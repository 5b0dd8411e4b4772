"""The toolbar that picks who reads: provider (or saved server), model and voice."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

from reader.errors import ReaderError
from reader.keys.store import SHARED_KEYS
from reader.providers.base import Provider, Voice
from reader.providers.model_choice import model_to_show
from reader.providers.openai import takes_any_voice
from reader.providers.registry import Registry
from reader.reading.events import Voicing
from reader.settings import Endpoint
from reader.ui.bar_layout import BarLayout
from reader.ui.provider_choices import Place, ProviderChoices, key_of
from reader.ui.voice_loader import VoiceListLoader
from reader.ui.voices import VoiceButton

log = logging.getLogger(__name__)


class VoiceBar(QToolBar):
    """Keeps the chosen provider and `Voicing`; lists voices without blocking the window.

    Favourite and recent voices are kept per provider (and server) in `favourites` and
    `recent`, the voice last chosen for each in `chosen`; `marks_changed` says when to
    save them.

    The provider box shows the person's choice even when it could not be made (no key
    saved): `unmade` says why, and nothing is read until it can be made.

    Signals:
        problem(object): a ReaderError to show (a missing key, a server that cannot list
            voices).
        reader_changed(): another provider or server was picked: what went wrong with the
            last one no longer holds.
        preview_requested(object, object): play a sample with this Provider and Voicing.
        marks_changed(): the favourite or recent voices changed.
        choice_changed(): the provider, model, voice or speed in use changed (to save).
    """

    problem = Signal(object)
    reader_changed = Signal()
    preview_requested = Signal(object, object)
    marks_changed = Signal()
    choice_changed = Signal()

    def __init__(
        self,
        registry: Registry,
        endpoints: tuple[Endpoint, ...],
        provider: Provider,
        voicing: Voicing,
        parent: QWidget | None = None,
        favourites: dict[str, list[str]] | None = None,
        recent: dict[str, list[str]] | None = None,
        chosen: dict[str, str] | None = None,
    ) -> None:
        super().__init__("Voice", parent)
        self.favourites = dict(favourites or {})
        self.recent = dict(recent or {})
        self.chosen = dict(chosen or {})  # provider key: the voice last chosen for it
        self.setObjectName("voice-bar")
        self._registry = registry
        self._providers: dict[str, Provider] = {}
        self.provider = provider
        self.voicing = voicing
        self._wanted = ""  # the provider key whose voices are awaited
        self._remaking = ""  # the provider key made again with a changed key (choice kept)
        self._when_made: list[Callable[[], None]] = []  # waiting for that provider
        self._listed: tuple[list[Voice], list[str]] = ([], [])  # those of `provider`
        self._model_edit: QLineEdit | None = None

        self.provider_box = QComboBox()
        self.provider_box.setAccessibleName("Provider")
        self.provider_box.setToolTip("Who reads: a cloud provider, a saved server, or offline")
        # Its list as wide as every name, a saved server's included (not cut, not
        # ambiguous); the box itself as wide as the name chosen (BarLayout).
        self.provider_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._choices = ProviderChoices(self.provider_box, registry)
        self._choices.fill(endpoints)
        self._choice: Place = self._choices.place_of(provider)  # what the box shows
        self._providers[key_of(self._choice)] = provider
        self.unmade: ReaderError | None = None  # why the choice could not be made
        self.model_box = QComboBox()
        self.model_box.setAccessibleName("Model")
        self.model_box.setToolTip("The provider's model")
        # A server's model may be typed (one that lists none): what is typed is sent.
        self.model_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.voice_button = VoiceButton()
        self.speed_box = QDoubleSpinBox()
        self.speed_box.setRange(0.25, 4.0)
        self.speed_box.setSingleStep(0.1)
        self.speed_box.setDecimals(2)
        self.speed_box.setSuffix("×")
        self.speed_box.setValue(voicing.speed)
        self.speed_box.setAccessibleName("Speed")
        self.speed_box.setToolTip("How fast to read (from the next sentence you start)")
        self._layout = BarLayout(
            self, list(zip(("Provider", "Model", None, "Speed"), self.controls(), strict=True))
        )
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
        self.chosen.setdefault(self.marks_key, voicing.voice)
        self.provider_box.activated.connect(self._on_provider)
        for box in (self.provider_box, self.model_box):  # each as wide as its choice
            box.currentTextChanged.connect(self._share_width)
        self._list_voices()

    def controls(self) -> list[QWidget]:
        """The bar's controls, left to right, as Tab visits them."""
        return [self.provider_box, self.model_box, self.voice_button, self.speed_box]

    def _set_models(self, models: list[str], current: str) -> None:
        """Fill the model box and use exactly the model it shows (model_to_show: the
        current one if the server has it, else the speech model it lists, as `reader
        speak` picks it); a server that lists none gets a box to type in."""
        self.model_box.setEditable(self.provider.id == "openai-compatible")
        edit = self.model_box.lineEdit()
        if edit is not None and edit is not self._model_edit:  # a new one each time
            self._model_edit = edit
            edit.setAccessibleName("Model")
            edit.editingFinished.connect(self._on_model_typed)
        self.model_box.clear()
        self.model_box.addItems(models or [current])
        shown = model_to_show(self.provider, models, current)
        self.model_box.setCurrentText(shown)
        self.voicing = dataclasses.replace(self.voicing, model=shown)
        self._share_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_width()

    def _share_width(self) -> None:
        others = self.voice_button.width() + self.speed_box.sizeHint().width()
        self._layout.share_width((self.provider_box, self.model_box), others)

    def set_endpoints(self, endpoints: tuple[Endpoint, ...]) -> None:
        """The saved servers changed (in settings): list them, keeping the choice."""
        self._choices.fill(endpoints)
        self._select_current()
        self._share_width()

    @property
    def base_url(self) -> str | None:
        """The saved server's address of the provider in use (None: the vendor's own)."""
        return self._choices.place_of(self.provider)[1]

    @property
    def key_place(self) -> tuple[str, str | None]:
        """Where the key of the provider chosen is saved: (provider id, server address)."""
        provider_id, base_url = self._choice
        # One OpenAI key serves both of its endpoints (SHARED_KEYS).
        return SHARED_KEYS.get(provider_id, (provider_id, ""))[0], base_url

    def refresh_keys(self) -> None:
        """A key was set or removed in Settings: every provider made so far carries the
        old one in its headers, so they are dropped and the chosen one is made again."""
        self._providers.clear()
        self._remake()

    def _remake(self) -> None:
        """Make the chosen provider again (off the GUI thread: the keyring may ask to be
        unlocked), keeping the choice."""
        provider_id, base_url = self._choice
        self._wanted = self._remaking = key_of(self._choice)
        self._loader.load(self._wanted, lambda: self._registry.create(provider_id, base_url))

    def when_ready(self, then: Callable[[], None]) -> None:
        """Run `then` now, or once the provider being made again with a new key is made: a
        reading started meanwhile must not go with the old key. A choice that could not be
        made is tried again (a key may have been saved since, in a terminal); while it
        still cannot be, `then` is dropped and its problem shown again."""
        if self.unmade is not None and not self._remaking:
            self._remake()
        if self._remaking:
            self._when_made.append(then)
        else:
            then()

    def _made(self) -> None:
        waiting, self._when_made = self._when_made, []
        for then in waiting if self.unmade is None else []:
            then()

    def set_speed(self, speed: float) -> None:
        """The speed set elsewhere (the settings dialog)."""
        self.speed_box.setValue(speed)

    @property
    def marks_key(self) -> str:
        """The key of the provider in use in `favourites` and `recent`."""
        return key_of(self._choices.place_of(self.provider))

    def _select_current(self) -> None:
        self._choices.show(self._choice)

    @Slot(int)
    def _on_provider(self, index: int) -> None:
        provider_id, base_url = self._choices.places[index]
        if (provider_id, base_url) != self._choice:
            self._choice = (provider_id, base_url)  # kept, whether it can be made or not
            self.reader_changed.emit()
        self._wanted = key_of(self._choice)
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
        self._wanted = key_of(self._choice)
        self._loader.load(self._wanted, lambda: provider)

    @Slot(str, object, object, object)
    def _on_loaded(
        self, key: str, provider: Provider, voices: list[Voice], models: list[str]
    ) -> None:
        self._providers[key] = provider
        if key != self._wanted:
            return  # an answer for a provider no longer chosen
        # Only a person's switch is a new choice to keep: the first listing (or one after
        # a key change) keeps the saved choice, even when Reader fell back from it. A
        # choice that could not be made before is new once it is.
        remade = key == self._remaking and self.unmade is None
        self._remaking, self.unmade = "", None
        switched = provider is not self.provider and not remade
        if provider is not self.provider:
            self.provider = provider
            if not remade:
                self.voicing = dataclasses.replace(
                    self.voicing, voice=self._voice_for(key), model=provider.default_model()
                )
        self._listed = (voices, models)
        ids = [voice.id for voice in self._voices_offered()]
        if ids and self.voicing.voice not in ids:
            self.voicing = dataclasses.replace(self.voicing, voice=ids[0])
        self._show_listed()
        if switched:
            self.choice_changed.emit()
        self._made()

    def _voice_for(self, key: str) -> str:
        """The voice last chosen for the provider at `key`, else its default."""
        return self.chosen.get(key) or self.provider.default_voice()

    def _voices_offered(self) -> list[Voice]:
        """The provider's voices; for a server that lists none, OpenAI's standard voices
        and the names typed for it before (kept with its recent and favourite voices)."""
        voices = self._listed[0]
        if not takes_any_voice(self.provider):
            return voices
        key = self.marks_key
        known = {voice.id for voice in voices}
        typed = [*self.favourites.get(key, []), *self.recent.get(key, [])]
        return [*voices, *(Voice(v, v) for v in dict.fromkeys(typed) if v not in known)]

    def _show_listed(self) -> None:
        key = self.marks_key
        self.voice_button.set_voices(
            self._voices_offered(),
            self.voicing.voice,
            self.favourites.get(key, []),
            self.recent.get(key, []),
            provider=self.provider,
        )
        self._set_models(self._listed[1], self.voicing.model or self.provider.default_model())

    @Slot(str, object, object)
    def _on_failed(self, key: str, provider: Provider | None, error: ReaderError) -> None:
        if key != self._wanted:
            return
        QTimer.singleShot(0, self._made)  # after the problem is shown
        self.problem.emit(error)
        message = error.in_window  # the window's words: Settings, not a command
        if provider is None:
            # It could not be made (no key): the choice stays, saying why, and the one in
            # use before reads nothing more (see when_ready).
            self._remaking, self.unmade = "", error
            self._listed = ([], [])
            self.voice_button.set_failed(message)
            self.voice_button.set_current("")  # not the last provider's voice
            self.model_box.clear()
            return
        remade = key == self._remaking and self.unmade is None
        self._remaking, self.unmade = "", None
        self._providers[key] = provider
        switched = provider is not self.provider and not remade
        self.provider = provider
        if not remade:
            self.voicing = dataclasses.replace(
                self.voicing, voice=self._voice_for(key), model=provider.default_model()
            )
        self._listed = ([], [])
        self.voice_button.set_failed(message)
        self.voice_button.set_current(self.voicing.voice)
        self._set_models([], self.voicing.model)  # not the last provider's models
        if switched:
            self.choice_changed.emit()

    @Slot(str)
    def _on_voice(self, voice_id: str) -> None:
        self.voicing = dataclasses.replace(self.voicing, voice=voice_id)
        self.recent[self.marks_key] = self.voice_button.recent
        self.chosen[self.marks_key] = voice_id
        if voice_id not in self.voice_button.voice_ids():
            self._show_listed()  # a typed name joins the menu, remembered in settings
        self.marks_changed.emit()
        self.choice_changed.emit()

    @Slot(float)
    def _on_speed(self, speed: float) -> None:
        self.voicing = dataclasses.replace(self.voicing, speed=round(speed, 2))
        self.choice_changed.emit()

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
        self.choice_changed.emit()

    @Slot()
    def _on_model_typed(self) -> None:
        typed = self.model_box.currentText().strip()
        if typed:
            self.voicing = dataclasses.replace(self.voicing, model=typed)
            self.choice_changed.emit()
