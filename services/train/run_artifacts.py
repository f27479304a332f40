"""Reading a run's saved validation predictions back (no torch: the API compares runs with it)."""

import csv
import json
from pathlib import Path

import numpy as np

from services.evidence.predictions import ValidationPredictions
from shared.re_data.csv_cells import read_cell
from shared.re_data.labels import label_to_id

PREDICTIONS_FILE = "validation_predictions.csv"


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
