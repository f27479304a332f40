"""A validation score that predicts the test score.

Given a model's probabilities on its validation rows (gold known) and on an unlabeled test file:
1. calibrate the probabilities on validation (matrix scaling);
2. estimate the test label prior by EM on the calibrated test probabilities (Saerens et al. 2002);
3. reweight validation to that prior: "predicted test micro-F1", with a bootstrap interval that
   resamples whole groups (entity clusters or sentences) of validation rows, and of the test rows
   the prior is estimated from (rows of one article move together on both sides).
Several models (cross-validation folds) may predict the same test file; their calibrated
probabilities are averaged before EM.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.evidence.bootstrap import (
    Interval,
    group_counts,
    micro_f1_interval,
    reweighted_micro_f1_interval,
)
from services.evidence.calibration import fit_calibration
from services.evidence.prior import em_prior, prior_ratio
from shared.re_data.labels import labels


def label_prior(gold: np.ndarray) -> np.ndarray:
    return np.bincount(gold, minlength=len(labels())) / max(len(gold), 1)


@dataclass(frozen=True)
class PriorEstimator:
    """Calibrated once on validation; estimates the label prior of the test rows, or of any resample
    of them (how uncertain the estimate is enters the predicted score's interval)."""

    ensemble: np.ndarray  # calibrated test probabilities, averaged over the models
    source: np.ndarray  # validation's label prior: the calibrated posteriors speak for that mix

    def estimate(self, rows: np.ndarray | None = None, *, tolerance: float = 1e-8) -> np.ndarray:
        ensemble = self.ensemble if rows is None else self.ensemble[rows]
        return em_prior(ensemble, self.source, tolerance=tolerance)

    def resampled(self, groups: np.ndarray | None, *, samples: int, seed: int) -> np.ndarray:
        """The prior of `samples` bootstrap resamples of the test rows, whole groups at a time."""
        counts, index = group_counts(groups, len(self.ensemble), samples=samples, seed=seed)
        rows = np.arange(len(self.ensemble))
        return np.array([
            self.estimate(np.repeat(rows, drawn[index].astype(int)), tolerance=1e-6) for drawn in counts
        ])  # fmt: skip


def prior_estimator(
    validation_gold: np.ndarray,
    validation_probabilities: np.ndarray,
    test_probabilities: Sequence[np.ndarray],
) -> PriorEstimator:
    """EM on the calibrated test probabilities, averaged over the models first (an ensemble is less
    noisy per row than any one model)."""
    calibration = fit_calibration(validation_probabilities, validation_gold)
    ensemble = np.mean([calibration.apply(probabilities) for probabilities in test_probabilities], axis=0)
    return PriorEstimator(ensemble, label_prior(validation_gold))


def estimate_test_prior(
    validation_gold: np.ndarray,
    validation_probabilities: np.ndarray,
    test_probabilities: Sequence[np.ndarray],
) -> np.ndarray:
    return prior_estimator(validation_gold, validation_probabilities, test_probabilities).estimate()


@dataclass(frozen=True)
class TestScoreEstimate:
    training_prior: np.ndarray
    validation_prior: np.ndarray
    estimated_test_prior: np.ndarray
    validation_micro_f1: Interval
    predicted_test_micro_f1: Interval
    test_rows: int

    def as_dict(self) -> dict[str, Any]:
        def by_label(prior: np.ndarray) -> dict[str, float]:
            return {label: round(float(share), 5) for label, share in zip(labels(), prior, strict=True)}

        return {
            "validation_micro_f1": self.validation_micro_f1.as_dict(),
            "predicted_test_micro_f1": self.predicted_test_micro_f1.as_dict(),
            "test_rows": self.test_rows,
            "prior": {
                "training": by_label(self.training_prior),
                "validation": by_label(self.validation_prior),
                "estimated_test": by_label(self.estimated_test_prior),
            },
        }


def predict_test_score(
    validation_gold: np.ndarray,
    validation_probabilities: np.ndarray,
    test_probabilities: Sequence[np.ndarray],
    *,
    training_prior: np.ndarray,
    groups: np.ndarray | None = None,
    test_groups: np.ndarray | None = None,
    samples: int = 1000,
    prior_samples: int = 200,
    seed: int = 0,
) -> TestScoreEstimate:
    """The interval of the predicted score covers both the validation rows' noise (`groups`
    resampled) and the prior estimate's (EM again on `prior_samples` resamples of the test rows,
    whole `test_groups` at a time)."""
    predicted = validation_probabilities.argmax(axis=1)
    estimator = prior_estimator(validation_gold, validation_probabilities, test_probabilities)
    prior = estimator.estimate()
    validation_prior = label_prior(validation_gold)
    sampled_priors = estimator.resampled(test_groups, samples=prior_samples, seed=seed + 1)
    return TestScoreEstimate(
        training_prior=training_prior,
        validation_prior=validation_prior,
        estimated_test_prior=prior,
        validation_micro_f1=micro_f1_interval(
            validation_gold, predicted, groups=groups, samples=samples, seed=seed
        ),
        predicted_test_micro_f1=reweighted_micro_f1_interval(
            validation_gold,
            predicted,
            prior_ratio(prior, validation_prior),
            np.array([prior_ratio(sampled, validation_prior) for sampled in sampled_priors]),
            groups=groups,
            seed=seed,
        ),
        test_rows=len(estimator.ensemble),
    )
