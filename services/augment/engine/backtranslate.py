"""Back-translate KLUE-RE rows through one pivot, keeping their entities, dropping what fails."""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from services.augment.engine.cached_leg import CachedLeg
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.drops import DropReason
from services.augment.engine.entities.base import EntityStrategy, Outcome, Prepared
from services.augment.engine.quality import QualityGates
from shared.re_data.schema import Provenance, REExample, TranslationLegInfo


@dataclass(frozen=True)
class DroppedRow:
    source_id: str
    pivot: str
    variant: int
    reason: DropReason
    candidate: str | None = None


@dataclass
class PivotResult:
    pivot: str
    rows: list[REExample] = field(default_factory=list)
    drops: list[DroppedRow] = field(default_factory=list)


def settle(
    example: REExample, ready: Prepared, translated: str, strategy: EntityStrategy, gates: QualityGates
) -> tuple[Outcome, DropReason | None]:
    """One returned sentence: its entities re-located and the gates applied; the reason to drop
    it, or None to keep it."""
    # Models may emit decomposed Hangul (NFD); every check below reads composed text.
    outcome = strategy.relocate(example, ready, unicodedata.normalize("NFC", translated))
    words = (example.subject_entity.word, example.object_entity.word)
    return outcome, gates.check(example.sentence, outcome.sentence, words) or outcome.reason


def back_translate(
    examples: Sequence[REExample],
    *,
    pivot: str,
    forward: CachedLeg,
    backward: CachedLeg,
    strategy: EntityStrategy,
    gates: QualityGates,
    decoding: DecodingSettings,
    variants: int = 1,
    progress: Callable[[str, int], None] | None = None,
    produced_by: str | None = None,
) -> PivotResult:
    """ko→pivot (`variants` outputs each), pivot→ko (one each), then entities and quality gates."""
    result = PivotResult(pivot)
    prepared: list[tuple[REExample, Prepared]] = []
    for example in examples:
        ready = strategy.prepare(example)
        if isinstance(ready, DropReason):
            result.drops.append(DroppedRow(example.guid, pivot, 0, ready))
        else:
            prepared.append((example, ready))

    def report(leg: CachedLeg) -> Callable[[int], None] | None:
        return (lambda done: progress(leg.name, done)) if progress else None

    forward_decoding, backward_decoding = decoding.with_returns(variants), decoding.with_returns(1)
    pivots = forward.translate([p.text for _, p in prepared], forward_decoding, report(forward), produced_by)
    flat = [text for outputs in pivots for text in outputs]
    returned = iter(backward.translate(flat, backward_decoding, report(backward), produced_by))
    decoding_used = {"forward": forward_decoding.canonical(), "backward": backward_decoding.canonical()}
    legs = tuple(
        TranslationLegInfo(
            source_lang=leg.translator.source_lang,
            target_lang=leg.translator.target_lang,
            model=leg.translator.model,
            revision=leg.translator.revision,
        )
        for leg in (forward, backward)
    )
    for (example, ready), pivot_texts in zip(prepared, pivots, strict=True):
        seen: set[str] = set()
        for variant, pivot_text in enumerate(pivot_texts):
            outcome, reason = settle(example, ready, next(returned)[0], strategy, gates)
            if reason is None and outcome.sentence in seen:
                reason = DropReason.DUPLICATE_VARIANT
            if reason is not None:
                result.drops.append(DroppedRow(example.guid, pivot, variant, reason, outcome.sentence))
                continue
            seen.add(outcome.sentence)
            assert outcome.subject is not None and outcome.object is not None
            result.rows.append(
                example.model_copy(
                    update={
                        "guid": f"{example.guid}:bt-{pivot}-{variant}",
                        "sentence": outcome.sentence,
                        "subject_entity": outcome.subject,
                        "object_entity": outcome.object,
                        "provenance": Provenance(
                            source_id=example.guid,
                            pivot=pivot,
                            legs=legs,
                            decoding=decoding_used,
                            strategy=strategy.name,
                            variant=variant,
                            pivot_text=pivot_text,
                        ),
                    }
                )
            )
    return result
