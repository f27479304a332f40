"""The shifted-score estimator on synthetic worlds where the test's truth is known."""

import numpy as np
import pytest

from services.evidence.klue_f1 import micro_f1
from services.evidence.prior import weighted_prior
from services.evidence.shift import (
    THRESHOLDS,
    apply_rule,
    best_threshold,
    covariate_weights,
    cross_fitted_predictions,
    estimate_shifted_score,
    halves,
)

K = 30


def world(seed: int = 0):  # type: ignore[no-untyped-def]
    """Rows with a covariate (0: easy kind, 1: hard kind) and a label; a model that is right 90% of
    the time on easy rows and 50% on hard ones, its probabilities honest for each kind."""
    generator = np.random.default_rng(seed)

    def sample(n: int, hard_share: float, no_relation: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hard = (generator.random(n) < hard_share).astype(int)
        gold = np.where(generator.random(n) < no_relation, 0, generator.integers(1, K, n))
        accuracy = np.where(hard == 1, 0.5, 0.9)
        right = generator.random(n) < accuracy
        predicted = np.where(right, gold, (gold + generator.integers(1, K, n)) % K)
        probabilities = np.full((n, K), 0.0)
        probabilities += ((1 - accuracy) / (K - 1))[:, None]
        probabilities[np.arange(n), predicted] = accuracy
        return hard, gold, probabilities

    return sample


def covariates_of(hard: np.ndarray) -> np.ndarray:
    return np.stack([hard, 1 - hard], axis=1).astype(float)


def test_covariate_weights_make_validation_look_like_the_test() -> None:
    generator = np.random.default_rng(1)
    validation = (generator.random(4000) < 0.2).astype(int)
    test = (generator.random(4000) < 0.6).astype(int)
    weights = covariate_weights(covariates_of(validation), covariates_of(test))
    assert weights.mean() == pytest.approx(1.0)
    assert np.average(validation, weights=weights) == pytest.approx(0.6, abs=0.03)
    assert weights.max() / weights.min() <= 400 + 1e-9  # clipped to [1/20, 20] before scaling


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_harder_test_mix_is_predicted_where_label_shift_alone_misses_it(seed: int) -> None:
    sample = world(seed)
    hard_v, gold_v, probs_v = sample(4000, hard_share=0.2, no_relation=0.3)
    hard_t, gold_t, probs_t = sample(4000, hard_share=0.7, no_relation=0.3)
    groups = np.arange(4000) // 4
    true_f1 = micro_f1(gold_t, probs_t.argmax(axis=1))

    def run(estimator: str, covariates: bool):  # type: ignore[no-untyped-def]
        return estimate_shifted_score(
            gold_v, probs_v, groups, [probs_t], training_prior=weighted_prior(gold_v),
            validation_covariates=covariates_of(hard_v) if covariates else None,
            test_covariates=covariates_of(hard_t), test_groups=np.arange(4000) // 4,
            estimator=estimator, prior_samples=100, seed=seed,
        )  # fmt: skip

    shifted, label_only = run("covariate+label", True), run("label", True)
    assert shifted.estimator == "covariate+label" and label_only.estimator == "label"
    assert abs(shifted.predicted_test_micro_f1_argmax.estimate - true_f1) < 2.5
    assert abs(label_only.predicted_test_micro_f1_argmax.estimate - true_f1) > 8  # blind to the harder mix
    assert shifted.predicted_test_micro_f1_argmax.covers(true_f1)
    assert run("covariate+label", False).estimator == "label"  # no validation rows: said so


def test_label_shift_is_predicted_for_the_submitted_threshold() -> None:
    sample = world(5)
    _, gold_v, probs_v = sample(5000, hard_share=0.4, no_relation=0.3)
    hard_t, gold_t, probs_t = sample(5000, hard_share=0.4, no_relation=0.7)
    estimate = estimate_shifted_score(
        gold_v, probs_v, np.arange(5000) // 5, [probs_t], training_prior=weighted_prior(gold_v),
        validation_covariates=covariates_of(np.zeros(5000, int)), test_covariates=covariates_of(hard_t * 0),
        test_groups=np.arange(5000) // 5, prior_samples=100,
    )  # fmt: skip
    assert estimate.estimated_test_prior[0] == pytest.approx(0.7, abs=0.05)
    submitted = micro_f1(gold_t, apply_rule(probs_t, estimate.test_threshold))
    assert abs(estimate.predicted_test_micro_f1.estimate - submitted) < 2.5
    assert estimate.predicted_test_micro_f1.covers(submitted)
    assert estimate.test_threshold in THRESHOLDS


def test_no_row_grades_the_threshold_it_chose() -> None:
    generator = np.random.default_rng(3)
    gold = np.where(generator.random(600) < 0.4, 0, generator.integers(1, K, 600))
    probabilities = generator.dirichlet(np.ones(K), 600)
    groups = np.arange(600) // 3
    side = halves(groups, seed=9)
    assert all(len(set(side[groups == g])) == 1 for g in range(200))  # whole groups
    predicted = cross_fitted_predictions(gold, probabilities, np.ones(600), groups, seed=9)
    for half in (0, 1):
        other = side != half
        chosen = best_threshold(gold[other], probabilities[other], np.ones(other.sum()))
        assert np.array_equal(predicted[side == half], apply_rule(probabilities[side == half], chosen))
