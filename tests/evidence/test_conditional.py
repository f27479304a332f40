"""The conditional estimator on synthetic worlds where the test's truth is known: a model that
under-calls no_relation on news rows (as one trained mostly on wikipedia may), and a test that is
mostly news and mostly no_relation at once."""

import numpy as np
import pytest

from services.evidence.conditional import (
    STRATUM_MIN_ROWS,
    cross_fitted_posteriors,
    deattenuated_prior,
    drawn_sums,
    expected_sums,
    fit_conditional_calibration,
    mix_shift,
    pooled_strata,
    stratified_posteriors,
    true_positive_ratio,
    within_group_correlation,
)
from services.evidence.klue_f1 import micro_f1
from services.evidence.prior import adjusted_posteriors, em_prior, weighted_prior
from services.evidence.shift import THRESHOLDS, apply_rule, estimate_shifted_score, prepare_shifted_score

K = 30
NEWS_NO_RELATION_DEFLATION = (
    0.25  # on wikitree rows the model's no_relation probability is a quarter of its due
)


def sample(generator: np.random.Generator, sources: list[str], no_relation: dict[str, float]):  # type: ignore[no-untyped-def]
    """Rows of the given sources; the model is right 70% of the time and says so honestly under a
    30% no_relation prior, except that on wikitree rows its no_relation probability is deflated."""
    n = len(sources)
    share = np.array([no_relation[s] for s in sources])
    gold = np.where(generator.random(n) < share, 0, generator.integers(1, K, n))
    right = generator.random(n) < 0.7
    predicted = np.where(right, gold, (gold + generator.integers(1, K, n)) % K)
    likelihood = np.full((n, K), 0.3 / (K - 1))
    likelihood[np.arange(n), predicted] = 0.7
    probabilities = likelihood * np.r_[0.3, np.full(K - 1, 0.7 / (K - 1))]
    news = np.array([s == "wikitree" for s in sources])
    probabilities[news, 0] *= NEWS_NO_RELATION_DEFLATION
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    descriptors = np.stack([~news, news], axis=1).astype(float)
    return gold, probabilities, descriptors


def test_news_heavy_no_relation_heavy_test_is_predicted_where_one_calibration_misses() -> None:
    generator = np.random.default_rng(0)
    validation_sources = ["wikipedia"] * 2400 + ["wikitree"] * 800
    test_sources = ["wikipedia"] * 600 + ["wikitree"] * 2400
    gold_v, probs_v, desc_v = sample(generator, validation_sources, {"wikipedia": 0.3, "wikitree": 0.3})
    gold_t, probs_t, desc_t = sample(generator, test_sources, {"wikipedia": 0.3, "wikitree": 0.6})

    def run(estimator: str):  # type: ignore[no-untyped-def]
        return estimate_shifted_score(
            gold_v, probs_v, np.arange(len(gold_v)) // 4, [probs_t], training_prior=weighted_prior(gold_v),
            validation_covariates=desc_v, test_covariates=desc_t, test_groups=np.arange(len(gold_t)) // 4,
            validation_sources=validation_sources, test_sources=test_sources,
            estimator=estimator, prior_samples=100, seed=0,
        )  # fmt: skip

    label = run("label")
    estimates = {name: run(name) for name in ("conditional", "debiased", "matched")}
    # matched scores with EM's own prior but shows (and --match_prior_of reuses) the deattenuated one
    shown = estimates["matched"].estimated_test_prior
    assert shown == pytest.approx(estimates["debiased"].estimated_test_prior)
    for name, conditional in estimates.items():
        assert conditional.estimator == name
        submitted = micro_f1(gold_t, apply_rule(probs_t, conditional.test_threshold))
        assert conditional.estimated_test_prior[0] == pytest.approx(0.3 * 0.2 + 0.6 * 0.8, abs=0.04)
        # source × no_relation mix: validation (.225, .525, .075, .175), test (.06, .14, .48, .32)
        assert conditional.estimated_shift == pytest.approx(0.55, abs=0.05)
        # 800 wikitree validation rows measure the model there to about ±2 F1 points (one sd)
        assert abs(conditional.predicted_test_micro_f1.estimate - submitted) < 4
        interval = conditional.predicted_test_micro_f1
        assert interval.covers(submitted) and interval.low < interval.estimate < interval.high
    label_submitted = micro_f1(gold_t, apply_rule(probs_t, label.test_threshold))
    assert label.estimated_test_prior[0] < 0.45  # one EM for both sources: wikitree's no_relation is missed
    assert label.predicted_test_micro_f1.estimate - label_submitted > 3  # too high: relations it cannot see
    assert not label.predicted_test_micro_f1.covers(label_submitted)


