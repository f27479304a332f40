"""Label-free descriptors of rows, for telling validation rows from test rows (covariate shift):
source, entity types, lengths, entity order, and whether each entity word, and the pair, occurs
in training (a model reads rows it has seen the entities of very differently)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from shared.re_data.schema import REExample

SOURCES = ("wikipedia", "wikitree", "policy_briefing")
ENTITY_TYPES = ("PER", "ORG", "LOC", "DAT", "POH", "NOH")


@dataclass(frozen=True)
class TrainingEntities:
    """The entity words (either role) and subject-object pairs a model was trained on."""

    words: frozenset[str] = field(default_factory=frozenset)
    pairs: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, rows: Sequence[REExample]) -> "TrainingEntities":
        return cls(
            frozenset(w for row in rows for w in (row.subject_entity.word, row.object_entity.word)),
            frozenset((row.subject_entity.word, row.object_entity.word) for row in rows),
        )


def covariates(rows: Sequence[REExample], seen: TrainingEntities) -> np.ndarray:
    """One row of features per example (one-hot and scaled numbers; no label, no model output)."""
    features = []
    for row in rows:
        subject, obj = row.subject_entity, row.object_entity
        source = [float(row.source == name) for name in SOURCES] + [float(row.source not in SOURCES)]
        types = [float(subject.type == t) for t in ENTITY_TYPES] + [
            float(obj.type == t) for t in ENTITY_TYPES
        ]
        shape = [
            np.log1p(len(row.sentence)) / 5,
            np.log1p(abs(subject.start_idx - obj.start_idx)) / 5,
            float(subject.start_idx < obj.start_idx),
            float(subject.word in seen.words),
            float(obj.word in seen.words),
            float((subject.word, obj.word) in seen.pairs),
        ]
        features.append(source + types + shape)
    return np.array(features, dtype=float).reshape(len(rows), -1)
