"""KLUE-RE rows as typed objects; field names follow the official `klue`/`re` layout."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Entity(BaseModel):
    """An entity mention; `end_idx` is inclusive: `sentence[start_idx:end_idx + 1] == word`."""

    model_config = ConfigDict(frozen=True)

    word: str
    start_idx: int
    end_idx: int
    type: str

    def span_in(self, sentence: str) -> str:
        return sentence[self.start_idx : self.end_idx + 1]


class TranslationLegInfo(BaseModel):
    """One translation leg of a back translation: which model turned which language into which."""

    model_config = ConfigDict(frozen=True)

    source_lang: str
    target_lang: str
    model: str
    revision: str


class Provenance(BaseModel):
    """Where an augmented row came from, enough to reproduce or audit it."""

    model_config = ConfigDict(frozen=True)

    source_id: str
    pivot: str
    legs: tuple[TranslationLegInfo, ...]
    decoding: dict[str, Any]
    strategy: str
    variant: int = 0
    pivot_text: str | None = None


class REExample(BaseModel):
    """One KLUE-RE row. `label` is None for unlabeled (test) rows."""

    model_config = ConfigDict(frozen=True)

    guid: str
    sentence: str
    subject_entity: Entity
    object_entity: Entity
    label: str | None
    source: str | None = None
    provenance: Provenance | None = Field(default=None)
