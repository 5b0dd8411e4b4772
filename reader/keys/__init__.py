"""Keys: where they are kept and where they may go.

`store` reads and writes the OS keyring and hands a key out only for the host it was saved
for; `transport` says where Reader may connect at all (https anywhere, plain http only to
this machine or a LAN); `redact` keeps keys out of logs and messages. May import `errors`
and `files` only: nothing here knows about voices or readings.
"""
