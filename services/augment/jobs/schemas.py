"""Request and response shapes of the REST API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.augment.engine.decoding import DecodingSettings
from shared.fields import Id, ModelName, Pivot, Revision, Text


class AugmentationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_id: Id
    pivots: list[Pivot] = Field(min_length=1, max_length=2)
    decoding: DecodingSettings = DecodingSettings()
    variants: int = Field(default=1, ge=1, le=16)
    strategy: Literal["locate", "protect"] = "locate"


class PivotProgress(BaseModel):
    chunks_done: int
    chunks_total: int
    sentences_done: int
    sentences_total: int
    rows_out: int


class AugmentationRead(BaseModel):
    id: str
    dataset_id: str
    state: str
    request: dict[str, Any]
    progress: dict[str, PivotProgress]
    cache_hit_ratio: float | None
    cache_hits: int
    cache_misses: int
    drops: dict[str, dict[str, int]]  # pivot → reason → count
    eta_seconds: float | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class AugmentationList(BaseModel):
    items: list[AugmentationRead]
    total: int


class TranslationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_lang: Literal["ko", "en", "ja"]
    target_lang: Literal["ko", "en", "ja"]
    texts: list[Text] = Field(min_length=1)
    decoding: DecodingSettings = DecodingSettings()
    model: ModelName | None = Field(default=None, description="default: the model the workers serve")
    revision: Revision | None = None


class TranslationHit(BaseModel):
    text: str
    outputs: list[str]


class LookupResult(BaseModel):
    model: str
    revision: str
    hits: list[TranslationHit]
    misses: list[str]


class TranslationResult(BaseModel):
    model: str
    revision: str
    translations: list[TranslationHit]
    from_cache: int
    translated: int


class ModelInfo(BaseModel):
    direction: str
    model: str
    revision: str
    licence: str
    setting: str
    live_worker: bool
