"""Help → About: the version, where Reader keeps its files, the licences of the offline
voices on this computer, and every component's licence."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME, __version__
from reader.errors import ReaderError
from reader.files import cache_dir, config_dir, data_dir
from reader.licences import bundled_text, components, full_text
from reader.ui.background import Background
from reader.voices.terms import DOWNLOADED, LicenceText, VoiceTerms, on_this_computer

SUMMARY = (
    "Reader is free software under the MIT licence. It runs on the components listed "
    "below, each under its own licence; eSpeak NG, one of the offline voices, is GPL-3.0, so "
    "Reader as distributed with it (the bundle, the Flatpak) is under the GPL-3.0's terms."
)


def offline_voice_data() -> str:
    """Where eSpeak NG's voices are (inside its wheel, or the bundle)."""
    try:
        import espeakng_loader

        return str(espeakng_loader.get_data_path())
    except (ImportError, OSError):  # pragma: no cover - the wheel is a dependency
        return "(eSpeak NG is not installed)"


def licences_text() -> str:
    """The bundle's generated list when this is the bundle, else the installed one's."""
    return bundled_text() or full_text(components())


# Licence texts are laid out in fixed-width lines; wrapped to the box, not scrolled sideways.
_WRAP = ' style="white-space: pre-wrap"'
_ADDRESS = re.compile(r"https?://[^\s()<>]+[^\s()<>.,;:]")


def _linked(text: str) -> str:
    """`text` as rich text, its web addresses as links."""
    escaped = html.escape(text, quote=False)
    return _ADDRESS.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


def voices_html(voices: list[VoiceTerms]) -> str:
    """A paragraph per voice (voices on the same terms share one: 28 Kokoro voices are one
    model's), with its licence, who made it and links to the full text; then each distinct
    licence text once, under an anchor its links scroll to."""
    groups: dict[tuple[str, str, str, tuple[LicenceText, ...]], list[str]] = {}
    for voice in voices:
        key = (voice.kind, voice.licence, voice.attribution, voice.texts)
        groups.setdefault(key, []).append(voice.name)
    anchors: dict[tuple[str, str], str] = {}  # (title, text) → its anchor
    sections: list[str] = []
    lines: list[str] = []
    for (kind, licence, attribution, texts), names in groups.items():
        links = []
        for text in texts:
            if text.text:
                anchor = anchors.get((text.title, text.text))
                if anchor is None:
                    anchor = anchors[text.title, text.text] = f"text-{len(anchors)}"
                    sections.append(
                        f'<h4><a name="{anchor}"></a>{html.escape(text.title)}</h4>'
                        f"<pre{_WRAP}>{html.escape(text.text.rstrip())}</pre>"
                    )
                links.append(f'<a href="#{anchor}">{html.escape(text.title)}</a>')
            if text.where.startswith(("https://", "http://")):
                links.append(_linked(text.where))
        full = f" Full text: {', '.join(links)}." if links else ""
        lines.append(
            f"<p><b>{html.escape(', '.join(names))}</b> ({html.escape(kind)}): "
            f"{html.escape(licence)}. {_linked(attribution)}{full}</p>"
        )
    if not any(voice.kind == DOWNLOADED for voice in voices):
        lines.append("<p>No voices downloaded (Settings → Voices adds them).</p>")
    return "".join(lines) + ("<hr>" + "".join(sections) if sections else "")


class AboutDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        voice_terms: Callable[[], list[VoiceTerms]] = on_this_computer,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.resize(720, 640)
        title = QLabel(f"<b>{APP_NAME} {__version__}</b>: hear text read aloud.")
        title.setAccessibleName("Version")
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        places = QFormLayout()
        self.places: dict[str, str] = {
            "Settings": str(config_dir() / "settings.json"),
            "Cache": str(cache_dir()),
            "Voices": f"{data_dir()} (downloaded); eSpeak NG's: {offline_voice_data()}",
        }
        for label, where in self.places.items():
            field = QLabel(where)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(f"{label} folder")
            places.addRow(f"{label}:", field)
        # Read from the voices folder each time the box opens: it follows installs and
        # removals (a few stat calls and two packages' metadata, a few milliseconds).
        self.voices = QTextBrowser()
        self.voices.setOpenExternalLinks(True)  # "#text-N" links scroll within the box
        self.voices.setHtml(voices_html(voice_terms()))
        self.voices.setAccessibleName("Offline voices and their licences")
        voices_label = QLabel("&Offline voices on this computer, and what they may be used under:")
        voices_label.setBuddy(self.voices)
        # Some hundred files to read (about 0.3 s): on a worker, while the box is shown.
        self.licences = QPlainTextEdit("Reading the licences…")
        self.licences.setReadOnly(True)
        self._background = Background(self)
        self._background.finished.connect(self._show_licences)
        self._background.run("licences", licences_text, "Reading the licences")
        self.licences.setAccessibleName("Licences")
        self.licences.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(places)
        layout.addWidget(voices_label)
        layout.addWidget(self.voices, 1)
        licences_label = QLabel("&Licences of Reader's components:")
        licences_label.setBuddy(self.licences)
        layout.addWidget(licences_label)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)

    @Slot(str, object, object)
    def _show_licences(self, _tag: str, text: object, error: ReaderError | None) -> None:
        self.licences.setPlainText(str(text) if error is None else str(error))


def show_about(parent: QWidget) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()  # window-modal, without a nested event loop
    return dialog
