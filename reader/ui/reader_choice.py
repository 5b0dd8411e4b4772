"""Following the toolbar's choice of who reads: it is saved for the next start, and what
went wrong with the last reader (or with the last key) stops being shown as if it held."""

from __future__ import annotations

from reader.errors import UsageError
from reader.ui.player import Player
from reader.ui.problems import Problems
from reader.ui.services import Services
from reader.ui.status_line import StatusLine
from reader.ui.voice_bar import VoiceBar


def follow_choice(
    bar: VoiceBar,
    services: Services | None,
    problems: Problems,
    status_line: StatusLine,
    player: Player,
) -> None:
    """Wire `bar`'s choice to the settings file (through `services`), and a new choice or
    a changed key to clearing the last problem; the new reader's own problem, if any, is
    shown when it comes (VoiceBar.problem)."""

    def stale() -> None:
        problems.reader_changed()
        kept = isinstance(problems.current, UsageError)  # "Nothing to read" still holds
        if not kept and player.reading is None and not player.preparing:
            status_line.show_ready()  # not "Failed", nor the last reader's missing key

    def remember() -> None:
        if services is not None:
            voicing = bar.voicing
            services.remember_choice(
                bar.provider.id, bar.base_url, voicing.model, voicing.voice, voicing.speed
            )

    bar.reader_changed.connect(stale)
    bar.choice_changed.connect(remember)
    if services is not None:
        services.keys_changed.connect(bar.refresh_keys)
        services.keys_changed.connect(stale)
