"""A data report for any KLUE-RE dataset: what is in it, and what is wrong with it.

Label distribution, sentence lengths, entity-type pairs, duplicate rows and duplicates whose
labels conflict, labels whose org:/per: prefix contradicts the subject type, sentences shared with
another dataset (train vs an unlabeled test file), and for augmented rows the yield per pivot and
label with the drop reasons."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from shared.re_data.identity import PairKey, pair_key
from shared.re_data.labels import NO_RELATION, UNLABELED
from shared.re_data.schema import REExample
from shared.re_data.text import normalise_sentence

LENGTH_BINS = (0, 25, 50, 75, 100, 150, 200, 300, 500)


@dataclass
class DataReport:
    rows: int
    labels: dict[str, int]
    no_relation_share: float
    sentence_length: dict[str, float]
    length_histogram: dict[str, int]
    entity_type_pairs: dict[str, int]
    sources: dict[str, int]
    duplicate_rows: int  # extra copies of the same (sentence, subject, object)
    conflicting_duplicates: list[dict[str, Any]]  # the same pair labelled differently
    prefix_contradictions: list[dict[str, str]]  # org:/per: label whose subject is not ORG/PER
    shared_sentences: int | None = None  # with the other dataset, when one is given
    augmented_yield: dict[str, dict[str, int]] = field(default_factory=dict)  # pivot → label → rows
    drop_reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # pivot → reason → rows dropped

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(
    examples: Sequence[REExample],
    other: Sequence[REExample] | None = None,
    drop_reasons: Mapping[str, Mapping[str, int]] | None = None,
) -> DataReport:
    originals = [e for e in examples if e.provenance is None]
    lengths = sorted(len(e.sentence) for e in originals) or [0]
    histogram: Counter[str] = Counter()
    for length in lengths:
        upper = next((b for b in LENGTH_BINS[1:] if length < b), None)
        lower = max(b for b in LENGTH_BINS if b <= length)
        histogram[f"{lower}-{upper - 1}" if upper else f"{lower}+"] += 1
    labels_by_pair: dict[PairKey, list[str | None]] = defaultdict(list)
    for example in originals:
        labels_by_pair[pair_key(example)].append(example.label)
    conflicting = [
        {"sentence": pair[0], "subject": pair[1], "object": pair[3], "labels": sorted(set(map(str, found)))}
        for pair, found in labels_by_pair.items()
        if len(set(found)) > 1
    ]
    contradictions = [
        {"guid": e.guid, "label": str(e.label), "subject_type": e.subject_entity.type}
        for e in originals
        if e.label not in (None, NO_RELATION) and str(e.label).split(":")[0].upper() != e.subject_entity.type
    ]
    shared = None
    if other is not None:
        other_sentences = {normalise_sentence(e.sentence) for e in other}
        shared = len({normalise_sentence(e.sentence) for e in originals} & other_sentences)
    yields: dict[str, Counter[str]] = defaultdict(Counter)
    for example in examples:
        if example.provenance is not None:
            yields[example.provenance.pivot][str(example.label)] += 1
    label_counts = Counter(str(e.label) if e.label is not None else UNLABELED for e in originals)
    return DataReport(
        rows=len(originals),
        labels=dict(label_counts.most_common()),
        no_relation_share=label_counts[NO_RELATION] / max(len(originals), 1),
        sentence_length={
            "mean": sum(lengths) / len(lengths),
            "median": lengths[len(lengths) // 2],
            "max": lengths[-1],
        },
        length_histogram={
            bin_: histogram[bin_]
            for bin_ in sorted(histogram, key=lambda b: int(b.split("-")[0].rstrip("+")))
        },
        entity_type_pairs=dict(
            Counter(f"{e.subject_entity.type}-{e.object_entity.type}" for e in originals).most_common()
        ),
        sources=dict(Counter(e.source or "(none)" for e in originals).most_common()),
        duplicate_rows=sum(len(found) - 1 for found in labels_by_pair.values()),
        conflicting_duplicates=conflicting,
        prefix_contradictions=contradictions,
        shared_sentences=shared,
        augmented_yield={pivot: dict(counts.most_common()) for pivot, counts in yields.items()},
        drop_reasons={pivot: dict(reasons) for pivot, reasons in (drop_reasons or {}).items()},
    )


def count_drops(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """pivot → reason → rows, from drop-log records (`roundtrip augment` writes OUT.drops.jsonl)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        counts[str(record["pivot"])][str(record["reason"])] += 1
    return {pivot: dict(reasons.most_common()) for pivot, reasons in counts.items()}
