"""The predicted test score over calibration folds: one threshold for all, the median of the folds'
estimates at it."""

import numpy as np

from services.evidence.bootstrap import Interval
from services.evidence.folds import (
    estimate_over_folds,
    joint_threshold,
    median_interval,
    median_over_folds,
    unseen_error_widen,
)
from services.evidence.shift import THRESHOLDS, PreparedEstimate, ShiftEstimate


def estimate(
    score: Interval, threshold: float | None, no_relation: float, shift: float = 0.44
) -> ShiftEstimate:
    prior = np.full(30, (1 - no_relation) / 29)
    prior[0] = no_relation
    return ShiftEstimate(
        estimator="matched", validation_micro_f1=70.0, validation_threshold=0.5,
        validation_micro_f1_at_threshold=71.0, test_threshold=threshold, predicted_test_micro_f1=score,
        predicted_test_micro_f1_argmax=Interval(score.estimate - 1, score.low - 1, score.high - 1),
        estimated_test_prior=prior, validation_prior=np.full(30, 1 / 30), training_prior=np.full(30, 1 / 30),
        covariate_effective_rows=100.0, test_rows=300, estimated_shift=shift,
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
    assert [fold["own_threshold"] for fold in recorded] == [0.5, 0.3, None]
    assert [fold["predicted_test_micro_f1"]["estimate"] for fold in recorded] == [53.8, 45.4, 54.3]


def test_without_resamples_each_end_of_the_interval_is_its_own_median() -> None:
    folds = [estimate(Interval(50, 44, 56), 0.5, 0.6), estimate(Interval(52, 49, 55), 0.5, 0.6),
             estimate(Interval(51, 42, 60), 0.5, 0.6)]  # fmt: skip
    assert median_over_folds(folds).predicted_test_micro_f1 == Interval(51, 44, 56)
    alone = median_over_folds(folds[:1])
    assert alone.predicted_test_micro_f1 == folds[0].predicted_test_micro_f1 and len(alone.folds) == 1


def prepared(curve: list[float] | None, own: float | None, finished: list[float | None]) -> PreparedEstimate:
    """A fold whose estimator scored `curve` over THRESHOLDS; `finished` logs where it was finished."""

    def finish(threshold: float | None) -> ShiftEstimate:
        finished.append(threshold)
        score = curve[THRESHOLDS.index(threshold)] if curve is not None else 50.0
        return estimate(Interval(score, score - 4, score + 4), threshold, 0.6)

    return PreparedEstimate(own, finish, None if curve is None else tuple(curve))


def test_every_fold_is_finished_at_the_rule_their_median_curve_likes_best() -> None:
    """The submitted model's own curve peaks at an extreme threshold (its EM put no_relation far too
    low); the other two folds, and so the median, peak elsewhere: that rule is submitted."""
    index = {t: k for k, t in enumerate(THRESHOLDS)}
    submitted = [50.0] * len(THRESHOLDS)
    submitted[index[0.95]] = 58.0  # its own best
    submitted[index[0.5]] = 54.0
    others = [[50.0] * len(THRESHOLDS) for _ in range(2)]
    others[0][index[0.5]], others[1][index[0.5]] = 55.0, 53.0
    others[0][index[0.95]], others[1][index[0.95]] = 47.0, 46.0
    curves = [submitted, *others]
    assert joint_threshold(curves) == 0.5
    finished: list[list[float | None]] = [[], [], []]
    own = [THRESHOLDS[int(np.argmax(curve))] for curve in curves]
    folds = [prepared(curve, t, log) for curve, t, log in zip(curves, own, finished, strict=True)]
    combined = estimate_over_folds(folds)
    assert finished == [[0.5], [0.5], [0.5]]  # each fold once, at the joint rule
    assert combined.test_threshold == 0.5  # what `predict` applies
    assert combined.predicted_test_micro_f1 == Interval(54.0, 50.0, 58.0)  # the median at that rule
    assert [fold["own_threshold"] for fold in combined.as_dict()["folds"]] == [0.95, 0.5, 0.5]


def test_folds_without_curves_are_each_finished_at_their_own_threshold() -> None:
    finished: list[list[float | None]] = [[], []]
    combined = estimate_over_folds([prepared(None, 0.3, finished[0]), prepared(None, None, finished[1])])
    assert finished == [[0.3], [None]] and combined.test_threshold == 0.3


def resampled_folds(estimates: list[float], seed: int = 0) -> list[Interval]:
    """Three folds' intervals from 400 refits each: the test's luck (sd 1) shared by all, each fold's
    own calibration noise (sd 2) not."""
    generator = np.random.default_rng(seed)
    shared = generator.normal(0, 1, 400)
    intervals = []
    for estimate in estimates:
        draws = estimate + shared + generator.normal(0, 2, 400)
        half = 1.96 * float(np.std(draws, ddof=1))
        intervals.append(Interval(estimate, estimate - half, estimate + half, tuple(map(float, draws))))
    return intervals


def test_the_median_keeps_the_shared_luck_and_shrinks_each_folds_own_noise() -> None:
    folds = resampled_folds([50.0, 50.5, 49.5])  # they agree as closely as their refits say they should
    combined = median_interval(folds)
    half = (combined.high - combined.low) / 2
    assert combined.estimate == 50.0
    # narrower than one fold's (sd √5: 4.4) but never narrower than the luck they share (sd 1: 1.96)
    assert 1.96 < half < min((f.high - f.low) / 2 for f in folds) - 0.5
    # the median of 3 normal draws: variance ≈ 0.45 of one's, so sd ≈ √(1 + 0.45 · 4) ≈ 1.67
    assert abs(half / 1.96 - np.sqrt(1 + 0.45 * 4)) < 0.2


def test_folds_that_disagree_more_than_their_refits_say_widen_the_interval() -> None:
    agreeing = median_interval(resampled_folds([50.0, 50.5, 49.5]))
    apart = median_interval(resampled_folds([44.0, 50.0, 56.0]))  # variance 36 against the refits' 4
    assert apart.estimate == 50.0
    assert apart.high - apart.low > 1.5 * (agreeing.high - agreeing.low)
    assert median_interval(resampled_folds([44.0, 50.0, 56.0])) == apart  # seeded: the same every time


def test_one_fold_with_resamples_keeps_its_own_interval() -> None:
    (fold,) = resampled_folds([50.0])
    alone = median_interval([fold])
    assert alone.estimate == 50.0 and abs(alone.low - fold.low) < 1e-3 and abs(alone.high - fold.high) < 1e-3


def test_the_products_interval_is_the_medians_widened_for_what_the_refits_cannot_see() -> None:
    folds = resampled_folds([60.0, 60.5, 59.5])
    plain = median_interval(folds)
    shifts = [0.5, 0.2, 0.3]  # each fold's estimated shift: their median widens
    combined = median_over_folds([estimate(fold, 0.5, 0.6, d) for fold, d in zip(folds, shifts, strict=True)])
    interval = combined.predicted_test_micro_f1
    assert interval.estimate == plain.estimate == 60.0 and combined.estimated_shift == 0.3
    assert np.isclose(interval.high - interval.low, np.sqrt(1.3) * (plain.high - plain.low))
    assert np.isclose(interval.high - interval.estimate, interval.estimate - interval.low)  # still centred
    assert combined.as_dict()["estimated_shift"] == 0.3  # recorded with the run
    near_top = median_over_folds([estimate(fold, 0.5, 0.6) for fold in resampled_folds([99.0, 99.5, 98.5])])
    assert near_top.predicted_test_micro_f1.high == 100.0  # widened, it still stops where micro-F1 does


def test_the_widening_grows_with_the_shift_and_is_none_without_one() -> None:
    assert unseen_error_widen(0.0) == 1.0
    assert np.isclose(unseen_error_widen(0.44), 1.2)  # the constant it replaced, at (a)-(d)'s mean shift
    assert unseen_error_widen(0.1) < unseen_error_widen(0.5) < unseen_error_widen(1.0) == np.sqrt(2)
    assert unseen_error_widen(-0.01) == 1.0  # never narrower than the refits say
    unshifted = median_over_folds([estimate(fold, 0.5, 0.6, 0.0) for fold in resampled_folds([60.0, 60.5])])
    assert unshifted.predicted_test_micro_f1 == median_interval(resampled_folds([60.0, 60.5]))
