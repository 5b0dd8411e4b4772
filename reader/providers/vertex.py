"""Vertex AI's Gemini speech: the Gemini body at a project's Vertex URL, Google auth."""

from __future__ import annotations

import os
import threading
from typing import Any

from reader.errors import KeyMissing, Remedy, UsageError
from reader.providers.gemini import GeminiSpeech
from reader.providers.http import HttpApi

MODELS = ("gemini-2.5-flash-tts", "gemini-2.5-pro-tts")
_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
_NEEDS_CREDENTIALS = (
    "Vertex AI needs Google credentials: install google-auth (pip install google-auth) "
    "and run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS "
    "to a service-account file;"
)
# Saving an express-mode key is the way that does not need Google's own tools.
_SAVE_A_KEY = Remedy(
    "or save an express-mode API key with `reader keys set vertex`.",
    "or save an express-mode API key in Settings → Keys.",
    "keys",
)


def vertex_base(project: str | None, location: str) -> str:
    """The models root for a project and location; `global` and the multi-regions have
    hosts of their own (providers.md §5). Without a project: express mode."""
    if location == "global":
        host = "aiplatform.googleapis.com"
    elif location in ("us", "eu"):
        host = f"aiplatform.{location}.rep.googleapis.com"
    else:
        host = f"{location}-aiplatform.googleapis.com"
    if not project:
        return f"https://{host}/v1beta1/publishers/google"
    return f"https://{host}/v1beta1/projects/{project}/locations/{location}/publishers/google"


class _GoogleToken:
    """Application Default Credentials (or GOOGLE_APPLICATION_CREDENTIALS' service
    account) through google-auth, refreshed before it expires."""

    def __init__(self) -> None:
        try:
            import google.auth
            import google.auth.transport.requests
        except ImportError:
            raise KeyMissing(_NEEDS_CREDENTIALS, _SAVE_A_KEY) from None
        try:
            credentials, project = google.auth.default(scopes=[_SCOPE])
        except Exception as error:  # DefaultCredentialsError and friends
            raise KeyMissing(
                f"{_NEEDS_CREDENTIALS[:-1]} ({type(error).__name__});", _SAVE_A_KEY
            ) from None
        self.project: str | None = project
        self._credentials: Any = credentials
        self._request: Any = google.auth.transport.requests.Request()
        self._lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        with self._lock:
            if not self._credentials.valid:
                self._credentials.refresh(self._request)
            return {"Authorization": f"Bearer {self._credentials.token}"}


def vertex_speech(base_url: str | None, api_key: str | None) -> GeminiSpeech:
    location = os.environ.get("GOOGLE_CLOUD_LOCATION", "global")
    if api_key is not None:  # express mode: a key, no project
        url = base_url or vertex_base(None, location)
        api = HttpApi("Vertex AI", "vertex", url, {"x-goog-api-key": api_key})
    else:
        token = _GoogleToken()
        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or token.project
        if not base_url and not project:
            raise UsageError("Set GOOGLE_CLOUD_PROJECT to the Google Cloud project to use.")
        url = base_url or vertex_base(project, location)
        api = HttpApi("Vertex AI", "vertex", url, auth=token.headers)
    provider = GeminiSpeech(api, "vertex", "Vertex AI")
    provider.model_names = MODELS
    return provider
