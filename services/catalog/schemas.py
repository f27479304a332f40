"""Request and response bodies of datasets."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DatasetCreate(BaseModel):
    """JSON upload: rows in any supported layout (KLUE JSON objects, HF layout, competition fields)."""

    name: str = Field(min_length=1, max_length=256)
    rows: list[dict[str, Any]] = Field(min_length=1)


class DatasetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    source_format: str
    row_count: int
    fingerprint: str
    label_counts: dict[str, int]
    entity_type_counts: dict[str, int]
    created_at: datetime


class DatasetList(BaseModel):
    items: list[DatasetRead]
    total: int