def test_the_shift_is_how_far_the_tests_estimated_source_and_no_relation_mix_is_from_validations() -> None:
    strata = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    gold = np.array([0, 3, 5, 7, 0, 0, 2, 9])  # wikipedia: a quarter no_relation; news: half
    like_validation = np.full((4, K), 0.75 / (K - 1))
    like_validation[:, 0] = 0.25
    news_half = np.full((4, K), 0.5 / (K - 1))
    news_half[:, 0] = 0.5
    posteriors = np.vstack([like_validation, news_half])
    assert mix_shift(strata, gold, strata, posteriors) == pytest.approx(0.0)
    # the relations moving among themselves is not a shift of this mix (EM's noise would be)
    moved = posteriors.copy()
    moved[:, 1:] = np.roll(moved[:, 1:], 3, axis=1)
    assert mix_shift(strata, gold, strata, moved) == pytest.approx(0.0)
    # all news and all no_relation: validation's news-no_relation quarter is all the overlap
    assert mix_shift(strata, gold, np.ones(4, dtype=int), np.eye(K)[[0, 0, 0, 0]]) == pytest.approx(0.75)
    # a source validation has no rows of counts wholly as shift
    assert mix_shift(strata, gold, np.full(4, 2), news_half) == pytest.approx(1.0)


def test_without_rows_to_describe_the_record_says_label() -> None:
    generator = np.random.default_rng(4)
    gold, probabilities, _ = sample(generator, ["wikipedia"] * 600, {"wikipedia": 0.3})
    estimate = estimate_shifted_score(
        gold, probabilities, np.arange(600), [probabilities], training_prior=weighted_prior(gold),
        estimator="conditional", prior_samples=20,
    )  # fmt: skip
    assert estimate.estimator == "label"


def test_small_and_unknown_sources_pool_and_a_small_pool_joins_the_largest() -> None:
    big, small = ["wikipedia"] * (STRATUM_MIN_ROWS + 50), ["policy_briefing"] * 10
    validation, test = pooled_strata([*big, *small, ""], ["policy_briefing", "wikipedia", "", "new-source"])
    assert set(validation) == {0} and list(test) == [0, 0, 0, 0]  # 11 other rows: too few for a stratum
    validation, test = pooled_strata([*big, *["x"] * STRATUM_MIN_ROWS], ["wikipedia", "x", "y"])
    assert len(set(validation)) == 2 and test[0] != test[1]  # two sources large enough: two strata
    assert test[2] == test[0]  # "y", unseen in validation: with the largest (wikipedia)
    validation, test = pooled_strata([*big, *["a"] * 100, *["b"] * 100], ["a", "b", "z", "wikipedia"])
    assert test[0] == test[1] == test[2] != test[3]  # small sources together make one stratum
    assert len(set(validation)) == 2


