"""The one path from trained models to the predicted test score: `roundtrip train --test_file`,
`roundtrip report run` (so REST and /ui, which show what the run records) and `bench/gap.py` all
call `estimate_test_over_folds` (one `prepare_test` per calibration fold; one threshold for all,
their median: services.evidence.folds)."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.evidence.folds import estimate_over_folds
from services.evidence.prior import weighted_prior
from services.evidence.shift import CHOSEN, PreparedEstimate, ShiftEstimate, prepare_shifted_score
from services.train.covariates import TrainingEntities, covariates
from services.train.split import row_copies, row_groups
from shared.re_data.schema import REExample


def prepare_test(
    *,
    training_gold: np.ndarray,
    training_entities: TrainingEntities,
    validation_rows: Sequence[REExample] | None,
    validation_gold: np.ndarray,
    validation_probabilities: np.ndarray,
    validation_groups: np.ndarray,
    test_rows: Sequence[REExample],
    test_probabilities: Sequence[np.ndarray],
    estimator: str = CHOSEN,
    prior_samples: int = 300,
    seed: int = 0,
) -> PreparedEstimate:
    """Without the validation rows themselves (runs recorded before they were saved) only label
    shift is corrected, and the record says so (`estimator: label`)."""
    validation_covariates = (
        covariates(validation_rows, training_entities) if validation_rows is not None else None
    )
    return prepare_shifted_score(
        validation_gold,
        validation_probabilities,
        validation_groups,
        test_probabilities,
        training_prior=weighted_prior(training_gold),
        validation_covariates=validation_covariates,
        test_covariates=covariates(test_rows, training_entities),
        test_groups=row_groups(test_rows),
        test_copies=row_copies(test_rows),
        validation_sources=[row.source or "" for row in validation_rows]
        if validation_rows is not None
        else None,
        test_sources=[row.source or "" for row in test_rows],
        estimator=estimator,
        prior_samples=prior_samples,
        seed=seed,
    )


@dataclass(frozen=True)
class FoldOutputs:
    """One calibration fold: what its model was trained on and said of its validation and the test."""

    training_gold: np.ndarray
    training_entities: TrainingEntities
    validation_rows: Sequence[REExample] | None
    validation_gold: np.ndarray
    validation_probabilities: np.ndarray
    validation_groups: np.ndarray
    test_probabilities: np.ndarray


def estimate_test_over_folds(
    folds: Sequence[FoldOutputs], test_rows: Sequence[REExample], *, estimator: str = CHOSEN, seed: int = 0
) -> ShiftEstimate:
    """The first fold is the submitted model's: `predict` applies the joint threshold to it."""
    return estimate_over_folds([
        prepare_test(
            training_gold=fold.training_gold, training_entities=fold.training_entities,
            validation_rows=fold.validation_rows, validation_gold=fold.validation_gold,
            validation_probabilities=fold.validation_probabilities, validation_groups=fold.validation_groups,
            test_rows=test_rows, test_probabilities=[fold.test_probabilities], estimator=estimator, seed=seed,
        )
        for fold in folds
    ])  # fmt: skip
