"""The predicted test score over calibration folds: the median of the folds' own estimates."""

import numpy as np

from services.evidence.bootstrap import Interval
from services.evidence.folds import median_over_folds
from services.evidence.shift import ShiftEstimate


def estimate(score: Interval, threshold: float | None, no_relation: float) -> ShiftEstimate:
    prior = np.full(30, (1 - no_relation) / 29)
    prior[0] = no_relation
    return ShiftEstimate(
        estimator="matched", validation_micro_f1=70.0, validation_threshold=0.5,
        validation_micro_f1_at_threshold=71.0, test_threshold=threshold, predicted_test_micro_f1=score,
        predicted_test_micro_f1_argmax=Interval(score.estimate - 1, score.low - 1, score.high - 1),
        estimated_test_prior=prior, validation_prior=np.full(30, 1 / 30), training_prior=np.full(30, 1 / 30),
        covariate_effective_rows=100.0, test_rows=300,
    )  # fmt: skip


def test_a_fold_that_lands_far_off_does_not_move_the_score() -> None:
    folds = [
        estimate(Interval(53.8, 49.0, 58.6), 0.5, 0.60),  # the submitted model's own
        estimate(Interval(45.4, 40.0, 50.8), 0.3, 0.55),  # a fold 10 points off
        estimate(Interval(54.3, 49.5, 59.1), None, 0.50),
    ]
    combined = median_over_folds(folds)
    assert combined.predicted_test_micro_f1 == Interval(53.8, 49.0, 58.6)
    assert combined.predicted_test_micro_f1_argmax == Interval(52.8, 48.0, 57.6)
    # what `predict` applies and --match_prior_of reuses stay the submitted model's
    assert combined.test_threshold == 0.5 and combined.estimated_test_prior[0] == 0.60
    recorded = combined.as_dict()["folds"]
    assert [fold["test_threshold"] for fold in recorded] == [0.5, 0.3, None]
    assert [fold["predicted_test_micro_f1"]["estimate"] for fold in recorded] == [53.8, 45.4, 54.3]


def test_each_end_of_the_interval_is_its_own_median() -> None:
    folds = [estimate(Interval(50, 44, 56), 0.5, 0.6), estimate(Interval(52, 49, 55), 0.5, 0.6),
             estimate(Interval(51, 42, 60), 0.5, 0.6)]  # fmt: skip
    assert median_over_folds(folds).predicted_test_micro_f1 == Interval(51, 44, 56)
    alone = median_over_folds(folds[:1])
    assert alone.predicted_test_micro_f1 == folds[0].predicted_test_micro_f1 and len(alone.folds) == 1
