"""Train/validation splits that cannot leak, by construction.

- Validation holds original rows only, stratified by label and grouped by sentence: rows that
  share a sentence (7,090 of KLUE-RE's 32,470 do) always land on the same side.
- An augmented row enters training only if its source row is in training, and never if its text
  happens to equal a validation sentence. Validation never holds augmented rows.
`check_no_leak` re-verifies all of this on every split; a violation raises LeakageError.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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
) -> Split:
    if any(example.provenance is not None for example in originals):
        raise LeakageError("original rows must not carry provenance: pass augmented rows separately")
    if not 0 < validation_fraction < 0.5:
        raise ValueError("validation_fraction must be between 0 and 0.5")
    if any(e.label is None for e in originals):
        raise ValueError("every row needs a label to be split for training")
    held_out = _grouped_stratified_holdout(originals, validation_fraction, seed)
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
    result = Split(train, validation, seed, used, skipped)
    check_no_leak(result)
    return result


def _grouped_stratified_holdout(originals: Sequence[REExample], fraction: float, seed: int) -> set[str]:
    """Ids of the validation rows: whole sentence groups, drawn per label so the label mix holds.

    Each group counts under its most common label; within a label its groups are shuffled with
    `seed` and taken until that label's share of rows is reached."""
    groups: dict[str, list[REExample]] = defaultdict(list)
    for example in originals:
        groups[sentence_key(example)].append(example)
    by_label: dict[str, list[list[REExample]]] = defaultdict(list)
    for members in groups.values():
        by_label[Counter(str(e.label) for e in members).most_common(1)[0][0]].append(members)
    generator = random.Random(seed)
    held_out: set[str] = set()
    for label in sorted(by_label):
        label_groups = sorted(by_label[label], key=lambda members: members[0].guid)
        generator.shuffle(label_groups)
        target, taken = fraction * sum(len(members) for members in label_groups), 0
        for members in label_groups:
            if taken >= target:
                break
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
