"""What a reading may cost: characters to synthesize and a price from an editable table.

Prices are US dollars per million characters of text sent, rounded from each vendor's
public price list (token-priced models converted at about 15 characters per second of
speech). They are estimates to warn before a big bill, not an invoice; a person can
override any of them in settings ("prices": {"openai/tts-1": 15.0, ...}).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PRICES: dict[str, float] = {
    "openai/tts-1": 15.0,
    "openai/tts-1-hd": 30.0,
    "openai/gpt-4o-mini-tts": 17.0,  # $0.015 a minute
    "openai-chat/*": 70.0,  # audio output tokens of the chat models
    "azure/*": 15.0,
    "gemini/*": 17.0,  # $10 per 1M audio tokens, 25 tokens a second
    "vertex/*": 17.0,
    "elevenlabs/*": 200.0,  # credits bought on a monthly plan
    "openai-compatible/*": 0.0,  # your own server
    "offline/*": 0.0,
}


@dataclass(frozen=True, slots=True)
class Estimate:
    characters: int
    dollars: float

    def describe(self, label: str) -> str:
        price = f"about ${self.dollars:.2f}" if self.dollars >= 0.005 else "under a cent"
        return f"{label}: {self.characters:,} characters to synthesize, {price}."


class PriceTable:
    def __init__(self, overrides: Mapping[str, float] | None = None) -> None:
        self._prices = {**DEFAULT_PRICES, **(overrides or {})}

    def per_million(self, provider: str, model: str) -> float:
        exact = self._prices.get(f"{provider}/{model}")
        if exact is not None:
            return exact
        return self._prices.get(f"{provider}/*", self._prices.get(f"{provider}/", 0.0))

    def estimate(self, provider: str, model: str, characters: int) -> Estimate:
        return Estimate(characters, characters * self.per_million(provider, model) / 1e6)


class Tally:
    """Characters sent and dollars estimated in this session, across readings; fetch
    workers add to it, the window reads it."""

    def __init__(self, prices: PriceTable) -> None:
        self._prices = prices
        self._lock = threading.Lock()
        self.characters = 0
        self.dollars = 0.0

    def add(self, provider: str, model: str, characters: int) -> None:
        estimate = self._prices.estimate(provider, model, characters)
        with self._lock:
            self.characters += estimate.characters
            self.dollars += estimate.dollars
