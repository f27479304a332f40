"""Predict a test file with a recorded run, in the competition's submission format."""

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from services.train import runs_repository, thresholds
from services.train.args import ModelArguments, RunArguments
from services.train.run_re import BASELINE_FILE, Progress, predict_in_chunks, transformer_options
from shared.db.migrate import upgrade
from shared.db.session import session_scope
from shared.re_data.csv_cells import safe_cell
from shared.re_data.io import read_examples
from shared.re_data.labels import labels
from shared.re_data.schema import REExample


class RunNotUsable(ValueError):
    pass


@dataclass(frozen=True)
class UsableRun:
    config: dict[str, Any]
    run_dir: Path
    metrics: dict[str, Any]
    split: dict[str, Any]


def usable_run(run_id: str, database_url: str) -> UsableRun:
    if database_url.startswith("sqlite"):
        upgrade(database_url)  # the embedded store migrates itself (a new file has no runs yet)
    with session_scope(database_url) as session:
        run = runs_repository.get(session, run_id=run_id)
        if run is None:
            raise RunNotUsable(f"no training run {run_id!r} in {database_url}")
        if run.status != "succeeded" or not run.artifacts_dir:
            raise RunNotUsable(f"run {run_id} is {run.status}; only succeeded runs can predict")
        return UsableRun(dict(run.config), Path(run.artifacts_dir), dict(run.metrics), dict(run.split or {}))


def submitted_threshold(metrics: dict[str, Any]) -> float | None:
    """The rule `predict` applies: the threshold for the estimated test mix when the run has a test
    estimate (what its predicted score is for), else the one validation liked best."""
    estimate = metrics.get("test_estimate") or {}
    if "test_threshold" in estimate:
        return estimate["test_threshold"]  # type: ignore[no-any-return]
    return metrics.get("best_no_relation_threshold")


@dataclass(frozen=True)
class Submission:
    rows: int
    threshold: float | None  # the no_relation threshold applied (None: plain argmax)
    label_counts: dict[str, int]  # predicted labels, most frequent first


def predict_file(
    run_id: str, test_file: str, out: Path, database_url: str, progress: Progress | None = None
) -> Submission:
    """Writes `id,pred_label,probs` (probs: 30 floats in label order) with the run's decision rule."""
    run = usable_run(run_id, database_url)
    rows = read_examples(test_file, allow_unlabeled=True)  # labels (or the 100 placeholder) are ignored
    probabilities = probabilities_of(run, rows, progress)
    threshold = submitted_threshold(run.metrics)
    predicted = thresholds.apply_threshold(np.asarray(probabilities), threshold)
    with out.open("w", encoding="utf-8") as stream:
        stream.write("id,pred_label,probs\n")
        for row, label_id, probs in zip(rows, predicted, probabilities, strict=True):
            values = json.dumps([float(p) for p in probs])
            stream.write(f'{_csv_text(safe_cell(row.guid))},{labels()[int(label_id)]},"{values}"\n')
    counts = Counter(labels()[int(label_id)] for label_id in predicted)
    return Submission(len(rows), threshold, dict(counts.most_common()))


def _csv_text(value: str) -> str:
    """One CSV field: quoted when it holds a comma, a quote or a line break."""
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def probabilities_of(
    run: UsableRun, rows: Sequence[REExample], progress: Progress | None = None
) -> np.ndarray:
    """The run's saved model applied to `rows`: 30 probabilities per row, in label order."""
    config, run_dir = run.config, run.run_dir
    model = ModelArguments(**config["model"])
    if model.family == "baseline":
        fitted = joblib.load(run_dir / BASELINE_FILE)
        return predict_in_chunks(fitted.predict_proba, rows, progress)
    else:
        from transformers import AutoTokenizer

        from services.train.transformer import make_trainer, predict_proba

        options = transformer_options(
            model.__class__(**(config["model"] | {"model_name_or_path": str(run_dir / "model")})),
            RunArguments(**config["run"]),
            run_dir,
        )
        AutoTokenizer.from_pretrained(options.model_name_or_path)  # fails early with a clear error
        return np.asarray(predict_proba(make_trainer([], [], options), rows, options))
