"""Label-shift estimation on synthetic shifts where the truth is known."""

import numpy as np
import pytest

from services.evidence.prior import (
    bootstrap_interval,
    em_prior,
    paired_bootstrap,
    prior_weights,
    reweighted_micro_f1,
    weighted_micro_f1,
)
from services.train.metrics import micro_f1

K = 30


def gaussian_world(seed: int = 0):  # type: ignore[no-untyped-def]
    """Classes with Gaussian features: exact posteriors are known for any prior."""
    generator = np.random.default_rng(seed)
    means = generator.normal(scale=2.0, size=(K, 8))

    def sample(prior: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        y = generator.choice(K, size=n, p=prior)
        return y, means[y] + generator.normal(size=(n, 8))

    def posterior(x: np.ndarray, prior: np.ndarray) -> np.ndarray:
        log_likelihood = -0.5 * ((x[:, None, :] - means[None]) ** 2).sum(axis=2)
        scores = log_likelihood + np.log(prior)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    return generator, sample, posterior


def shifted(train_prior: np.ndarray) -> np.ndarray:
    """The pseudo-test prior of issue 5: 60% no_relation, relations halfway towards uniform."""
    relations = train_prior[1:] / train_prior[1:].sum()
    relations = 0.5 * relations + 0.5 / (K - 1)
    return np.concatenate([[0.6], 0.4 * relations])


def test_em_recovers_a_shifted_prior() -> None:
    generator, sample, posterior = gaussian_world()
    train_prior = generator.dirichlet(np.ones(K))
    train_prior[0] = 0.3
    train_prior /= train_prior.sum()
    test_prior = shifted(train_prior)
    _, x = sample(test_prior, 20000)
    probabilities = posterior(x, train_prior)
    estimate = em_prior(probabilities, train_prior)
    naive = probabilities.mean(axis=0)
    assert np.abs(estimate - test_prior).sum() < 0.06
    assert np.abs(estimate - test_prior).sum() < np.abs(naive - test_prior).sum() / 2
    assert estimate[0] == pytest.approx(0.6, abs=0.02)


def test_em_leaves_an_unshifted_prior_alone() -> None:
    generator, sample, posterior = gaussian_world(1)
    prior = generator.dirichlet(np.ones(K))
    _, x = sample(prior, 20000)
    assert np.abs(em_prior(posterior(x, prior), prior) - prior).sum() < 0.05


def test_reweighting_validation_predicts_the_score_under_the_test_prior() -> None:
    generator, sample, posterior = gaussian_world(2)
    train_prior = generator.dirichlet(np.ones(K) * 3)
    test_prior = shifted(train_prior)
    gold_val, x_val = sample(train_prior, 20000)
    gold_test, x_test = sample(test_prior, 20000)
    plain = micro_f1(gold_val, posterior(x_val, train_prior).argmax(axis=1))
    truth = micro_f1(gold_test, posterior(x_test, train_prior).argmax(axis=1))
    reweighted = reweighted_micro_f1(gold_val, posterior(x_val, train_prior).argmax(axis=1), test_prior)
    assert abs(reweighted - truth) < abs(plain - truth) / 3
    assert abs(reweighted - truth) < 1.5


def test_unit_weights_give_the_plain_klue_micro_f1() -> None:
    generator = np.random.default_rng(3)
    gold, predicted = generator.integers(0, K, 500), generator.integers(0, K, 500)
    assert weighted_micro_f1(gold, predicted, np.ones(500)) == pytest.approx(micro_f1(gold, predicted))
    weights = prior_weights(gold, np.bincount(gold, minlength=K) / 500)
    assert np.allclose(weights, 1.0)


def test_bootstrap_intervals_and_paired_differences() -> None:
    generator = np.random.default_rng(4)
    gold = generator.integers(0, K, 2000)
    good = np.where(generator.random(2000) < 0.7, gold, generator.integers(0, K, 2000))
    same = good.copy()
    interval = bootstrap_interval(lambda i: micro_f1(gold[i], good[i]), 2000, samples=300)
    assert interval.low < interval.estimate < interval.high
    assert paired_bootstrap(gold, good, same, samples=300).covers(0.0)  # identical runs: noise only
    better = np.where(generator.random(2000) < 0.5, gold, good)
    assert not paired_bootstrap(gold, good, better, samples=300).covers(0.0)
