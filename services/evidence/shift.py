"""The predicted test score of what `predict` submits, under label and covariate shift.

One estimator, used by `roundtrip train --test_file`, `roundtrip report run`, REST, /ui and
`bench/gap.py` alike, from a model's probabilities on validation rows (gold known) and on the
unlabeled test rows, plus label-free descriptors of both (source, entity types, lengths, whether
each entity word and the pair occur in training):

1. Covariate shift (variants with "covariate"; importance-weighted validation, Sugiyama et al.
   2007): a classifier tells validation rows from test rows by their descriptors (with
   "confidence", also by the model's certainty, as ATC and DoC read it); each validation row
   weighs p(test | x) / p(validation | x), clipped.
2. Label shift: the probabilities are calibrated on the (weighted) validation rows (matrix
   scaling) and EM (Saerens et al. 2002) estimates the test label prior from the test
   probabilities. "label" variants reweight each validation row by estimated test prior /
   validation prior of its gold label; "expected" variants score the test rows themselves with
   their prior-adjusted calibrated posteriors (predicted relations counted, true positives and
   gold relations expected).
3. The decision rule: for "label" variants the `no_relation` threshold for the test is the one
   that serves the reweighted validation best, and the score predicted for it is cross-fitted:
   validation groups fall into two halves, the threshold chosen on one half grades the other, so no
   row grades the threshold it chose. "expected" and "conditional" choose the threshold whose
   expected score on the test rows is best: no gold label is read there, the choice rides on the
   calibration only (and the bench measures the result: no optimism in its signed errors). Over
   calibration folds the choice is theirs together: the rule whose median over the folds' scores
   is best (services.evidence.folds; `prepare_shifted_score` gives each fold's scores).
4. The interval resamples whole validation groups and, for the prior, whole test groups (EM again
   on each resample); "conditional" also refits its calibration and draws the test's luck.

`ESTIMATORS` lists the variants the bench compares; `CHOSEN` is the one the product applies and
records (a run's `test_estimate.estimator`): "matched", whose steps live in
services/evidence/conditional.py (calibration on model output and descriptors, the prior per source, the
test rows' expected score with its true positives corrected out of sample, the correction read off
validation reweighted to the estimated test prior).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

import numpy as np
from sklearn.linear_model import LogisticRegression

from services.evidence.bootstrap import Interval, group_counts, reweighted_micro_f1_interval
from services.evidence.calibration import fit_calibration
from services.evidence.conditional import (
    conditional_fit,
    conditional_intervals,
    cross_fitted_posteriors,
    expected_f1,
    fit_conditional_calibration,
    mix_shift,
    pooled_strata,
    stratified_posteriors,
    true_positive_ratio,
)
from services.evidence.klue_f1 import NO_RELATION_ID, micro_f1
from services.evidence.prior import adjusted_posteriors, em_prior, prior_ratio, weighted_prior
from shared.re_data.labels import labels

# Row weights (none; covariate; confidence+covariate) × how the score is formed (label: validation
# reweighted to EM's test prior; expected: the test rows' own expected score from calibrated,
# prior-adjusted posteriors); "conditional" (services.evidence.conditional): calibration that reads
# the row's descriptors, the prior per source, the expected score; "debiased": "conditional" with EM's
# shift deattenuated and the expected true positives scaled, both from validation's cross-fitted
# posteriors (chosen after fresh-2, measured on fresh-3 and fresh-4); "matched": "conditional" with
# the expected true positives scaled by the ratio validation shows when reweighted to the estimated
# test prior, EM's estimate kept. CHOSEN on the cached models of every set up to fresh-4 (41 per
# family: mean |gap| 2.42 / 0.99 / 1.41 / 2.38 against debiased's 2.74 / 1.22 / 1.50 / 2.43 in
# families (a)-(d), estimator seed 0), measured on fresh-5, and with its interval mended on fresh-6
# (README, Evidence).
# The others are kept to be compared.
ESTIMATORS = (
    "label", "covariate+label", "confidence+covariate+label", "expected", "covariate+expected", "conditional",
    "debiased", "matched",
)  # fmt: skip
CONDITIONAL = {"conditional": None, "debiased": "debiased", "matched": "matched"}  # estimator → correction
CHOSEN = "matched"
THRESHOLDS: tuple[float | None, ...] = (None, *[round(t, 2) for t in np.linspace(0.05, 0.95, 19)])
P = ParamSpec("P")
MAX_WEIGHT = 20.0  # importance weights are clipped to [1/20, 20]: a few rows must not carry the score


def covariate_weights(validation_covariates: np.ndarray, test_covariates: np.ndarray) -> np.ndarray:
    """p_test(x) / p_validation(x) per validation row, from a balanced logistic regression that
    tells the two sets apart (balanced: its odds are the density ratio); mean 1."""
    features = np.vstack([validation_covariates, test_covariates])
    is_test = np.r_[np.zeros(len(validation_covariates)), np.ones(len(test_covariates))]
    if len(test_covariates) == 0 or len(validation_covariates) == 0:
        return np.ones(len(validation_covariates))
    classifier = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(features, is_test)
    p_test = np.clip(classifier.predict_proba(validation_covariates)[:, 1], 1e-6, 1 - 1e-6)
    weights = np.clip(p_test / (1 - p_test), 1 / MAX_WEIGHT, MAX_WEIGHT)
    return np.asarray(weights / weights.mean())


def confidence_features(probabilities: np.ndarray) -> np.ndarray:
    """How sure the model is on a row (label-free: its own output): top probability, the margin to
    the runner-up, normalised entropy, and its no_relation probability."""
    ordered = np.sort(probabilities, axis=1)
    entropy = -(probabilities * np.log(np.clip(probabilities, 1e-12, None))).sum(axis=1) / np.log(
        probabilities.shape[1]
    )
    return np.stack(
        [ordered[:, -1], ordered[:, -1] - ordered[:, -2], entropy, probabilities[:, NO_RELATION_ID]], axis=1
    )


def apply_rule(probabilities: np.ndarray, threshold: float | None) -> np.ndarray:
    """argmax, or `no_relation` whenever its probability reaches `threshold` (else the best relation)."""
    if threshold is None:
        return np.asarray(probabilities.argmax(axis=1))
    relations = probabilities.copy()
    relations[:, NO_RELATION_ID] = -np.inf
    return np.where(probabilities[:, NO_RELATION_ID] >= threshold, NO_RELATION_ID, relations.argmax(axis=1))


def best_threshold(gold: np.ndarray, probabilities: np.ndarray, weights: np.ndarray | None) -> float | None:
    scores = [micro_f1(gold, apply_rule(probabilities, t), weights) for t in THRESHOLDS]
    return THRESHOLDS[int(np.argmax(scores))]


def halves(groups: np.ndarray, seed: int) -> np.ndarray:
    """0 or 1 per row, whole groups together, drawn with `seed`."""
    _, index = np.unique(groups, return_inverse=True)
    side = np.random.default_rng(seed).permutation(index.max() + 1) % 2
    return np.asarray(side[index])


def cross_fitted_predictions(
    gold: np.ndarray, probabilities: np.ndarray, weights: np.ndarray, groups: np.ndarray, seed: int
) -> np.ndarray:
    """Each row predicted with the threshold chosen (weighted) on the other half of the groups."""
    side = halves(groups, seed)
    predicted = np.empty(len(gold), dtype=int)
    for half in (0, 1):
        chooser = side != half
        threshold = best_threshold(gold[chooser], probabilities[chooser], weights[chooser])
        predicted[side == half] = apply_rule(probabilities[side == half], threshold)
    return predicted


@dataclass(frozen=True)
class ShiftEstimate:
    estimator: str
    validation_micro_f1: float  # plain: argmax, validation as it is
    validation_threshold: float | None  # the threshold validation itself likes best
    validation_micro_f1_at_threshold: float  # …and its score there (chosen and graded on the same rows)
    test_threshold: float | None  # the threshold for the estimated test mix: what `predict` applies
    predicted_test_micro_f1: Interval  # of the rule `predict` applies (cross-fitted threshold)
    predicted_test_micro_f1_argmax: Interval  # of plain argmax under the estimated test mix
    estimated_test_prior: np.ndarray
    validation_prior: np.ndarray
    training_prior: np.ndarray
    covariate_effective_rows: float  # Kish's effective sample size of the importance weights
    test_rows: int
    # per calibration fold (services.evidence.folds): its model's predicted score at test_threshold,
    # and the threshold its own curve likes best
    folds: tuple[tuple[Interval, float | None], ...] = ()
    # how far the test is from validation in source × no_relation mix (conditional.mix_shift; over
    # folds their median): it widens the interval (services.evidence.folds.unseen_error_widen)
    estimated_shift: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        def by_label(prior: np.ndarray) -> dict[str, float]:
            return {label: round(float(share), 5) for label, share in zip(labels(), prior, strict=True)}

        return {
            "estimator": self.estimator,
            "validation_micro_f1": round(self.validation_micro_f1, 3),
            "validation_threshold": self.validation_threshold,
            "validation_micro_f1_at_threshold": round(self.validation_micro_f1_at_threshold, 3),
            "test_threshold": self.test_threshold,
            "predicted_test_micro_f1": self.predicted_test_micro_f1.as_dict(),
            "predicted_test_micro_f1_argmax": self.predicted_test_micro_f1_argmax.as_dict(),
            "covariate_effective_rows": round(self.covariate_effective_rows, 1),
            "test_rows": self.test_rows,
            "estimated_shift": round(self.estimated_shift, 4),
            "folds": [  # each fold's score at test_threshold, and the threshold it would choose alone
                {"predicted_test_micro_f1": score.as_dict(), "own_threshold": threshold}
                for score, threshold in self.folds
            ],
            "prior": {
                "training": by_label(self.training_prior),
                "validation": by_label(self.validation_prior),
                "estimated_test": by_label(self.estimated_test_prior),
            },
        }


def recorded_name(estimator: str, with_covariates: bool) -> str:
    """What ran: a covariate variant without validation rows to describe is its plain variant."""
    return estimator if with_covariates else estimator.rsplit("+", 1)[-1]


@dataclass(frozen=True)
class PreparedEstimate:
    """An estimator fitted up to its choice of threshold. `scores`: its point estimate of each rule
    in THRESHOLDS (the conditional estimators; None where an estimator chooses inside, as the label
    and expected variants do); `finish(threshold)`: the estimate, intervals included, for that rule
    (an estimator without `scores` finishes only at its own `best_threshold`)."""

    best_threshold: float | None
    finish: Callable[[float | None], ShiftEstimate]
    scores: tuple[float, ...] | None = None


def _finished(estimate: ShiftEstimate) -> PreparedEstimate:
    def finish(threshold: float | None) -> ShiftEstimate:
        if threshold != estimate.test_threshold:
            raise ValueError(f"the {estimate.estimator!r} estimator chooses its own threshold")
        return estimate

    return PreparedEstimate(estimate.test_threshold, finish)


def prepare_shifted_score(
    validation_gold: np.ndarray,
    validation_probabilities: np.ndarray,
    validation_groups: np.ndarray,
    test_probabilities: Sequence[np.ndarray],
    *,
    training_prior: np.ndarray,
    validation_covariates: np.ndarray | None = None,
    test_covariates: np.ndarray | None = None,
    test_groups: np.ndarray | None = None,
    test_copies: np.ndarray | None = None,
    validation_sources: Sequence[str] | None = None,
    test_sources: Sequence[str] | None = None,
    estimator: str = CHOSEN,
    prior_samples: int = 300,
    seed: int = 0,
) -> PreparedEstimate:
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; choose from {', '.join(ESTIMATORS)}")
    gold, probabilities = validation_gold, validation_probabilities
    if estimator in CONDITIONAL:
        if validation_covariates is None or test_covariates is None:
            estimator = "label"  # nothing to condition on (a run recorded before its rows were kept)
        else:
            return _prepare_conditional(
                gold, probabilities, validation_groups, validation_covariates,
                validation_sources or [""] * len(gold), np.mean(test_probabilities, axis=0),
                test_covariates, test_sources or [""] * len(test_covariates), test_groups,
                training_prior, seed, correction=CONDITIONAL[estimator], test_copies=test_copies,
            )  # fmt: skip
    with_covariates = "covariate" in estimator and validation_covariates is not None
    if with_covariates:
        assert validation_covariates is not None and test_covariates is not None
        if estimator.startswith("confidence"):  # the model's own certainty joins the descriptors
            validation_covariates = np.hstack([validation_covariates, confidence_features(probabilities)])
            mean_test = np.mean(test_probabilities, axis=0)
            test_covariates = np.hstack([test_covariates, confidence_features(mean_test)])
        covariate = covariate_weights(validation_covariates, test_covariates)
    else:
        covariate = np.ones(len(gold))
    calibration = fit_calibration(probabilities, gold, covariate)
    ensemble = np.mean([calibration.apply(p) for p in test_probabilities], axis=0)
    source = weighted_prior(gold, covariate)
    mode = estimator.rsplit("+", 1)[-1] if "+" in estimator else estimator
    if mode == "expected":
        return _finished(_expected_estimate(
            recorded_name(estimator, with_covariates),
            gold, probabilities, covariate, ensemble, source, test_probabilities, test_groups,
            training_prior, prior_samples, seed,
        ))  # fmt: skip
    test_prior = em_prior(ensemble, source)
    sampled_priors = _resampled_priors(ensemble, source, test_groups, prior_samples, seed + 1)
    row_weights = covariate * prior_ratio(test_prior, source)[gold]

    sampled_ratios = np.array([prior_ratio(p, source) for p in sampled_priors])
    submitted = cross_fitted_predictions(gold, probabilities, row_weights, validation_groups, seed)

    def interval(predicted: np.ndarray) -> Interval:
        return reweighted_micro_f1_interval(
            gold, predicted, prior_ratio(test_prior, source), sampled_ratios,
            row_weights=covariate, groups=validation_groups, seed=seed,
        )  # fmt: skip

    return _finished(
        ShiftEstimate(
            **_validation_figures(gold, probabilities, covariate),
            estimator=recorded_name(estimator, with_covariates),
            test_threshold=best_threshold(gold, probabilities, row_weights),
            predicted_test_micro_f1=interval(submitted),
            predicted_test_micro_f1_argmax=interval(probabilities.argmax(axis=1)),
            estimated_test_prior=test_prior,
            training_prior=training_prior,
            test_rows=len(ensemble),
        )
    )


def _at_own_threshold(prepare: Callable[P, PreparedEstimate]) -> Callable[P, ShiftEstimate]:
    def estimate(*args: P.args, **kwargs: P.kwargs) -> ShiftEstimate:
        prepared = prepare(*args, **kwargs)
        return prepared.finish(prepared.best_threshold)

    return estimate


# the estimate for the threshold the estimator itself likes best (one model, no folds)
estimate_shifted_score = _at_own_threshold(prepare_shifted_score)


def _expected_estimate(
    name: str,
    gold: np.ndarray,
    probabilities: np.ndarray,
    covariate: np.ndarray,
    ensemble: np.ndarray,
    source: np.ndarray,
    test_probabilities: Sequence[np.ndarray],
    test_groups: np.ndarray | None,
    training_prior: np.ndarray,
    prior_samples: int,
    seed: int,
) -> "ShiftEstimate":
    """The test rows' own expected score (a confidence-based estimate, as ATC and DoC are): no
    validation row is reweighted; validation only calibrates the posteriors."""
    test_prior = em_prior(ensemble, source)
    adjusted = adjusted_posteriors(ensemble, source, test_prior)
    raw = np.mean(test_probabilities, axis=0)
    scores = [float(expected_f1(adjusted, apply_rule(raw, t))[0]) for t in THRESHOLDS]
    threshold = THRESHOLDS[int(np.argmax(scores))]
    counts, index = group_counts(test_groups, len(ensemble), samples=prior_samples, seed=seed + 1)
    sampled = _resampled_priors(ensemble, source, test_groups, prior_samples, seed + 1)

    def interval(predicted: np.ndarray) -> Interval:
        values = np.array([
            expected_f1(adjusted_posteriors(ensemble, source, prior), predicted, counts[b][index][None])[0]
            for b, prior in enumerate(sampled)
        ])  # fmt: skip
        return Interval(
            float(expected_f1(adjusted, predicted)[0]), *np.percentile(values, [2.5, 97.5]).tolist()
        )

    return ShiftEstimate(
        **_validation_figures(gold, probabilities, covariate),
        estimator=name,
        test_threshold=threshold,
        predicted_test_micro_f1=interval(apply_rule(raw, threshold)),
        predicted_test_micro_f1_argmax=interval(raw.argmax(axis=1)),
        estimated_test_prior=test_prior,
        training_prior=training_prior,
        test_rows=len(ensemble),
    )


def threshold_scores(
    adjusted: np.ndarray,
    test_probabilities: np.ndarray,
    gold: np.ndarray,
    probabilities: np.ndarray,
    cross_fitted: np.ndarray | None,
    test_prior: np.ndarray | None,
    weights: np.ndarray | None = None,
) -> list[float]:
    """The test rows' expected micro-F1 of each rule in THRESHOLDS (the conditional estimators'
    point estimate, before any interval), its true positives scaled by validation's ratio for that
    rule (`weights`: validation's row weights in that ratio; the product reads it unweighted)."""
    return [
        float(expected_f1(
            adjusted, apply_rule(test_probabilities, t),
            true_positive_ratio=true_positive_ratio(
                cross_fitted, gold, apply_rule(probabilities, t), weights, test_prior=test_prior
            ),
        )[0])
        for t in THRESHOLDS
    ]  # fmt: skip


def _prepare_conditional(
    gold: np.ndarray,
    probabilities: np.ndarray,
    groups: np.ndarray,
    descriptors: np.ndarray,
    sources: Sequence[str],
    test_probabilities: np.ndarray,
    test_descriptors: np.ndarray,
    test_sources: Sequence[str],
    test_groups: np.ndarray | None,
    training_prior: np.ndarray,
    seed: int,
    *,
    correction: str | None,
    test_copies: np.ndarray | None = None,
) -> PreparedEstimate:
    """services.evidence.conditional: calibration on model output and descriptors, the prior per source,
    the test rows' expected score of each threshold (the intervals only for the one finished);
    `correction` (from
    validation's cross-fitted posteriors): "debiased" deattenuates EM's shift and scales the true
    positives by validation's ratio, "matched" scales them by that ratio read at the estimated test
    prior (EM's own estimate, not deattenuated: the ratio read there corrects the score). The prior
    "matched" reports is deattenuated all the same: it is the better estimate of the label mix
    itself (bench/gap.py: EM alone put a 0.60 `no_relation` share at 0.54 on average)."""
    strata, test_strata = pooled_strata(sources, test_sources)
    calibration = fit_conditional_calibration(probabilities, descriptors, gold)
    cross_fitted = (
        cross_fitted_posteriors(probabilities, descriptors, gold, groups, calibration, seed=seed)
        if correction
        else None
    )
    matched = correction == "matched"
    fit = conditional_fit(
        probabilities, descriptors, gold, strata, test_probabilities, test_descriptors, test_strata,
        start=calibration, cross_fitted=None if matched else cross_fitted,
    )  # fmt: skip
    test_prior = fit.prior if matched else None
    reported_prior = (  # the prior shown and reused (--match_prior_of): EM's shift deattenuated
        stratified_posteriors(fit.calibrated, test_strata, gold, strata, cross_fitted=cross_fitted)[1]
        if matched
        else fit.prior
    )  # fmt: skip
    scores = threshold_scores(fit.adjusted, test_probabilities, gold, probabilities, cross_fitted, test_prior)
    shift = mix_shift(strata, gold, test_strata, fit.adjusted)

    def finish(threshold: float | None) -> ShiftEstimate:
        submitted, argmax = conditional_intervals(
            fit, [apply_rule(test_probabilities, threshold), test_probabilities.argmax(axis=1)],
            validation=(probabilities, descriptors, gold, strata, groups),
            test=(test_probabilities, test_descriptors, test_strata, test_groups), seed=seed,
            validation_predictions=[apply_rule(probabilities, threshold), probabilities.argmax(axis=1)],
            cross_fitted=cross_fitted, matched=matched, test_copies=test_copies,
        )  # fmt: skip
        return ShiftEstimate(
            **_validation_figures(gold, probabilities, np.ones(len(gold))),
            estimator=correction or "conditional",
            test_threshold=threshold,
            predicted_test_micro_f1=submitted,
            predicted_test_micro_f1_argmax=argmax,
            estimated_test_prior=reported_prior,
            training_prior=training_prior,
            test_rows=len(test_probabilities),
            estimated_shift=shift,
        )

    return PreparedEstimate(THRESHOLDS[int(np.argmax(scores))], finish, tuple(scores))


def _validation_figures(gold: np.ndarray, probabilities: np.ndarray, covariate: np.ndarray) -> dict[str, Any]:
    """What every estimator reports about validation itself, beside its prediction."""
    threshold = best_threshold(gold, probabilities, None)
    return {
        "validation_micro_f1": micro_f1(gold, probabilities.argmax(axis=1)),
        "validation_threshold": threshold,
        "validation_micro_f1_at_threshold": micro_f1(gold, apply_rule(probabilities, threshold)),
        "validation_prior": weighted_prior(gold),
        "covariate_effective_rows": float(covariate.sum() ** 2 / np.square(covariate).sum()),
    }


def _resampled_priors(
    ensemble: np.ndarray, source: np.ndarray, groups: np.ndarray | None, samples: int, seed: int
) -> np.ndarray:
    """EM again on `samples` bootstrap resamples of the test rows (whole groups at a time), each
    row counted as often as it was drawn, warm-started from the full data's estimate."""
    counts, index = group_counts(groups, len(ensemble), samples=samples, seed=seed)
    start = em_prior(ensemble, source, tolerance=1e-5)
    return np.array([
        em_prior(ensemble, source, tolerance=1e-4, weights=drawn[index], start=start) for drawn in counts
    ])  # fmt: skip
