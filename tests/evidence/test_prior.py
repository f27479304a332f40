"""Label-shift estimation on synthetic shifts where the truth is known."""

import numpy as np
import pytest

from services.evidence.bootstrap import micro_f1_interval, paired_difference_interval
from services.evidence.calibration import fit_calibration
from services.evidence.klue_f1 import micro_f1
from services.evidence.prior import (
    em_prior,
    prior_weights,
    reweighted_micro_f1,
    shared_relation_priors,
    weighted_prior,
)
from services.evidence.shift import estimate_shifted_score

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


def test_shared_relation_em_recovers_each_sources_share_and_one_relation_shift() -> None:
    """Two sources with their own validation priors; the test moves each source's `no_relation` share
    its own way (0.6 and 0.4) and scales the relations by one shift for both: the joint EM recovers
    both priors, and counting a row twice is weighing it 2."""
    generator, sample, posterior = gaussian_world(5)
    sources = np.array([generator.dirichlet(np.ones(K) * 3) for _ in range(2)])
    shift = generator.uniform(0.3, 3.0, K)
    truth = []
    for source, share in zip(sources, (0.6, 0.4), strict=True):
        relations = source[1:] * shift[1:]
        truth.append(np.r_[share, (1 - share) * relations / relations.sum()])
    samples = [sample(prior, 15000)[1] for prior in truth]
    probabilities = np.vstack([posterior(x, source) for x, source in zip(samples, sources, strict=True)])
    strata = np.repeat([0, 1], 15000)
    estimate = shared_relation_priors(probabilities, strata, sources)
    for s in range(2):
        assert estimate[s, 0] == pytest.approx(truth[s][0], abs=0.02)
        assert np.abs(estimate[s] - truth[s]).sum() < 0.06
        assert np.abs(estimate[s] - truth[s]).sum() < np.abs(sources[s] - truth[s]).sum() / 4
    doubled = np.r_[np.arange(len(strata)), np.arange(100)]
    weights = np.ones(len(strata))
    weights[:100] = 2
    assert np.allclose(
        shared_relation_priors(probabilities[doubled], strata[doubled], sources, tolerance=1e-10),
        shared_relation_priors(probabilities, strata, sources, weights=weights, tolerance=1e-10),
        atol=1e-6,
    )


def test_shared_relation_em_keeps_labels_a_source_lacks_at_zero() -> None:
    generator, sample, posterior = gaussian_world(6)
    sources = np.array([generator.dirichlet(np.ones(K) * 3) for _ in range(2)])
    sources[1, 5] = 0.0
    sources[1] /= sources[1].sum()
    with np.errstate(divide="ignore"):  # log of the zero share: that label's posterior is 0
        probabilities = np.vstack([posterior(sample(source, 3000)[1], source) for source in sources])
    estimate = shared_relation_priors(probabilities, np.repeat([0, 1], 3000), sources)
    assert estimate[1, 5] == 0.0 and estimate[0, 5] > 0
    assert np.allclose(estimate.sum(axis=1), 1.0)


def shifted_samples(seed: int):  # type: ignore[no-untyped-def]
    """A validation sample under a training prior and a test sample under its issue-5 shift."""
    generator, sample, posterior = gaussian_world(seed)
    train_prior = generator.dirichlet(np.ones(K) * 3)
    test_prior = shifted(train_prior)
    return posterior, train_prior, test_prior, sample(train_prior, 20000), sample(test_prior, 20000)


def test_reweighting_validation_predicts_the_score_under_the_test_prior() -> None:
    posterior, train_prior, test_prior, (gold_val, x_val), (gold_test, x_test) = shifted_samples(2)
    plain = micro_f1(gold_val, posterior(x_val, train_prior).argmax(axis=1))
    truth = micro_f1(gold_test, posterior(x_test, train_prior).argmax(axis=1))
    reweighted = reweighted_micro_f1(gold_val, posterior(x_val, train_prior).argmax(axis=1), test_prior)
    assert abs(reweighted - truth) < abs(plain - truth) / 3
    assert abs(reweighted - truth) < 1.5


def test_unit_weights_give_the_plain_klue_micro_f1() -> None:
    generator = np.random.default_rng(3)
    gold, predicted = generator.integers(0, K, 500), generator.integers(0, K, 500)
    assert micro_f1(gold, predicted, np.ones(500)) == pytest.approx(micro_f1(gold, predicted))
    weights = prior_weights(gold, np.bincount(gold, minlength=K) / 500)
    assert np.allclose(weights, 1.0)


