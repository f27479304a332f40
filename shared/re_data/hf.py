"""KLUE-RE rows as a Hugging Face `datasets` dataset: the `klue`/`re` features, the label as a
ClassLabel in the official order, and the provenance of augmented rows kept as columns.

`datasets` is imported inside the functions: only exports and downloads need it."""

import json
from pathlib import Path
from typing import Any

from shared.re_data.labels import labels
from shared.re_data.schema import REExample

_ENTITY = {"word": "string", "start_idx": "int32", "end_idx": "int32", "type": "string"}
_LEG = {"source_lang": "string", "target_lang": "string", "model": "string", "revision": "string"}


def features() -> Any:
    """The dataset's Features: `klue`/`re`'s, plus `provenance` (null for original rows)."""
    from datasets import ClassLabel, Features, List, Value

    def struct(fields: dict[str, str]) -> dict[str, Any]:
        return {name: Value(kind) for name, kind in fields.items()}

    return Features(
        {
            "guid": Value("string"),
            "sentence": Value("string"),
            "subject_entity": struct(_ENTITY),
            "object_entity": struct(_ENTITY),
            "label": ClassLabel(names=list(labels())),
            "source": Value("string"),
            "provenance": {
                "source_id": Value("string"),
                "pivot": Value("string"),
                "strategy": Value("string"),
                "variant": Value("int32"),
                "pivot_text": Value("string"),
                "decoding": Value("string"),  # canonical decoding settings, as JSON
                "legs": List(struct(_LEG)),
            },
        }
    )


def _row(example: REExample) -> dict[str, Any]:
    record: dict[str, Any] = example.model_dump(exclude={"provenance"})
    record["label"] = labels().index(example.label) if example.label is not None else None
    provenance = example.provenance
    record["provenance"] = (
        None
        if provenance is None
        else {
            "source_id": provenance.source_id,
            "pivot": provenance.pivot,
            "strategy": provenance.strategy,
            "variant": provenance.variant,
            "pivot_text": provenance.pivot_text,
            "decoding": json.dumps(provenance.decoding, sort_keys=True, ensure_ascii=False),
            "legs": [leg.model_dump() for leg in provenance.legs],
        }
    )
    return record


def to_hf_dataset(examples: list[REExample]) -> Any:
    from datasets import Dataset

    return Dataset.from_list([_row(example) for example in examples], features=features())


def save_hf_dataset(examples: list[REExample], directory: Path) -> int:
    """`save_to_disk` into `directory`, readable with `datasets.load_from_disk`; returns the row count."""
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()  # a server or a CLI table, not a progress bar per shard
    to_hf_dataset(examples).save_to_disk(str(directory))
    return len(examples)
