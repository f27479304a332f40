"""What every model-backed translator shares: its identity for cache keys, truncated tokenisation,
the batching plan (identical sources once, length-sorted batches under a token budget), and the
results back in input order. A backend only says how to decode one planned batch."""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import (
    COMMIT,
    ModelSpec,
    effective_revision,
    output_settings,
    public_name,
)
from services.augment.engine.translators.batching import plan_batches


def row_seed(seed: int, text: str) -> int:
    """The sampling seed of one row: stable across processes, batches and machines."""
    return int.from_bytes(hashlib.sha256(f"{seed}\x00{text}".encode()).digest()[:4], "big")


# Decodes one batch of token ids: one list of `num_return_sequences` outputs per input.
BatchDecoder = Callable[[list[list[int]]], list[list[str]]]


class PlannedTranslator(ABC):
    def __init__(self, spec: ModelSpec, settings: EngineSettings):
        self.spec, self.settings = spec, settings
        self.source_lang, self.target_lang = spec.source_lang, spec.target_lang
        self.model, self._revision = public_name(spec.model), effective_revision(spec)
        self.output_settings = output_settings(settings, spec)
        self.generate_calls = 0  # batches sent to the model

    @property
    def revision(self) -> str:
        """The resolved commit; a hub model known only by a moving ref (not downloaded yet) is
        loaded first, so no output is ever keyed under `main`."""
        if not self.spec.is_local and not COMMIT.fullmatch(self._revision):
            self.tokenizer()
            self._revision = effective_revision(self.spec)
        return self._revision

    @abstractmethod
    def tokenizer(self) -> Any:
        """The model's tokenizer (loading the model on first use)."""

    @abstractmethod
    def batch_decoder(self, decoding: DecodingSettings) -> BatchDecoder:
        """How this backend decodes one batch with these settings (seeded once per call)."""

    def translate(self, texts: Sequence[str], decoding: DecodingSettings) -> list[list[str]]:
        if not texts:
            return []
        tokenizer = self.tokenizer()
        limit = self.settings.max_source_tokens
        encoded = tokenizer(list(texts), truncation=True, max_length=limit)["input_ids"]
        plan = plan_batches(
            texts,
            [len(ids) for ids in encoded],
            max_tokens=self.settings.max_tokens_per_batch,
            max_batch_size=self.settings.max_batch_size,
        )
        first_of = {u: i for i, u in reversed(list(enumerate(plan.index_of)))}
        unique_outputs: list[list[str]] = [[] for _ in plan.unique_texts]
        if decoding.mode is DecodingMode.SAMPLE:
            # One seed per row (from the call's seed and the row's text), decoded on its own: a
            # sampled output is the same whatever rows share its call, as its cache key promises.
            for unique_index, text in enumerate(plan.unique_texts):
                seeded = decoding.model_copy(update={"seed": row_seed(decoding.seed, text)})
                unique_outputs[unique_index] = self.batch_decoder(seeded)([encoded[first_of[unique_index]]])[
                    0
                ]
                self.generate_calls += 1
            return [unique_outputs[u] for u in plan.index_of]
        decode = self.batch_decoder(decoding)
        for batch in plan.batches:
            outputs = decode([encoded[first_of[u]] for u in batch])
            self.generate_calls += 1
            for unique_index, output in zip(batch, outputs, strict=True):
                unique_outputs[unique_index] = output
        return [unique_outputs[u] for u in plan.index_of]
