"""Voices to download: the catalogue in resources/voices.json, fetching a file with
resume and checks, the folder of installed voices, and the licences of the offline voices
on this computer (no Qt)."""