def test_bootstrap_intervals_and_paired_differences() -> None:
    generator = np.random.default_rng(4)
    gold = generator.integers(0, K, 2000)
    good = np.where(generator.random(2000) < 0.7, gold, generator.integers(0, K, 2000))
    interval = micro_f1_interval(gold, good, samples=300)
    assert interval.estimate == pytest.approx(micro_f1(gold, good))
    assert interval.low < interval.estimate < interval.high
    # identical runs: noise only; a clearly better run: an interval above 0
    assert paired_difference_interval(gold, [good], [good.copy()], samples=300).covers(0.0)
    better = np.where(generator.random(2000) < 0.5, gold, good)
    difference = paired_difference_interval(gold, [good], [better], samples=300)
    assert difference.estimate == pytest.approx(micro_f1(gold, better) - micro_f1(gold, good))
    assert not difference.covers(0.0) and difference.low > 0


def test_grouped_bootstrap_is_wider_when_rows_of_a_group_move_together() -> None:
    """Rows that share an article share their errors: resampling rows would understate the noise."""
    generator = np.random.default_rng(5)
    groups = np.repeat(np.arange(100), 20)
    gold = generator.integers(1, K, 2000)
    group_is_easy = generator.random(100) < 0.6
    predicted = np.where(group_is_easy[groups], gold, 0)  # whole groups right or whole groups missed
    by_row = micro_f1_interval(gold, predicted, samples=400)
    by_group = micro_f1_interval(gold, predicted, groups=groups, samples=400)
    assert by_group.estimate == by_row.estimate
    assert (by_group.high - by_group.low) > 2.5 * (by_row.high - by_row.low)


def log_loss(probabilities: np.ndarray, gold: np.ndarray) -> float:
    return float(-np.log(np.clip(probabilities[np.arange(len(gold)), gold], 1e-12, None)).mean())


def test_calibration_makes_em_recover_a_shifted_prior_from_flat_scores() -> None:
    """Scores 4× too flat (as scaled SVM margins can be) mislead EM; calibration on validation fixes it."""
    posterior, train_prior, test_prior, (gold_val, x_val), (_, x_test) = shifted_samples(4)

    def flatten(p: np.ndarray) -> np.ndarray:
        return p**0.25 / (p**0.25).sum(axis=1, keepdims=True)

    flat_val, flat_test = flatten(posterior(x_val, train_prior)), flatten(posterior(x_test, train_prior))
    calibration = fit_calibration(flat_val, gold_val)
    uncalibrated = em_prior(flat_test, train_prior)
    calibrated = em_prior(calibration.apply(flat_test), train_prior)
    exact = log_loss(posterior(x_val, train_prior), gold_val)
    assert log_loss(calibration.apply(flat_val), gold_val) == pytest.approx(exact, rel=0.1)
    assert log_loss(flat_val, gold_val) > 1.5 * exact
    assert np.abs(calibrated - test_prior).sum() < 0.08
    assert np.abs(calibrated - test_prior).sum() < np.abs(uncalibrated - test_prior).sum() / 2


def test_labels_missing_from_validation_keep_a_zero_prior() -> None:
    """A small validation set lacks some labels; EM must not pour the test set into them."""
    generator, sample, posterior = gaussian_world(5)
    prior = generator.dirichlet(np.ones(K))
    _, x = sample(prior, 5000)
    probabilities = posterior(x, prior)
    seen = prior.copy()
    seen[[3, 7]] = 0.0  # never in validation, yet the model gives them some probability
    seen /= seen.sum()
    estimate = em_prior(probabilities, seen)
    assert estimate[3] == estimate[7] == 0.0
    assert estimate.sum() == pytest.approx(1.0) and estimate.max() < 0.5


def test_calibration_learns_a_label_that_shows_up_as_its_neighbours_score() -> None:
    """Class 5 is scored as class 4 by the model (as `org:members` is scored as `org:member_of`),
    but its rows score class 4 a little higher. Temperature and bias cannot move that mass back
    to class 5; a matrix can, and EM then sees class 5's shift."""
    generator, sample, posterior = gaussian_world(8)
    source = generator.dirichlet(np.ones(K) * 3)
    target = shifted(source)

    def confused(x: np.ndarray, prior: np.ndarray) -> np.ndarray:
        p = posterior(x, prior)
        p[:, 4] += p[:, 5]
        p[:, 5] = 1e-6
        return p / p.sum(axis=1, keepdims=True)

    gold_val, x_val = sample(source, 20000)
    _, x_test = sample(target, 20000)
    validation, test = confused(x_val, source), confused(x_test, source)
    assert np.mean(validation.argmax(axis=1)[gold_val == 5] == 5) == 0.0  # never predicted
    calibration = fit_calibration(validation, gold_val)
    assert np.mean(calibration.apply(validation).argmax(axis=1)[gold_val == 5] == 5) > 0.3
    estimate = em_prior(calibration.apply(test), np.bincount(gold_val, minlength=K) / len(gold_val))
    assert estimate[5] == pytest.approx(target[5], rel=0.35)
    assert np.abs(estimate - target).sum() < 0.12


