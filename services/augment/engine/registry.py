"""Which model serves which translation direction; no torch needed to ask."""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from services.augment.config import EngineSettings

LANGUAGES = ("ko", "en", "ja")
PIVOTS = ("en", "ja")


@dataclass(frozen=True)
class ModelSpec:
    """One direction's model: `model` is a hub id or a local directory."""

    source_lang: str
    target_lang: str
    model: str
    revision: str
    setting: str  # the environment variable that overrides it
    backend: str = "hf"  # hf (transformers) or ct2 (CTranslate2)

    @property
    def direction(self) -> str:
        return f"{self.source_lang}-{self.target_lang}"

    @property
    def is_local(self) -> bool:
        return Path(self.model).expanduser().is_dir()


def model_spec(settings: EngineSettings, source_lang: str, target_lang: str) -> ModelSpec:
    name = f"{source_lang}_{target_lang}"
    if not hasattr(settings, f"model_{name}"):
        raise ValueError(f"no translation direction {source_lang}→{target_lang}")
    return ModelSpec(
        source_lang=source_lang,
        target_lang=target_lang,
        model=getattr(settings, f"model_{name}"),
        revision=getattr(settings, f"revision_{name}"),
        setting=f"ROUNDTRIP_MODEL_{name.upper()}",
        backend=getattr(settings, f"backend_{name}") or settings.backend,
    )


def output_settings(settings: EngineSettings, spec: ModelSpec) -> dict[str, Any]:
    """Everything besides the model, its revision and the decoding settings that changes what a
    leg outputs: the backend and its number format, and where long sources are cut. Part of every
    leg's cache key, so outputs of different backends or precisions never stand in for each other."""
    common: dict[str, Any] = {"backend": spec.backend, "max_source_tokens": settings.max_source_tokens}
    if spec.backend == "ct2":
        return common | {"quantization": settings.ct2_quantization, "compute_type": settings.ct2_compute_type}
    return common | {"dtype": settings.dtype}


def pivot_legs(settings: EngineSettings, pivot: str) -> tuple[ModelSpec, ModelSpec]:
    """ko→pivot and pivot→ko."""
    if pivot not in PIVOTS:
        raise ValueError(f"unsupported pivot {pivot!r}; choose from {', '.join(PIVOTS)}")
    return model_spec(settings, "ko", pivot), model_spec(settings, pivot, "ko")


def effective_revision(spec: ModelSpec) -> str:
    """The revision that goes into cache keys: the pinned one, or a content hash for a local copy."""
    return (
        _local_fingerprint(str(Path(spec.model).expanduser().resolve())) if spec.is_local else spec.revision
    )


@cache
def _local_fingerprint(directory: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(directory).iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0")
            with path.open("rb") as stream:
                while block := stream.read(1 << 20):
                    digest.update(block)
    return "sha256:" + digest.hexdigest()[:16]
