"""Settings → Voices: licence first, Install with its progress bar, Cancel, Remove, from
the stand-in hub with the real files."""

from __future__ import annotations

from pathlib import Path

from reader.ui.voices_page import VoicesPage
from reader.voices.store import VoiceStore
from tests.voices.hub import Hub
from tests.voices.test_store import CATALOGUE, MODEL, hub_files


def test_install_cancel_and_remove_from_the_page(
    qtbot, display, kokoro_voice_files, tmp_path: Path
) -> None:
    store = VoiceStore(CATALOGUE, tmp_path / "voices")
    heart = CATALOGUE.find("kokoro-af_heart")
    model = next(f for f in heart.files if f.name == MODEL)
    store.root.mkdir()
    with open(store.path(model), "wb") as sparse:
        sparse.truncate(model.size)  # Kokoro's model is here: only voice files are fetched
    with Hub(hub_files(kokoro_voice_files)) as hub:
        store.hub = hub.url
        page = VoicesPage(store)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitExposed(page)
        assert not page.install_button.isEnabled()  # nothing chosen yet

        page.select("kokoro-af_heart")
        assert page.licence.text().startswith("Apache-2.0. Kokoro-82M v1.0 by hexgrad")
        assert "1.5x real time" in page.licence.text()
        qtbot.mouseClick(page.install_button, qtbot_left())
        qtbot.waitUntil(lambda: page.status.text() == "Installed kokoro-af_heart.", timeout=10_000)
        assert page.progress.value() == page.progress.maximum()
        row = [v.name for v in CATALOGUE.voices].index("kokoro-af_heart")
        assert page.table.item(row, 5).text() == "installed"
        assert page.remove_button.isEnabled() and not page.install_button.isEnabled()

        # A slow download, cancelled half-way: nothing of it is left.
        hub.faults.slow = 0.05
        page.select("kokoro-bf_emma")
        qtbot.mouseClick(page.install_button, qtbot_left())
        qtbot.waitUntil(lambda: page.progress.value() > 0, timeout=10_000)
        assert page.cancel_button.isEnabled()
        qtbot.mouseClick(page.cancel_button, qtbot_left())
        qtbot.waitUntil(lambda: page.status.text().startswith("Cancelled"), timeout=10_000)
        assert not (store.root / "kokoro-bf_emma.bin.part").exists()
        assert not (store.root / "kokoro-bf_emma.bin").exists()

        page.select("kokoro-af_heart")
        qtbot.mouseClick(page.remove_button, qtbot_left())
        assert page.status.text() == "Removed kokoro-af_heart (92.9 MB freed)."
        assert list(store.root.iterdir()) == []
        assert page.disk.text().startswith("Downloaded voices take 0.0 MB")


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_no_network_is_said_in_the_pages_words(qtbot, display, tmp_path: Path) -> None:
    store = VoiceStore(CATALOGUE, tmp_path / "voices", hub="http://hub.invalid")
    page = VoicesPage(store)
    qtbot.addWidget(page)
    page.select("kokoro-af_heart")
    qtbot.mouseClick(page.install_button, qtbot_left())
    qtbot.waitUntil(lambda: not page.status.text().startswith("Downloading"), timeout=30_000)
    assert page.status.text() == "Cannot reach hub.invalid (no network?)."
    assert page.install_button.isEnabled()  # Install again, once the network is back


def test_a_download_that_keeps_breaking_off_says_install_again(
    qtbot, display, kokoro_voice_files, tmp_path: Path
) -> None:
    store = VoiceStore(CATALOGUE, tmp_path / "voices")
    heart = CATALOGUE.find("kokoro-af_heart")
    model = next(f for f in heart.files if f.name == MODEL)
    voice_file = next(f for f in heart.files if f.name != MODEL)
    store.root.mkdir()
    with open(store.path(model), "wb") as sparse:
        sparse.truncate(model.size)
    with Hub(hub_files(kokoro_voice_files)) as hub:
        hub.faults.drop_always[voice_file.path] = 100_000
        store.hub = hub.url
        page = VoicesPage(store)
        qtbot.addWidget(page)
        page.select("kokoro-af_heart")
        qtbot.mouseClick(page.install_button, qtbot_left())
        qtbot.waitUntil(lambda: "broke off" in page.status.text(), timeout=30_000)
    # The window's way to resume, not a command that is not there.
    assert page.status.text().startswith(f"Downloading {voice_file.name} broke off 4 times (")
    assert page.status.text().endswith(". Install again to resume.")
    assert "command" not in page.status.text()
    kept = (store.root / f"{voice_file.name}.part").stat().st_size
    assert 0 < kept < voice_file.size  # what came is kept, for Install to resume from
