"""The translator interface: the engine, tests and the API's workers all speak this."""

from collections.abc import Sequence
from typing import Any, Protocol

from services.augment.engine.decoding import DecodingSettings


class Translator(Protocol):
    """Translates one direction. Returns `num_return_sequences` outputs per input, in input order."""

    source_lang: str
    target_lang: str
    model: str

    @property
    def revision(self) -> str:
        """The exact version behind every output: a commit, a content hash, a version string."""
        ...

    # What else changes the output (backend, precision, truncation): part of the cache key.
    output_settings: dict[str, Any]

    def translate(self, texts: Sequence[str], decoding: DecodingSettings) -> list[list[str]]: ...


class ModelUnavailableError(RuntimeError):
    """A model could not be loaded; the message names it and the setting that points at a copy."""

    def __init__(self, model: str, setting: str, reason: str):
        self.model, self.setting = model, setting
        super().__init__(
            f"model {model!r} is not available ({reason}). Download it where you have network "
            f"access and set {setting}=/path/to/local/copy (or run `roundtrip models build-tiny`)."
        )
