"""Train/validation splits that cannot leak, by construction.

- Validation holds original rows only, stratified by label and grouped by sentence: rows that
  share a sentence (7,090 of KLUE-RE's 32,470 do) always land on the same side. With
  `group_by="entity_cluster"`, rows linked by a shared sentence or a shared subject or object word
  form one group, so no validation entity word is seen in training unless it is common (in more
  than COMMON_WORD_ROWS rows), as a competition's test entities mostly are unseen.
- An augmented row enters training only if its source row is in training, and never if its text
  happens to equal a validation sentence. Validation never holds augmented rows.
`check_no_leak` re-verifies all of this on every split; a violation raises LeakageError.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from shared.re_data.identity import PairKey, pair_key
from shared.re_data.schema import REExample
from shared.re_data.text import normalise_sentence


class LeakageError(ValueError):
    """A split would let validation information into training."""


@dataclass(frozen=True)
class Split:
    train: list[REExample]
    validation: list[REExample]
    seed: int
    augmented_used: int
    augmented_skipped: int
    validation_groups: list[str] = field(default_factory=list)  # each validation row's group, for bootstraps

    def sizes(self) -> dict[str, int]:
        return {
            "train": len(self.train),
            "validation": len(self.validation),
            "augmented_used": self.augmented_used,
            "augmented_skipped": self.augmented_skipped,
        }


def sentence_key(example: REExample) -> str:
    return normalise_sentence(example.sentence)


def split(
    originals: Sequence[REExample],
    augmented: Sequence[REExample] = (),
    *,
    validation_fraction: float = 0.1,
    seed: int = 42,
    group_by: str = "sentence",
    excluded: Collection[str] = frozenset(),
) -> Split:
    """`excluded`: ids of rows whose groups must stay in training (another fold's validation, see
    `fold_splits`); `validation_fraction` stays a share of all the original rows."""
    if any(example.provenance is not None for example in originals):
        raise LeakageError("original rows must not carry provenance: pass augmented rows separately")
    if not 0 < validation_fraction < 0.5:
        raise ValueError("validation_fraction must be between 0 and 0.5")
    if any(e.label is None for e in originals):
        raise ValueError("every row needs a label to be split for training")
    group_of = group_keys(originals, group_by)
    held_out = _grouped_stratified_holdout(originals, validation_fraction, seed, group_of, set(excluded))
    train = [e for e in originals if e.guid not in held_out]
    validation = [e for e in originals if e.guid in held_out]

    train_ids = {e.guid for e in train}
    known_ids = train_ids | {e.guid for e in validation}
    validation_sentences = {sentence_key(e) for e in validation}
    used = skipped = 0
    for row in augmented:
        if row.provenance is None or row.provenance.source_id not in known_ids:
            raise LeakageError(f"augmented row {row.guid!r} does not come from a row of this dataset")
        if row.provenance.source_id in train_ids and sentence_key(row) not in validation_sentences:
            train.append(row)
            used += 1
        else:
            skipped += 1
    result = Split(train, validation, seed, used, skipped, [group_of[e.guid] for e in validation])
    check_no_leak(result)
    if group_by == "entity_cluster":
        common = common_words(originals)
        validation_words = {
            w for e in validation for w in (e.subject_entity.word, e.object_entity.word)
        } - common
        if any(w in validation_words for e in train for w in (e.subject_entity.word, e.object_entity.word)):
            raise LeakageError(
                "an entity word that is not common sits on both sides of an entity-cluster split"
            )
    return result


def check_folds_fit(folds: int, validation_fraction: float) -> None:
    """Each calibration fold holds out its own share of the rows: they must fit in the data."""
    if folds < 1 or folds * validation_fraction >= 1:
        raise ValueError(
            f"estimate_folds {folds} × validation_fraction {validation_fraction} must be at least 1 "
            "fold and stay below 1 (each fold holds out its own validation rows)"
        )


def fold_splits(
    originals: Sequence[REExample],
    augmented: Sequence[REExample],
    first: Split,
    folds: int,
    *,
    validation_fraction: float,
    seed: int,
    group_by: str,
) -> list[Split]:
    """`first` and `folds` − 1 more splits whose validations are disjoint from each other and from
    `first`'s, each as large a share of the rows and each as unseen by its own training: the
    calibration folds of services.evidence.folds (the predicted test score is read off each)."""
    check_folds_fit(folds, validation_fraction)
    splits, taken = [first], {row.guid for row in first.validation}
    for k in range(1, folds):
        fold = split(originals, augmented, validation_fraction=validation_fraction, seed=seed + k,
                     group_by=group_by, excluded=taken)  # fmt: skip
        if not fold.validation:
            raise ValueError(f"no rows are left for calibration fold {k + 1}: use fewer estimate_folds")
        splits.append(fold)
        taken |= {row.guid for row in fold.validation}
    return splits


def group_keys(rows: Sequence[REExample], group_by: str) -> dict[str, str]:
    """Each row's group (guid → key): rows of one group always land on the same side."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}; use one of {', '.join(GROUPINGS)}")
    return GROUPINGS[group_by](rows)