def test_a_label_the_model_cannot_tell_from_no_relation_gets_their_joint_share_right() -> None:
    """Class 5 looks exactly like no_relation: how the pair splits is not identifiable from the
    model's outputs, but their joint share is, and so is every other label's."""
    generator, sample, posterior = gaussian_world(6)
    source = generator.dirichlet(np.ones(K) * 3)
    source[0] = 0.3
    source /= source.sum()
    target = shifted(source)

    def twin(x: np.ndarray, prior: np.ndarray) -> np.ndarray:  # class 5 shares class 0's features
        p = posterior(x, prior)
        joint = p[:, 0] + p[:, 5]
        p[:, 0], p[:, 5] = joint * prior[0] / (prior[0] + prior[5]), joint * prior[5] / (prior[0] + prior[5])
        return p

    gold_val, x_val = sample(source, 20000)
    _, x_test = sample(target, 20000)
    validation, test = twin(x_val, source), twin(x_test, source)
    estimate = em_prior(fit_calibration(validation, gold_val).apply(test), weighted_prior(gold_val))
    assert estimate[0] + estimate[5] == pytest.approx(target[0] + target[5], abs=0.03)
    others = [k for k in range(K) if k not in (0, 5)]
    assert np.abs(estimate[others] - target[others]).sum() < 0.08


def test_calibration_of_a_single_label_validation_predicts_that_label() -> None:
    probabilities = np.random.default_rng(9).dirichlet(np.ones(K), 20)
    calibrated = fit_calibration(probabilities, np.full(20, 3)).apply(probabilities)
    assert np.all(calibrated[:, 3] == 1.0) and calibrated.sum() == 20


def test_the_predicted_interval_widens_with_an_uncertain_prior() -> None:
    from services.evidence.bootstrap import reweighted_micro_f1_interval

    generator = np.random.default_rng(7)
    gold = np.where(generator.random(3000) < 0.5, 0, generator.integers(1, K, 3000))  # half no_relation
    predicted = np.where(generator.random(3000) < 0.6, gold, generator.integers(0, K, 3000))
    ratio = generator.uniform(0.5, 2.0, K)
    fixed = reweighted_micro_f1_interval(gold, predicted, ratio, np.tile(ratio, (300, 1)))
    assert fixed.estimate == pytest.approx(micro_f1(gold, predicted, ratio[gold]))
    same_draws = micro_f1_interval(gold, predicted, weights=ratio[gold], samples=300)
    assert (fixed.low, fixed.high) == pytest.approx((same_draws.low, same_draws.high))
    wobbling = np.tile(ratio, (300, 1))
    wobbling[:, 0] *= generator.uniform(0.3, 3.0, 300)  # the estimated no_relation share moves between draws
    uncertain = reweighted_micro_f1_interval(gold, predicted, ratio, wobbling)
    assert uncertain.estimate == fixed.estimate
    assert uncertain.high - uncertain.low > 1.5 * (fixed.high - fixed.low)


def test_test_rows_of_one_group_are_resampled_together_for_the_prior_interval() -> None:
    """Test rows of one article share their scores: resampling rows would make the estimated prior
    look surer than it is, so the interval resamples whole test groups."""
    generator = np.random.default_rng(11)
    gold = np.where(generator.random(4000) < 0.3, 0, generator.integers(1, K, 4000))
    predicted = np.where(generator.random(4000) < 0.7, gold, generator.integers(0, K, 4000))
    validation = np.full((4000, K), 0.1 / (K - 1))
    validation[np.arange(4000), predicted] = 0.9
    groups = np.repeat(np.arange(60), 50)  # 60 articles of 50 rows, each all no_relation or all not
    article_label = np.where(generator.random(60) < 0.6, 0, generator.integers(1, K, 60))
    test = np.full((3000, K), 0.1 / (K - 1))
    test[np.arange(3000), article_label[groups]] = 0.9

    def width(test_groups: np.ndarray | None) -> float:
        interval = estimate_shifted_score(
            gold,
            validation,
            np.arange(4000),
            [test],
            training_prior=weighted_prior(gold),
            test_groups=test_groups,
            estimator="label",
            prior_samples=300,
        ).predicted_test_micro_f1_argmax
        return interval.high - interval.low

    by_row, by_group = width(None), width(groups)
    assert by_group > 2 * by_row
