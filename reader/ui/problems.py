"""What went wrong: shown in the banner with the button that mends it, and on the status
line, until it no longer holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QLabel

from reader.errors import ReaderError, UsageError
from reader.ui.banner import Banner, fix_for


class Problems:
    """The problem shown now, and when it goes stale. `fixes` maps a fix's label
    (banner.FIX_*) to what the window does for it."""

    def __init__(
        self, banner: Banner, status: QLabel, fixes: Mapping[str, Callable[[], None]]
    ) -> None:
        self._banner = banner
        self._status = status
        self._fixes = fixes
        self.current: ReaderError | None = None

    def show(self, error: object) -> None:
        problem = error if isinstance(error, ReaderError) else ReaderError(str(error))
        self.current = problem
        self._status.setText(str(problem))
        label = fix_for(problem)
        self._banner.show_problem(str(problem), label, self._fixes.get(label or ""))

    def text_typed(self) -> None:
        """The person typed: "Nothing to read" no longer holds."""
        if isinstance(self.current, UsageError):
            self._banner.hide()

    def reader_changed(self) -> None:
        """Another provider or server: a problem with the last one's key is not its."""
        if not isinstance(self.current, UsageError):
            self._banner.hide()
