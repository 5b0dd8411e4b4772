"""The command line: `reader speak | voices | providers | keys | cache | gui`.

`main` parses and runs a command, `keys` moves keys in and out of the keyring, `clipboard`
reads the clipboard and selection through the platform's tools. May import every core
layer; only `reader gui` reaches up, to `app`, and only when it runs.
"""
