"""Audio: decoding provider bytes, the playback buffer, the output device and export.

Owns PCM and everything that touches it below a reading: `format` (rates, blocks),
`decode`/`sse` (bytes as servers send them → PCM), `buffer` (the only thing the audio
callback shares), `output` (PortAudio), `export` (files). May import `errors` only.
"""
