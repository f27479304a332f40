"""The entity-preservation interface, and the span bookkeeping every strategy shares.

Overlapping subject and object (one inside the other, or crossing) are handled as one *unit*:
the stretch of the source that covers both must reappear intact, and each entity keeps its
offset inside it. Disjoint entities are two units and must stay disjoint in the output.
"""

import itertools
from dataclasses import dataclass
from typing import Any, Protocol

from services.augment.engine.drops import DropReason
from shared.re_data.schema import Entity, REExample


@dataclass(frozen=True)
class Unit:
    start: int  # in the source sentence; end is exclusive
    end: int
    text: str


@dataclass(frozen=True)
class Prepared:
    text: str  # what is sent to the translator
    state: Any = None


@dataclass(frozen=True)
class Outcome:
    sentence: str  # the back-translated sentence as a reader sees it (placeholders restored)
    subject: Entity | None = None
    object: Entity | None = None
    reason: DropReason | None = None


class EntityStrategy(Protocol):
    name: str

    def prepare(self, example: REExample) -> Prepared | DropReason: ...

    def relocate(self, example: REExample, prepared: Prepared, translated: str) -> Outcome: ...


def units_of(example: REExample) -> list[Unit]:
    """One unit per entity, or a single unit when they overlap; sorted by position."""
    spans = sorted((e.start_idx, e.end_idx + 1) for e in (example.subject_entity, example.object_entity))
    (s1, e1), (s2, e2) = spans
    if s2 < e1:  # overlap or nesting
        spans = [(s1, max(e1, e2))]
    return [Unit(start, end, example.sentence[start:end]) for start, end in spans]


def place_entities(example: REExample, units: list[Unit], new_starts: list[int], sentence: str) -> Outcome:
    """Entities at their offsets inside the re-located units; checks every span."""
    ordered = sorted((start, start + len(unit.text)) for start, unit in zip(new_starts, units, strict=True))
    if any(end_a > start_b for (_, end_a), (start_b, _) in itertools.pairwise(ordered)):
        return Outcome(sentence, reason=DropReason.ENTITY_OVERLAP)
    placed = []
    for entity in (example.subject_entity, example.object_entity):
        index = next(i for i, u in enumerate(units) if u.start <= entity.start_idx < u.end)
        start = new_starts[index] + entity.start_idx - units[index].start
        moved = entity.model_copy(update={"start_idx": start, "end_idx": start + len(entity.word) - 1})
        assert moved.span_in(sentence) == entity.word, "re-located span must hold the entity word"
        placed.append(moved)
    return Outcome(sentence, subject=placed[0], object=placed[1])
