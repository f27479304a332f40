"""Decoding settings: always passed to `generate` in full, and canonicalised for cache keys."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DecodingMode(StrEnum):
    GREEDY = "greedy"
    BEAM = "beam"
    SAMPLE = "sample"


class DecodingSettings(BaseModel):
    """How one leg decodes. Model configs carry their own defaults (opus-mt: `num_beams: 6`);
    we never inherit them silently, so a cached output always says how it was made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: DecodingMode = DecodingMode.BEAM
    num_beams: int = Field(default=4, ge=1, le=32)
    top_k: int = Field(default=0, ge=0, le=100_000, description="0 disables top-k (sampling only)")
    top_p: float = Field(default=1.0, gt=0.0, le=1.0, description="sampling only")
    temperature: float = Field(default=1.0, gt=0.0, le=100.0, description="sampling only")
    num_return_sequences: int = Field(default=1, ge=1, le=16)
    max_new_tokens: int = Field(default=256, ge=1, le=1024)
    min_new_tokens: int = Field(default=0, ge=0, le=1024)
    repetition_penalty: float = Field(default=1.0, gt=0.0, le=100.0)
    no_repeat_ngram_size: int = Field(default=0, ge=0, le=64)
    length_penalty: float = Field(default=1.0, ge=-100.0, le=100.0)
    # Seeds every sampled row on its own (with the row's text), so an output never depends on
    # its batch-mates; within what torch and numpy accept.
    seed: int = Field(default=0, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _consistent(self) -> "DecodingSettings":
        if self.mode is DecodingMode.BEAM and self.num_return_sequences > self.num_beams:
            raise ValueError("beam search returns at most num_beams sequences")
        if self.min_new_tokens > self.max_new_tokens:
            raise ValueError("min_new_tokens exceeds max_new_tokens")
        return self

    def with_returns(self, count: int) -> "DecodingSettings":
        beams = max(self.num_beams, count) if self.mode is DecodingMode.BEAM else self.num_beams
        return self.model_copy(update={"num_return_sequences": count, "num_beams": beams})

    def canonical(self) -> dict[str, Any]:
        """Only the fields that change the output, so equivalent settings share cache rows."""
        fields: dict[str, Any] = {
            "mode": self.mode.value,
            "num_return_sequences": self.num_return_sequences,
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
        }
        if self.mode is DecodingMode.BEAM:
            fields |= {"num_beams": self.num_beams, "length_penalty": self.length_penalty}
        if self.mode is DecodingMode.SAMPLE:
            fields |= {"top_k": self.top_k, "top_p": self.top_p, "temperature": self.temperature}
            fields["seed"] = self.seed
        return fields

    def generate_kwargs(self) -> dict[str, Any]:
        """Every knob `generate` reads, so no model default leaks in."""
        sampling = self.mode is DecodingMode.SAMPLE
        return {
            "do_sample": sampling,
            "num_beams": self.num_beams if self.mode is DecodingMode.BEAM else 1,
            "top_k": self.top_k if sampling else None,
            "top_p": self.top_p if sampling else None,
            "temperature": self.temperature if sampling else None,
            "num_return_sequences": self.num_return_sequences,
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
            "max_length": None,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "length_penalty": self.length_penalty,
            "early_stopping": self.mode is DecodingMode.BEAM,
        }
