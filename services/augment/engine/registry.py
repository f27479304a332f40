"""Which model serves which translation direction; no torch needed to ask."""

import hashlib
import os
import re
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
    translator: str | None = None  # "module:factory" of a plugged-in MT system, if any

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
        translator=getattr(settings, f"translator_{name}"),
    )


def output_settings(settings: EngineSettings, spec: ModelSpec) -> dict[str, Any]:
    """Everything besides the model, its revision and the decoding settings that changes what a
    leg outputs: the backend and its number format, and where long sources are cut. Part of every
    leg's cache key, so outputs of different backends or precisions never stand in for each other."""
    if spec.translator:  # a plugged-in system: its import path is its identity
        return {"translator": spec.translator, "max_source_tokens": settings.max_source_tokens}
    common: dict[str, Any] = {"backend": spec.backend, "max_source_tokens": settings.max_source_tokens}
    if spec.backend == "ct2":
        return common | {"quantization": settings.ct2_quantization, "compute_type": settings.ct2_compute_type}
    return common | {"dtype": settings.dtype}


def pivot_legs(settings: EngineSettings, pivot: str) -> tuple[ModelSpec, ModelSpec]:
    """ko→pivot and pivot→ko."""
    if pivot not in PIVOTS:
        raise ValueError(f"unsupported pivot {pivot!r}; choose from {', '.join(PIVOTS)}")
    return model_spec(settings, "ko", pivot), model_spec(settings, pivot, "ko")


def public_name(model: str) -> str:
    """How a model is named in keys, provenance and responses: a hub id as it is; a local copy by
    its folder's name (its content hash is its revision), so no server path leaves the server."""
    path = Path(model).expanduser()
    if path.is_absolute() or model.startswith((".", "~")) or path.is_dir():
        return f"local/{path.name}"
    return model


def effective_revision(spec: ModelSpec) -> str:
    """The revision that goes into cache keys: a content hash for a local copy; for a hub model
    the commit its revision names (a moving ref such as `main` is resolved through the local
    Hugging Face cache), or the name itself while the model is not downloaded yet."""
    if spec.is_local:
        return _local_fingerprint(str(Path(spec.model).expanduser().resolve()))
    return resolved_commit(spec.model, spec.revision)


COMMIT = re.compile(r"[0-9a-f]{40}")


def resolved_commit(model: str, revision: str) -> str:
    if COMMIT.fullmatch(revision):
        return revision
    ref = hub_cache_dir() / f"models--{model.replace('/', '--')}" / "refs" / revision
    try:
        commit = ref.read_text(encoding="utf-8").strip()
    except OSError:
        return revision
    return commit if COMMIT.fullmatch(commit) else revision


def hub_cache_dir() -> Path:
    """Where huggingface_hub keeps models (its own rules, without importing it here)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or str(
        Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "huggingface"
    )
    return Path(home).expanduser() / "hub"


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
