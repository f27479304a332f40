"""`roundtrip report run RUN_ID --test FILE`: a recorded run's predicted test score, kept on its record."""

from typing import Any

import numpy as np

from services.train import runs_repository
from services.train.covariates import TrainingEntities
from services.train.predict import probabilities_of, usable_run
from services.train.run_artifacts import read_estimation_inputs, read_validation_predictions
from services.train.test_estimate import estimate_test
from services.train.test_size import require_estimable
from shared.db.session import session_scope
from shared.re_data.io import read_examples, rows_fingerprint
from shared.re_data.labels import label_to_id


def estimate_for_run(run_id: str, test_file: str, database_url: str) -> dict[str, Any]:
    """Predicts `test_file` with the run's model, estimates its test score for the rule `predict`
    applies (the same estimator as `train --test_file`), and stores it as `metrics.test_estimate`."""
    run = usable_run(run_id, database_url)
    validation = read_validation_predictions(run.run_dir)
    test_rows = read_examples(test_file, allow_unlabeled=True)
    require_estimable(len(test_rows), test_file)
    saved = read_estimation_inputs(run.run_dir)
    if validation.groups is None:
        raise FileNotFoundError(
            f"{run.run_dir}: the run's validation predictions have no groups; train it again"
        )
    estimate = estimate_test(
        training_gold=_training_gold(run.split, validation.gold),
        training_entities=saved[1] if saved else TrainingEntities(),
        validation_rows=saved[0] if saved else None, validation_gold=validation.gold,
        validation_probabilities=validation.probabilities, validation_groups=validation.groups,
        test_rows=test_rows, test_probabilities=[probabilities_of(run, test_rows)],
    )  # fmt: skip
    result = estimate.as_dict() | {
        "test_file": {"path": test_file, "rows": len(test_rows), "fingerprint": rows_fingerprint(test_rows)}
    }
    with session_scope(database_url) as session:
        runs_repository.update(session, run_id=run_id, metrics=run.metrics | {"test_estimate": result})
    return result


def _training_gold(split: dict[str, Any], validation_gold: np.ndarray) -> np.ndarray:
    """Training's labels as counts expanded (only their mix matters)."""
    counts = split.get("train_label_counts")
    if not counts:  # runs recorded before label counts were kept: validation mirrors training
        return validation_gold
    return np.repeat([label_to_id()[label] for label in counts], list(counts.values()))
