"""Reader: a desktop voice reader."""

__version__ = "0.1.0"

# One reverse-DNS id for the desktop file, icon, QSettings and the keyring service.
APP_ID = "io.github.reader.Reader"
APP_NAME = "Reader"
