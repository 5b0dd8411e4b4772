"""What went wrong: shown in the banner with the button that mends it, and on the status
line, until it no longer holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QLabel

from reader.errors import KeyProblem, ReaderError, UsageError
from reader.ui.banner import FIX_SETTINGS_PAGE, Banner, fix_for


class Problems:
    """The problem shown now, and when it goes stale. `fixes` maps a fix's label
    (banner.FIX_*) to what the window does for it; `open_settings(page, item)` opens
    Settings at a page with a row selected, for a problem whose remedy names one."""

    def __init__(
        self,
        banner: Banner,
        status: QLabel,
        fixes: Mapping[str, Callable[[], None]],
        open_settings: Callable[[str, str | None], object] | None = None,
    ) -> None:
        self._banner = banner
        self._status = status
        self._fixes = fixes
        self._open_settings = open_settings
        self.current: ReaderError | None = None

    def show(self, error: object) -> None:
        problem = error if isinstance(error, ReaderError) else ReaderError(str(error))
        self.current = problem
        # The window's own words: where in Settings, not which command to run.
        self._status.setText(problem.in_window)
        found = [(label, self._fixes.get(label)) for label in [fix_for(problem)] if label]
        fixes = [(label, run) for label, run in found if run is not None]
        remedy, opener = problem.remedy, self._open_settings
        if remedy and remedy.page and opener and not isinstance(problem, KeyProblem):
            page, item = remedy.page, remedy.item

            def open_there() -> None:
                opener(page, item)

            fixes.insert(0, (FIX_SETTINGS_PAGE, open_there))
        label, run = fixes[0] if fixes else (None, None)
        self._banner.show_problem(problem.in_window, label, run, fixes[1] if fixes[1:] else None)

    def text_typed(self) -> None:
        """The person typed: "Nothing to read" no longer holds."""
        if isinstance(self.current, UsageError):
            self._banner.hide()

    def reader_changed(self) -> None:
        """Another provider or server: a problem with the last one's key is not its."""
        if not isinstance(self.current, UsageError):
            self._banner.hide()
