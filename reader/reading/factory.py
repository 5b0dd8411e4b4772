"""Readings made one way for the command line and the window: prepared text, the audio
cache, the pauses and the price tally that a run of Reader shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.audio.format import AudioFormat, Pcm
from reader.audio.output import OutputFactory
from reader.providers.base import Provider
from reader.reading.cache import AudioCache
from reader.reading.cost import Estimate, PriceTable, Tally
from reader.reading.engine import Reading
from reader.reading.events import Event, Voicing
from reader.reading.pace import EndpointPace
from reader.settings import Settings
from reader.text.prepare import Dictionary, speech_sentences
from reader.text.sentences import Sentence


class ReadingFactory:
    def __init__(self, settings: Settings, cache: AudioCache | None = None) -> None:
        self.settings = settings
        self.cache = cache or AudioCache(max_bytes=settings.cache_mb * 1024 * 1024)
        self.prices = PriceTable(settings.prices)
        self.tally = Tally(self.prices)  # what this run of Reader has sent, all readings
        self._dictionary = Dictionary(settings.pronunciations)
        # What each endpoint's answers taught about its speed, kept across readings so
        # the next one starts with the right look-ahead.
        self._paces: dict[tuple[str, str, str], EndpointPace] = {}

    def pace(self, provider: Provider, model: str) -> EndpointPace:
        key = (provider.id, provider.cache_scope, model)
        return self._paces.setdefault(key, EndpointPace())

    def update(self, settings: Settings) -> None:
        """Use changed settings for later readings (the cache and the tally stay)."""
        self.settings = settings
        self.prices = PriceTable(settings.prices)
        self._dictionary = Dictionary(settings.pronunciations)
        self.cache.max_bytes = settings.cache_mb * 1024 * 1024

    def sentences(self, text: str, markdown: bool | None = None) -> list[Sentence]:
        """`text`'s sentences as a reading of it would have them."""
        use_markdown = self.settings.markdown if markdown is None else markdown
        return speech_sentences(text, use_markdown, self._dictionary)

    def reading(
        self,
        text: str,
        provider: Provider,
        voicing: Voicing,
        output: OutputFactory | None,
        on_event: Callable[[Event], None] = lambda event: None,
        on_audio: Callable[[Pcm, AudioFormat], None] | None = None,
        start_sentence: int = 0,
        markdown: bool | None = None,
        sentences: Sequence[Sentence] | None = None,
    ) -> Reading:
        """A reading of `text` (pass `sentences` if `self.sentences(text)` already made them)."""
        settings = self.settings
        return Reading(
            text,
            provider,
            voicing,
            output,
            on_event=on_event,
            on_audio=on_audio,
            start_sentence=start_sentence,
            sentences=self.sentences(text, markdown) if sentences is None else sentences,
            cache=self.cache,
            pauses=(settings.sentence_pause_ms / 1000, settings.paragraph_pause_ms / 1000),
            tally=self.tally,
            pace=self.pace(provider, voicing.model),
        )

    def estimate(self, reading: Reading, provider: Provider, model: str) -> Estimate:
        """What `reading` may cost before it starts (what the cache holds is free)."""
        return self.prices.estimate(provider.id, model, reading.characters_to_synthesize())
