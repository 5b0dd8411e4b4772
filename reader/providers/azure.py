"""Azure OpenAI speech: OpenAI's body at a deployment URL, with an `api-key` header."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

from reader.errors import UsageError
from reader.providers.http import HttpApi
from reader.providers.openai import OpenAISpeech

DEFAULT_API_VERSION = "2025-03-01-preview"


def azure_speech(base_url: str, key: str) -> OpenAISpeech:
    """A provider for either Azure URL shape:

    - deployment style: https://RESOURCE.openai.azure.com/openai/deployments/NAME
      (`?api-version=` kept if given, else a recent one); the deployment is the model;
    - v1: https://RESOURCE.openai.azure.com/openai/v1, with the deployment given as -m.
    """
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/").removesuffix("/audio/speech")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    segments = path.split("/")
    params: dict[str, str] | None
    if "deployments" in segments and segments.index("deployments") + 1 < len(segments):
        deployment = segments[segments.index("deployments") + 1]
        params = {"api-version": query.get("api-version", DEFAULT_API_VERSION)}
    elif path.endswith("/openai/v1"):
        deployment = ""
        params = {"api-version": query["api-version"]} if "api-version" in query else None
    else:
        raise UsageError(
            "An Azure address looks like https://RESOURCE.openai.azure.com/openai/deployments/"
            "DEPLOYMENT or https://RESOURCE.openai.azure.com/openai/v1 (then -m DEPLOYMENT)."
        )
    root = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    name = f"Azure OpenAI ({parts.hostname})"
    api = HttpApi(name, "azure", root, {"api-key": key})
    return OpenAISpeech(api, "azure", name, params=params, sse=False, deployment=deployment)
