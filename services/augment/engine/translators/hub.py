"""Whether loading a model may touch the hub: decided up front, for every backend (no torch here)."""

import socket
from urllib.parse import urlparse

from huggingface_hub import constants as hub_constants
from huggingface_hub import try_to_load_from_cache

from services.augment.engine.registry import ModelSpec
from services.augment.engine.translators.base import ModelUnavailableError

HUB_PROBE_TIMEOUT_S = 3.0


def cached_locally(spec: ModelSpec) -> bool:
    """True when the hub model's files are in the local Hugging Face cache."""
    return isinstance(try_to_load_from_cache(spec.model, "config.json", revision=spec.revision), str)


def local_files_only(spec: ModelSpec, offline: bool) -> bool:
    """Decide up front whether loading may touch the network, so a missing model fails at once
    with a clear message instead of retrying against an unreachable hub."""
    if spec.is_local or offline or hub_constants.HF_HUB_OFFLINE:
        return True
    if cached_locally(spec):
        return True
    endpoint = urlparse(hub_constants.ENDPOINT)
    try:
        socket.create_connection(
            (endpoint.hostname or "", endpoint.port or 443), timeout=HUB_PROBE_TIMEOUT_S
        ).close()
    except OSError as error:
        raise ModelUnavailableError(
            spec.model,
            spec.setting,
            f"not in the local cache and {endpoint.hostname} is unreachable: {error}",
        ) from None
    return False