def test_each_stratum_gets_its_own_prior() -> None:
    """Honest posteriors under a 30% validation prior; the test has 30% no_relation on one source and
    70% on the other: EM per stratum finds both, one EM for all would average them."""
    generator = np.random.default_rng(7)
    gold_v = np.where(generator.random(4000) < 0.3, 0, generator.integers(1, K, 4000))
    strata_v = np.arange(4000) % 2

    def honest(gold: np.ndarray) -> np.ndarray:
        right = generator.random(len(gold)) < 0.7
        predicted = np.where(right, gold, (gold + generator.integers(1, K, len(gold))) % K)
        likelihood = np.full((len(gold), K), 0.3 / (K - 1))
        likelihood[np.arange(len(gold)), predicted] = 0.7
        posterior = likelihood * weighted_prior(gold_v)
        return np.asarray(posterior / posterior.sum(axis=1, keepdims=True))

    strata_t = np.r_[np.zeros(3000, int), np.ones(3000, int)]
    gold_t = np.where(
        generator.random(6000) < np.where(strata_t == 0, 0.3, 0.7), 0, generator.integers(1, K, 6000)
    )
    adjusted, overall = stratified_posteriors(honest(gold_t), strata_t, gold_v, strata_v)
    assert adjusted[strata_t == 0, 0].mean() == pytest.approx(0.3, abs=0.04)
    assert adjusted[strata_t == 1, 0].mean() == pytest.approx(0.7, abs=0.04)
    assert overall[0] == pytest.approx(0.5, abs=0.03)
    assert np.allclose(adjusted.sum(axis=1), 1.0)


def test_a_stratum_whose_validation_rows_all_drop_out_of_a_resample_uses_the_whole_prior() -> None:
    """A validation resample can draw no row of a source: its test rows are then moved from the
    whole validation prior, and every test row still gets a distribution."""
    generator = np.random.default_rng(3)
    gold_v = generator.integers(0, K, 600)
    strata_v = np.r_[np.zeros(300, int), np.ones(300, int)]
    gold_v[:300][gold_v[:300] == 5] = 6  # the rows left in lack label 5
    counted = np.where(strata_v == 1, 0.0, 1.0)  # source 1 left out of this resample
    posteriors = generator.dirichlet(np.ones(K), 400)
    strata_t = np.r_[np.zeros(200, int), np.ones(200, int)]
    adjusted, overall = stratified_posteriors(
        posteriors, strata_t, gold_v, strata_v, validation_weights=counted
    )
    assert np.allclose(adjusted.sum(axis=1), 1.0) and np.isfinite(adjusted).all()
    assert overall.sum() == pytest.approx(1.0)
    whole = np.bincount(gold_v[strata_v == 0], minlength=K) / 300
    # source 1's own rows have label 5 but weigh nothing: its test rows lack it as the resample does
    assert whole[5] == 0 and np.all(adjusted[:, 5] == 0)


def test_drawn_labels_follow_the_posteriors_and_expected_sums_count_predictions_exactly() -> None:
    generator = np.random.default_rng(11)
    posteriors = np.tile(np.r_[0.5, 0.3, 0.2, np.zeros(K - 3)], (20000, 1))
    predicted = np.ones(20000, dtype=int)
    drawn = drawn_sums(posteriors, predicted, generator)
    assert drawn[:, 0].mean() == pytest.approx(0.3, abs=0.01)  # right when label 1 is drawn
    assert drawn[:, 2].mean() == pytest.approx(0.5, abs=0.01)  # a relation drawn half the time
    expected = expected_sums(posteriors, predicted)
    assert np.allclose(expected.mean(axis=0), [0.3, 1.0, 0.5])


def test_copies_of_a_row_draw_one_label() -> None:
    generator = np.random.default_rng(12)
    posteriors = np.tile(np.r_[0.5, 0.3, 0.2, np.zeros(K - 3)], (3000, 1))
    predicted = np.ones(3000, dtype=int)
    copies = np.arange(3000) // 3  # 1000 rows, each three times
    drawn = drawn_sums(posteriors, predicted, generator, copies)
    assert (drawn.reshape(1000, 3, 3) == drawn[::3][:, None, :]).all()  # a row's copies agree
    assert drawn[::3, 2].mean() == pytest.approx(0.5, abs=0.05)  # and still follow the posteriors
    assert len(np.unique(drawn[::3, 2])) == 2  # distinct rows still differ


