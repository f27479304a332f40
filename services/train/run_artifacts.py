"""Reading a run's saved validation predictions back (no torch: the API compares runs with it)."""

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from services.evidence.predictions import ValidationPredictions
from services.train.covariates import TrainingEntities
from shared.re_data.csv_cells import read_cell
from shared.re_data.io import read_examples, write_jsonl
from shared.re_data.labels import label_to_id
from shared.re_data.schema import REExample

PREDICTIONS_FILE = "validation_predictions.csv"
VALIDATION_ROWS_FILE = "validation_rows.jsonl"  # the rows themselves: their label-free descriptors
TRAINING_ENTITIES_FILE = "training_entities.json"  # the entity words and pairs the model saw in training
FOLDS_DIR = "folds"  # folds/2, folds/3, …: the calibration folds' models, each laid out as a run is


def read_validation_predictions(run_dir: str | Path) -> ValidationPredictions:
    path = Path(run_dir) / PREDICTIONS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the run has no saved validation predictions")
    with path.open(encoding="utf-8", newline="") as stream:
        records = list(csv.DictReader(stream))
    ids = [read_cell(record["id"]) for record in records]
    gold = np.array([label_to_id()[record["gold"]] for record in records], dtype=int)
    probabilities = np.array([json.loads(record["probs"]) for record in records], dtype=float)
    has_groups = bool(records) and "group" in records[0]
    groups = np.array([read_cell(record["group"]) for record in records]) if has_groups else None
    return ValidationPredictions(ids, gold, probabilities.reshape(len(records), -1), groups)


def save_estimation_inputs(
    run_dir: Path, validation: Sequence[REExample], train: Sequence[REExample]
) -> None:
    """What a later `report run --test FILE` needs to correct covariate shift the way training did."""
    with (run_dir / VALIDATION_ROWS_FILE).open("w", encoding="utf-8") as stream:
        write_jsonl(validation, stream)
    seen = TrainingEntities.of(train)
    kept = {"words": sorted(seen.words), "pairs": sorted(seen.pairs)}
    (run_dir / TRAINING_ENTITIES_FILE).write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")


def read_estimation_inputs(run_dir: str | Path) -> tuple[list[REExample], TrainingEntities] | None:
    """The saved validation rows and training entities; None for runs recorded before they were kept."""
    rows_path, seen_path = Path(run_dir) / VALIDATION_ROWS_FILE, Path(run_dir) / TRAINING_ENTITIES_FILE
    if not rows_path.is_file() or not seen_path.is_file():
        return None
    kept = json.loads(seen_path.read_text(encoding="utf-8"))
    seen = TrainingEntities(frozenset(kept["words"]), frozenset(tuple(pair) for pair in kept["pairs"]))
    return read_examples(rows_path), seen
