"""Voices to download: the catalogue in resources/voices.json, fetching a file with
resume and checks, and the folder of installed voices (no Qt)."""
