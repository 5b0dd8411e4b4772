"""Audio: decoding provider bytes, the playback buffer, the output device and export."""
