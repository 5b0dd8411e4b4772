"""Providers: one module per voice backend behind the protocol in `base`.

Each module speaks one family's wire protocol (see shared/providers.md) and turns its
answers into PCM blocks and typed errors; `http` holds what the HTTP ones share;
`registry` makes a provider from an id, a server and its key. May import `errors`,
`files`, `audio` and `keys`; never `reading`, `cli` or `ui`.
"""