def test_a_test_that_repeats_its_rows_gets_the_interval_of_its_distinct_rows() -> None:
    """750 rows, each four times: as uncertain as 750 rows, not as sure as 3000 different ones."""
    generator = np.random.default_rng(13)
    sources = ["wikipedia"] * 2400 + ["wikitree"] * 800
    gold_v, probs_v, desc_v = sample(generator, sources, {"wikipedia": 0.3, "wikitree": 0.3})
    _, once_t, once_desc = sample(generator, ["wikitree"] * 750, {"wikitree": 0.5})

    def width(times: int, copies: np.ndarray | None) -> float:
        rows = 750 * times
        interval = estimate_shifted_score(
            gold_v, probs_v, np.arange(len(gold_v)), [np.repeat(once_t, times, axis=0)],
            training_prior=weighted_prior(gold_v), validation_covariates=desc_v,
            test_covariates=np.repeat(once_desc, times, axis=0), test_groups=np.arange(rows) // times,
            test_copies=copies, validation_sources=sources, test_sources=["wikitree"] * rows,
            estimator="matched", seed=0,
        ).predicted_test_micro_f1  # fmt: skip
        return interval.high - interval.low

    once, repeated = width(1, None), width(4, np.arange(3000) // 4)
    assert repeated == pytest.approx(once, rel=0.1)
    assert repeated > 1.1 * width(4, None)  # taken for 3000 different rows it would look surer


def test_a_test_of_a_few_rows_gets_an_interval_inside_the_scale() -> None:
    """Three test rows: the refits spread over more than 0-100, the interval stops where F1 does."""
    generator = np.random.default_rng(14)
    sources = ["wikipedia"] * 900 + ["wikitree"] * 300
    gold_v, probs_v, desc_v = sample(generator, sources, {"wikipedia": 0.3, "wikitree": 0.3})
    _, probs_t, desc_t = sample(generator, ["wikitree"] * 3, {"wikitree": 0.5})
    estimate = estimate_shifted_score(
        gold_v, probs_v, np.arange(len(gold_v)), [probs_t], training_prior=weighted_prior(gold_v),
        validation_covariates=desc_v, test_covariates=desc_t, test_groups=np.arange(3),
        validation_sources=sources, test_sources=["wikitree"] * 3, estimator="matched", seed=0,
    )  # fmt: skip
    for interval in (estimate.predicted_test_micro_f1, estimate.predicted_test_micro_f1_argmax):
        assert 0.0 <= interval.low <= interval.estimate <= interval.high <= 100.0
    submitted = estimate.predicted_test_micro_f1
    assert submitted.high - submitted.low > 40  # it still says how little three rows tell


def test_rows_of_a_group_that_fail_together_are_seen_as_alike() -> None:
    generator = np.random.default_rng(3)
    rows, size = 3000, 5
    groups = np.arange(rows) // size
    posterior = np.tile(np.r_[0.2, 0.6, 0.2, np.zeros(K - 3)], (rows, 1))
    predicted = np.ones(rows, dtype=int)
    independent = np.array([generator.choice(K, p=row) for row in posterior])
    shared = np.repeat([generator.choice(K, p=posterior[0]) for _ in range(rows // size)], size)
    assert within_group_correlation(posterior, independent, predicted, groups) < 0.05
    assert within_group_correlation(posterior, shared, predicted, groups) > 0.8


def shrunk(probabilities: np.ndarray, prior: np.ndarray, keep: float = 0.5) -> np.ndarray:
    """Posteriors pulled halfway to the prior: calibrated on average, too timid row by row (what a
    calibration does out of sample when it has too few rows)."""
    return keep * probabilities + (1 - keep) * prior


def noisy(probabilities: np.ndarray, seed: int, sigma: float = 1.0) -> np.ndarray:
    """Posteriors with row-by-row noise in log space: what a calibration fitted on too few rows
    says of rows it has not seen."""
    noise = np.exp(sigma * np.random.default_rng(seed).standard_normal(probabilities.shape))
    moved = probabilities * noise
    return np.asarray(moved / moved.sum(axis=1, keepdims=True))


def test_em_on_noisy_posteriors_undershoots_a_shift_and_deattenuation_recovers_it() -> None:
    generator = np.random.default_rng(7)
    gold_v, probs_v, _ = sample(generator, ["wikipedia"] * 4000, {"wikipedia": 0.3})
    gold_t, probs_t, _ = sample(generator, ["wikipedia"] * 4000, {"wikipedia": 0.6})
    source = weighted_prior(gold_v)
    honest = em_prior(probs_t, source, tolerance=1e-6)  # what these 4,000 rows allow
    assert honest[0] == pytest.approx(np.mean(gold_t == 0), abs=0.03)
    noisy_v, noisy_t = noisy(probs_v, 1), noisy(probs_t, 2)
    estimated = em_prior(noisy_t, source, tolerance=1e-6)
    assert estimated[0] < honest[0] - 0.015  # pulled towards validation's 0.3
    recovered = deattenuated_prior(estimated, source, noisy_v, gold_v, np.ones(len(gold_v)))
    assert recovered[0] == pytest.approx(honest[0], abs=0.015)
    assert recovered.sum() == pytest.approx(1.0) and (recovered >= 0).all()
    # with honest posteriors there is little to undo: κ stays near 1
    assert deattenuated_prior(honest, source, probs_v, gold_v, np.ones(len(gold_v)))[0] == pytest.approx(
        honest[0], abs=0.015
    )


def test_true_positive_ratio_is_what_validation_scored_over_what_its_posteriors_expected() -> None:
    generator = np.random.default_rng(8)
    gold, probabilities, _ = sample(generator, ["wikipedia"] * 3000, {"wikipedia": 0.3})
    predicted = probabilities.argmax(axis=1)
    relation = predicted != 0
    right = float(np.sum((gold == predicted) & relation))
    timid = shrunk(probabilities, weighted_prior(gold))
    expected = float(np.sum(timid[np.arange(len(gold)), predicted] * relation))
    assert true_positive_ratio(timid, gold, predicted) == pytest.approx(right / expected)
    assert true_positive_ratio(timid, gold, predicted) > 1.3  # timid posteriors expect too few
    assert true_positive_ratio(probabilities, gold, predicted) == pytest.approx(1.0, abs=0.06)
    weights = np.where(relation, 2.0, 0.0)  # weights count rows: only predicted relations matter here
    assert true_positive_ratio(timid, gold, predicted, weights) == pytest.approx(right / expected)
    nothing = np.zeros(len(gold), dtype=int)  # no relation predicted: nothing to scale
    assert true_positive_ratio(timid, gold, nothing) == 1.0


def test_cross_fitting_is_repeated_over_splits_and_corrections_average_over_them() -> None:
    generator = np.random.default_rng(9)
    gold, probabilities, _ = sample(generator, ["wikipedia"] * 1200, {"wikipedia": 0.3})
    descriptors = np.zeros((len(gold), 1))
    groups = np.arange(len(gold)) // 4
    full = fit_conditional_calibration(probabilities, descriptors, gold)
    splits = cross_fitted_posteriors(probabilities, descriptors, gold, groups, full, repeats=3, seed=1)
    assert splits.shape == (3, len(gold), K)
    assert np.allclose(splits.sum(axis=2), 1.0)
    assert not np.allclose(splits[0], splits[1])  # another split, other calibrations
    # every row is calibrated out of sample: not what the calibration fitted on all rows says
    assert not np.allclose(splits[0], full.apply(probabilities, descriptors))
    predicted = probabilities.argmax(axis=1)
    relation = predicted != 0
    right = float(np.sum((gold == predicted) & relation))
    expected = np.mean([float(np.sum(split[np.arange(len(gold)), predicted] * relation)) for split in splits])
    assert true_positive_ratio(splits, gold, predicted) == pytest.approx(right / expected)
    # one split alone, stacked or not, gives the same corrections
    assert true_positive_ratio(splits[:1], gold, predicted) == pytest.approx(
        true_positive_ratio(splits[0], gold, predicted)
    )
    source, target = weighted_prior(gold), np.r_[0.5, np.full(K - 1, 0.5 / (K - 1))]
    weights = np.ones(len(gold))
    assert deattenuated_prior(target, source, splits[:1], gold, weights) == pytest.approx(
        deattenuated_prior(target, source, splits[0], gold, weights)
    )
    prior = deattenuated_prior(target, source, splits, gold, weights)
    assert prior.sum() == pytest.approx(1.0) and prior[0] >= target[0] - 1e-9  # moved on, never back


def test_matched_ratio_reads_validation_as_if_it_had_the_test_mix() -> None:
    """Posteriors as sure of label 5 as of the others while it is mostly wrong there: a ratio
    read at validation's mix barely sees it; matched to a test rich in label 5 it does."""
    generator = np.random.default_rng(10)
    gold, probabilities, _ = sample(generator, ["wikipedia"] * 3000, {"wikipedia": 0.3})
    predicted = probabilities.argmax(axis=1)
    wrong_fives = (gold == 5) & (generator.random(len(gold)) < 0.8)
    predicted[wrong_fives] = 6  # the model says 6 on most fives, as sure as ever
    posteriors = probabilities.copy()
    posteriors[wrong_fives] = posteriors[wrong_fives][:, np.r_[0:5, 6, 5, 7:K]]
    source = weighted_prior(gold)
    plain = true_positive_ratio(posteriors, gold, predicted)
    assert true_positive_ratio(posteriors, gold, predicted, test_prior=source) == pytest.approx(plain)
    rich = source.copy()
    rich[5] *= 10
    rich /= rich.sum()
    matched = true_positive_ratio(posteriors, gold, predicted, test_prior=rich)
    weights = (rich / source)[gold]
    adjusted = adjusted_posteriors(posteriors, source, rich)
    relation = predicted != 0
    expected = float(np.sum(weights * adjusted[np.arange(len(gold)), predicted] * relation))
    assert matched == pytest.approx(float(np.sum(weights * ((gold == predicted) & relation))) / expected)
    assert matched < plain - 0.05  # the test's fives are where the posteriors promise too much


def test_the_curve_is_the_point_estimate_each_rule_finishes_with() -> None:
    """What the folds choose the submitted rule from (services.evidence.folds) is what the finished
    estimate then reports for that rule; an estimator without a curve finishes only at its own."""
    generator = np.random.default_rng(11)
    sources = ["wikipedia"] * 900 + ["wikitree"] * 300
    gold_v, probs_v, desc_v = sample(generator, sources, {"wikipedia": 0.3, "wikitree": 0.3})
    gold_t, probs_t, desc_t = sample(generator, sources[::2], {"wikipedia": 0.5, "wikitree": 0.6})
    del gold_t  # the estimators never see it

    def prepare(estimator: str):  # type: ignore[no-untyped-def]
        return prepare_shifted_score(
            gold_v, probs_v, np.arange(len(gold_v)) // 3, [probs_t], training_prior=weighted_prior(gold_v),
            validation_covariates=desc_v, test_covariates=desc_t, validation_sources=sources,
            test_sources=sources[::2], estimator=estimator, prior_samples=20, seed=0,
        )  # fmt: skip

    matched = prepare("matched")
    assert matched.scores is not None and len(matched.scores) == len(THRESHOLDS)
    assert matched.best_threshold == THRESHOLDS[int(np.argmax(matched.scores))]
    for threshold in (None, 0.5, 0.9):
        finished = matched.finish(threshold)
        assert finished.test_threshold == threshold
        expected = matched.scores[THRESHOLDS.index(threshold)]
        assert finished.predicted_test_micro_f1.estimate == pytest.approx(expected)
    label = prepare("label")
    assert label.scores is None
    assert label.finish(label.best_threshold).test_threshold == label.best_threshold
    other = next(t for t in THRESHOLDS if t != label.best_threshold)
    with pytest.raises(ValueError, match="chooses its own threshold"):
        label.finish(other)
