"""`roundtrip report run RUN_ID --test FILE`: a recorded run's predicted test score, kept on its record."""

from typing import Any

import numpy as np

from services.evidence.predicted import label_prior, predict_test_score
from services.train import runs_repository
from services.train.predict import probabilities_of, usable_run
from services.train.run_artifacts import read_validation_predictions
from services.train.split import row_groups
from shared.db.session import session_scope
from shared.re_data.io import read_examples, rows_fingerprint
from shared.re_data.labels import label_to_id, labels


def estimate_for_run(run_id: str, test_file: str, database_url: str) -> dict[str, Any]:
    """Predicts `test_file` with the run's model, estimates its prior and the run's test score,
    and stores the result as the run's `metrics.test_estimate`."""
    run = usable_run(run_id, database_url)
    validation = read_validation_predictions(run.run_dir)
    test_rows = read_examples(test_file, allow_unlabeled=True)
    estimate = predict_test_score(
        validation.gold, validation.probabilities, [probabilities_of(run, test_rows)],
        training_prior=_training_prior(run.split, validation.gold), groups=validation.groups,
        test_groups=row_groups(test_rows),
    )  # fmt: skip
    result = estimate.as_dict() | {
        "test_file": {"path": test_file, "rows": len(test_rows), "fingerprint": rows_fingerprint(test_rows)}
    }
    with session_scope(database_url) as session:
        runs_repository.update(session, run_id=run_id, metrics=run.metrics | {"test_estimate": result})
    return result


def _training_prior(split: dict[str, Any], validation_gold: np.ndarray) -> np.ndarray:
    counts = split.get("train_label_counts")
    if not counts:  # runs recorded before label counts were kept: validation mirrors training
        return label_prior(validation_gold)
    vector = np.zeros(len(labels()))
    for label, count in counts.items():
        vector[label_to_id()[label]] = count
    return np.asarray(vector / vector.sum())
