"""The 30 KLUE-RE relation labels in official order (`no_relation` first) and the entity types."""

import json
from functools import cache
from importlib import resources

NO_RELATION = "no_relation"
# Competition test files carry this placeholder instead of a label.
UNLABELED_PLACEHOLDER = 100
# The label-count key of rows without a label (test sets), in reports and dataset records.
UNLABELED = "(unlabeled)"
ENTITY_TYPES = frozenset({"PER", "ORG", "LOC", "DAT", "POH", "NOH"})


@cache
def labels() -> tuple[str, ...]:
    """Labels as shipped in `labels.json` (a copy of the official relation list)."""
    text = resources.files(__package__).joinpath("labels.json").read_text(encoding="utf-8")
    return tuple(json.loads(text))


@cache
def label_to_id() -> dict[str, int]:
    return {name: index for index, name in enumerate(labels())}