def row_groups(rows: Sequence[REExample], group_by: str = "entity_cluster") -> np.ndarray:
    """Each row's group key, in row order (rows sharing an id share a group)."""
    keys = group_keys(rows, group_by)
    return np.array([keys[row.guid] for row in rows])


def row_copies(rows: Sequence[REExample]) -> np.ndarray:
    """Each row's index among the distinct rows (`pair_key`): a test file may repeat a row, and its
    copies have one gold label."""
    seen: dict[PairKey, int] = {}
    return np.array([seen.setdefault(pair_key(row), len(seen)) for row in rows], dtype=int)


def _sentence_groups(rows: Sequence[REExample]) -> dict[str, str]:
    return {row.guid: sentence_key(row) for row in rows}


COMMON_WORD_ROWS = 10  # an entity word in more rows than this is common (a country, a party, a date)


def _entity_cluster_groups(rows: Sequence[REExample]) -> dict[str, str]:
    """Union-find over rows linked by a shared sentence, or a shared subject or object word (in
    either role). Common words (in more than COMMON_WORD_ROWS rows: 대한민국, 더불어민주당, 2019년 …)
    do not link: through them nearly every row would join one giant cluster (17,848 of KLUE-RE's
    32,470 rows at 80), and a test has them too."""
    parent: dict[str, str] = {}
    common = common_words(rows)

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for row in rows:
        for word in {row.subject_entity.word, row.object_entity.word} - common:
            parent[find("word:" + word)] = find("sentence:" + sentence_key(row))
    return {row.guid: find("sentence:" + sentence_key(row)) for row in rows}


def common_words(rows: Sequence[REExample]) -> set[str]:
    counts = Counter(w for row in rows for w in {row.subject_entity.word, row.object_entity.word})
    return {word for word, count in counts.items() if count > COMMON_WORD_ROWS}


def seen_entity_shares(train: Sequence[REExample], validation: Sequence[REExample]) -> dict[str, float]:
    """Shares of validation rows whose subject word, object word, either, or (subject, object)
    pair occurs in training (a word in either role)."""
    words = {w for row in train for w in (row.subject_entity.word, row.object_entity.word)}
    pairs = {(row.subject_entity.word, row.object_entity.word) for row in train}
    n = max(len(validation), 1)
    subject = sum(row.subject_entity.word in words for row in validation)
    obj = sum(row.object_entity.word in words for row in validation)
    either = sum(row.subject_entity.word in words or row.object_entity.word in words for row in validation)
    pair = sum((row.subject_entity.word, row.object_entity.word) in pairs for row in validation)
    return {"subject": subject / n, "object": obj / n, "either": either / n, "pair": pair / n}


GROUPINGS: dict[str, Callable[[Sequence[REExample]], dict[str, str]]] = {
    "sentence": _sentence_groups,
    "entity_cluster": _entity_cluster_groups,
}


def _grouped_stratified_holdout(
    originals: Sequence[REExample],
    fraction: float,
    seed: int,
    group_of: dict[str, str],
    excluded: set[str] | None = None,
) -> set[str]:
    """Ids of the validation rows: whole groups, drawn per label so the label mix holds.

    Each group counts under its most common label; within a label its groups are shuffled with
    `seed` and taken while they bring that label closer to its share (a big group that would
    overshoot by more than half its size is passed over). A group holding an `excluded` row is
    never taken, and the shares stay shares of all the rows."""
    groups: dict[str, list[REExample]] = defaultdict(list)
    for example in originals:
        groups[group_of[example.guid]].append(example)
    by_label: dict[str, list[list[REExample]]] = defaultdict(list)
    for members in groups.values():
        by_label[Counter(str(e.label) for e in members).most_common(1)[0][0]].append(members)
    generator = random.Random(seed)
    held_out: set[str] = set()
    for label in sorted(by_label):
        label_groups = sorted(by_label[label], key=lambda members: members[0].guid)
        generator.shuffle(label_groups)
        target, taken = fraction * sum(len(members) for members in label_groups), 0
        if excluded:
            label_groups = [group for group in label_groups if not any(e.guid in excluded for e in group)]
        for members in label_groups:
            if taken >= target:
                break
            if taken + len(members) / 2 > target:
                continue
            held_out.update(e.guid for e in members)
            taken += len(members)
    return held_out


def check_no_leak(result: Split) -> None:
    if any(e.provenance is not None for e in result.validation):
        raise LeakageError("validation holds augmented rows")
    validation_sentences = {sentence_key(e) for e in result.validation}
    shared = [e.guid for e in result.train if sentence_key(e) in validation_sentences]
    if shared:
        raise LeakageError(
            f"{len(shared)} training rows share a sentence with validation, e.g. {shared[0]!r}"
        )
    train_sources = {e.guid for e in result.train if e.provenance is None}
    orphans = [e.guid for e in result.train if e.provenance and e.provenance.source_id not in train_sources]
    if orphans:
        raise LeakageError(f"augmented rows whose source is not in training, e.g. {orphans[0]!r}")
