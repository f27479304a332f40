"""`roundtrip report run RUN_ID --test FILE`: a recorded run's predicted test score, kept on its record."""

from dataclasses import replace
from typing import Any

import numpy as np

from services.evidence.predictions import ValidationPredictions
from services.train import runs_repository
from services.train.covariates import TrainingEntities
from services.train.predict import UsableRun, probabilities_of, usable_run
from services.train.run_artifacts import FOLDS_DIR, read_estimation_inputs, read_validation_predictions
from services.train.test_estimate import FoldOutputs, estimate_test_over_folds
from services.train.test_size import require_estimable
from shared.db.session import session_scope
from shared.re_data.io import read_examples, rows_fingerprint
from shared.re_data.labels import label_to_id
from shared.re_data.schema import REExample


def estimate_for_run(run_id: str, test_file: str, database_url: str) -> dict[str, Any]:
    """Predicts `test_file` with the run's models (the submitted one and its calibration folds'),
    estimates its test score for the rule `predict` applies (the same estimator as
    `train --test_file`), and stores it as `metrics.test_estimate`."""
    run = usable_run(run_id, database_url)
    test_rows = read_examples(test_file, allow_unlabeled=True)
    require_estimable(len(test_rows), test_file)
    folds = [path for path in (run.run_dir / FOLDS_DIR).glob("*") if path.name.isdigit()]
    fold_dirs = [run.run_dir, *sorted(folds, key=lambda path: int(path.name))]
    validations = [read_validation_predictions(path) for path in fold_dirs]
    training_gold = _training_gold(run.split, validations[0].gold)
    estimate = estimate_test_over_folds(
        [_fold(replace(run, run_dir=path), validation, training_gold, test_rows)
         for path, validation in zip(fold_dirs, validations, strict=True)],
        test_rows,
    )  # fmt: skip
    result = estimate.as_dict() | {
        "test_file": {"path": test_file, "rows": len(test_rows), "fingerprint": rows_fingerprint(test_rows)}
    }
    with session_scope(database_url) as session:
        runs_repository.update(session, run_id=run_id, metrics=run.metrics | {"test_estimate": result})
    return result


def _fold(
    run: UsableRun, validation: ValidationPredictions, training_gold: np.ndarray, test_rows: list[REExample]
) -> FoldOutputs:
    """One calibration fold's saved outputs and its model's probabilities on the test rows.
    (`training_gold`: the submitted model's; only reported, as the training prior.)"""
    if validation.groups is None:
        raise FileNotFoundError(
            f"{run.run_dir}: the run's validation predictions have no groups; train it again"
        )
    saved = read_estimation_inputs(run.run_dir)
    return FoldOutputs(
        training_gold, saved[1] if saved else TrainingEntities(), saved[0] if saved else None,
        validation.gold, validation.probabilities, validation.groups, probabilities_of(run, test_rows),
    )  # fmt: skip


def _training_gold(split: dict[str, Any], validation_gold: np.ndarray) -> np.ndarray:
    """Training's labels as counts expanded (only their mix matters)."""
    counts = split.get("train_label_counts")
    if not counts:  # runs recorded before label counts were kept: validation mirrors training
        return validation_gold
    return np.repeat([label_to_id()[label] for label in counts], list(counts.values()))
