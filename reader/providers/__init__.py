"""Providers: one module per voice family behind the protocol in `base`."""
