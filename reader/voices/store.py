"""The installed voices: a folder under the platform's data folder (not the cache, which
cleaners wipe), holding each voice's verified files; shared files (Kokoro's model) are
kept while any installed voice needs them."""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from reader.errors import NotFound, UsageError
from reader.files import data_dir
from reader.voices.catalogue import Catalogue, CatalogueVoice, VoiceFile
from reader.voices.download import ChecksumMismatch, fetch

# (file being fetched, bytes of the voice on disk so far, the voice's total bytes)
InstallProgress = Callable[[VoiceFile, int, int], None]


class VoiceStore:
    def __init__(
        self, catalogue: Catalogue, root: Path | None = None, hub: str | None = None
    ) -> None:
        self.catalogue = catalogue
        self.root = root or data_dir() / "voices"
        self.hub = (hub or catalogue.hub).rstrip("/")

    def voice(self, name: str) -> CatalogueVoice:
        found = self.catalogue.find(name)
        if found is None:
            raise UsageError(f"No voice '{name}' in the catalogue. See `reader voices --offline`.")
        return found

    def installed(self, voice: CatalogueVoice) -> bool:
        return all(self._present(file) for file in voice.files)

    def path(self, file: VoiceFile) -> Path:
        return self.root / file.name

    def disk_use(self) -> int:
        """Bytes of every voice file in the folder (parts being fetched included)."""
        if not self.root.is_dir():
            return 0
        return sum(path.stat().st_size for path in self.root.iterdir() if path.is_file())

    def install(
        self,
        voice: CatalogueVoice,
        progress: InstallProgress = lambda file, done, total: None,
        cancel: threading.Event | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        """Fetch every file `voice` lacks from the hub, each checked before it is kept."""
        cancel = cancel or threading.Event()
        owned = client is None
        client = client or httpx.Client(
            timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True
        )
        try:
            done = sum(file.size for file in voice.files if self._present(file))
            for file in voice.files:
                if self._present(file):
                    continue
                before = done
                fetch(
                    client,
                    f"{self.hub}/{file.path}",
                    file,
                    self.root,
                    lambda have, file=file, before=before: progress(  # type: ignore[misc]
                        file, before + have, voice.size
                    ),
                    cancel,
                )
                done = before + file.size
        finally:
            if owned:
                client.close()

    def install_from(self, voice: CatalogueVoice, files: list[Path]) -> None:
        """Install from files at hand (a machine without internet): each given file is
        matched to the voice's files by its sha256, checked and copied in."""
        wanted = {file.sha256: file for file in voice.files if not self._present(file)}
        for given in files:
            digest = _sha256(given)
            file = wanted.pop(digest, None)
            if file is None:
                names = ", ".join(f.name for f in voice.files)
                raise ChecksumMismatch(
                    f"{given} is none of {voice.name}'s files ({names}); nothing was installed."
                )
            self.root.mkdir(parents=True, exist_ok=True)
            part = self.root / f"{file.name}.part"
            shutil.copyfile(given, part)
            part.replace(self.path(file))
        if wanted:
            missing = ", ".join(file.name for file in wanted.values())
            raise NotFound(f"{voice.name} still needs {missing}.")

    def remove(self, voice: CatalogueVoice) -> int:
        """Delete `voice`'s files that no other installed voice needs; returns bytes freed."""
        kept = {
            file.name
            for other in self.catalogue.voices
            if other is not voice and self.installed(other)
            for file in other.files
        }
        freed = 0
        for file in voice.files:
            for path in (self.path(file), self.root / f"{file.name}.part"):
                if file.name not in kept and path.exists():
                    freed += path.stat().st_size
                    path.unlink()
        return freed

    def _present(self, file: VoiceFile) -> bool:
        # The size is checked on every look (cheap); the sha256 was checked on the way in.
        path = self.path(file)
        return path.is_file() and path.stat().st_size == file.size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
