"""Reader: a desktop voice reader.

The packages are its layers, lowest first; each may import only the ones above it in this
list (tests/test_layering.py holds them to it), and nothing above `ui` imports Qt:

- `errors`, `files`, `licences`: the errors a person reads, where files live, and the
  licences of what Reader runs on (import nothing but the package root).
- `audio`: PCM, decoding provider bytes, the playback buffer, the output device, export.
- `keys`: the keyring, which host a key may go to, redaction, plain-http rules.
- `text`: sentences with offsets, Markdown read as prose, pronunciations, subtitles.
- `voices`: the catalogue of voices to download, fetching them checked, the installed ones.
- `providers`: one module per voice backend behind one protocol, and their registry.
- `settings`, `logs`: what a person chose, and logging without keys.
- `reading`: a Reading (plan → requests ahead of playback → audio out), its cache, cost
  and export.
- `cli`: the terminal's face (`reader speak`, `keys`, `voices`…).
- `ui`: the window, its dialogs and the Player that binds them to a Reading (Qt).
- `desktop` (beside `ui`, neither imports the other): system-wide shortcuts, MPRIS and the
  Wayland selection (Qt, platform libraries).
- `app`: the composition root that makes and wires them.
"""

__version__ = "0.1.0"

# One reverse-DNS id for the desktop file, icon, QSettings and the keyring service.
APP_ID = "io.github.reader.Reader"
APP_NAME = "Reader"
