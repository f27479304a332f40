"""Cache keys for translation legs: sha256 over an unambiguous encoding of all that fixes the output."""

import hashlib
import json
from typing import Any

from shared.re_data.text import normalise_sentence

# v2: the translator's output settings (backend, precision, truncation) joined the key.
KEY_VERSION = "roundtrip-leg-v2"


def normalise_source(text: str) -> str:
    """The cache's view of a source text (see `normalise_sentence`)."""
    return normalise_sentence(text)


def leg_cache_key(
    text: str,
    *,
    source_lang: str,
    target_lang: str,
    model: str,
    revision: str,
    decoding: dict[str, Any],
    output_settings: dict[str, Any],
) -> str:
    # A JSON array: every field is delimited and escaped, so no two inputs encode alike.
    payload = [
        KEY_VERSION, normalise_source(text), source_lang, target_lang, model, revision, decoding,
        output_settings,
    ]  # fmt: skip
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
