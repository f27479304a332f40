"""Settings of the translation engine: which model serves each direction, and how it runs."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir
from pydantic import Field

from shared.settings import CommonSettings

Backend = Literal["hf", "ct2"]


class EngineSettings(CommonSettings):
    """Every field maps to ROUNDTRIP_<NAME>; `.env.example` lists them all."""

    # One model per direction: a hub id or a local directory, plus a pinned revision.
    model_ko_en: str = "Helsinki-NLP/opus-mt-ko-en"
    revision_ko_en: str = "main"
    model_en_ko: str = "Helsinki-NLP/opus-mt-tc-big-en-ko"
    revision_en_ko: str = "main"
    # No opus-mt model covers ko↔ja (opus-mt-en-jap is not Japanese): M2M100 with a forced target.
    model_ko_ja: str = "facebook/m2m100_418M"
    revision_ko_ja: str = "main"
    model_ja_ko: str = "facebook/m2m100_418M"
    revision_ja_ko: str = "main"
    # Another MT system for one direction: "package.module:factory", where factory(spec, settings)
    # returns a Translator (services/augment/engine/translators/base.py). Empty: the model above.
    translator_ko_en: str | None = None
    translator_en_ko: str | None = None
    translator_ko_ja: str | None = None
    translator_ja_ko: str | None = None
    # Never reach a model hub; only local paths and the local HF cache are used.
    offline: bool = False

    # Translator backend: transformers (`hf`) or CTranslate2 (`ct2`), for every direction, or one
    # direction at a time (ROUNDTRIP_BACKEND_KO_EN=ct2 …).
    backend: Backend = "hf"
    backend_ko_en: Backend | None = None
    backend_en_ko: Backend | None = None
    backend_ko_ja: Backend | None = None
    backend_ja_ko: Backend | None = None
    # CTranslate2: the weights' quantization when converting (int8 on CPU; float16 or
    # int8_float16 on CUDA), the compute type when running ("default": as converted), the folder
    # converted models are kept in, and its threads (inter: translations in parallel; intra:
    # threads per translation, 0 = as many as cores).
    ct2_quantization: str = "int8"
    ct2_compute_type: str = "default"
    ct2_models_dir: Path = Field(default_factory=lambda: Path(user_cache_dir("roundtrip")) / "ct2")
    ct2_inter_threads: int = Field(default=1, ge=1)
    ct2_intra_threads: int = Field(default=0, ge=0)

    device: str = "cpu"
    dtype: Literal["float32", "float16", "bfloat16"] = "float32"
    max_tokens_per_batch: int = Field(default=8192, ge=16)
    max_batch_size: int = Field(default=64, ge=1)
    max_source_tokens: int = Field(default=256, ge=8)
    torch_threads: int | None = None

    # Quality gates for back-translated sentences.
    min_length_ratio: float = 0.5
    max_length_ratio: float = 2.0
    max_ngram_repeats: int = 3
    # Output's Hangul share of letters (entities left out) as a fraction of the source's own share.
    min_hangul_share: float = 0.5


@lru_cache
def get_engine_settings() -> EngineSettings:
    return EngineSettings()


class ServiceSettings(EngineSettings):
    """The REST service and its workers: limits, chunking, time limits, readiness."""

    # Uploads larger than this are refused with 413 before the body is read.
    max_upload_bytes: int = 50 * 1024 * 1024
    # Most texts in one POST /v1/translations/lookup.
    lookup_max_texts: int = 1000
    # Most texts in one POST /v1/translations (translated through the queue).
    translate_max_texts: int = 64
    # How long POST /v1/translations waits for a worker.
    translate_timeout_s: float = 60.0
    # Rows per chunk: the unit of work a worker takes.
    chunk_rows: int = Field(default=256, ge=1)
    # Hard time limit of one chunk; must stay below the broker's visibility timeout.
    chunk_time_limit_s: int = 1800
    # A chunk whose worker dies this many times fails its job.
    chunk_max_attempts: int = 3
    # Worker children are replaced once they use this much memory (KiB).
    worker_max_memory_per_child_kb: int = 12_000_000
    # Queues /readyz requires a live worker for.
    required_queues: str = "augment.en,augment.ja"
    # Mark the /ui session cookie Secure even when the request did not arrive over HTTPS (a TLS
    # proxy in front that does not say so); pages asked for over HTTPS always get Secure.
    ui_secure_cookie: bool = False
    # How long a /ui session lasts (hours); logging out or revoking its key ends it sooner.
    ui_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)


@lru_cache
def get_service_settings() -> ServiceSettings:
    return ServiceSettings()
