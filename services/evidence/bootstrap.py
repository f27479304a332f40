"""Percentile bootstrap intervals for (weighted) KLUE micro-F1, resampling whole groups.

Rows of one article share entities and wording, so they are not independent draws: resampling
rows makes intervals too narrow. Pass each row's group (its entity cluster or sentence) and whole
groups are resampled; with no groups every row is its own. Micro-F1 is a ratio of three sums, so
each resample is a matrix product of group counts with per-group sums: fast for 1000 draws."""

from dataclasses import dataclass, field

import numpy as np

from services.evidence.klue_f1 import f1_of_sums, f1_sums


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    # the resampled values behind a normal interval, kept so an estimate made of several (the median
    # over calibration folds) can be resampled as a whole; not part of what is recorded
    draws: tuple[float, ...] = field(default=(), compare=False, repr=False)

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high

    def as_dict(self) -> dict[str, float]:
        return {"estimate": round(self.estimate, 3), "low": round(self.low, 3), "high": round(self.high, 3)}


def group_counts(
    groups: np.ndarray | None, rows: int, *, samples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(samples × groups) draw counts, and each row's group index."""
    if groups is None:
        index = np.arange(rows)
    else:
        _, index = np.unique(np.asarray(groups), return_inverse=True)
    size = int(index.max()) + 1 if rows else 0
    generator = np.random.default_rng(seed)
    draws = generator.integers(0, size, (samples, size))
    counts = np.zeros((samples, size))
    np.add.at(counts, (np.repeat(np.arange(samples), size), draws.ravel()), 1)
    return counts, index


def resampled_rows(groups: np.ndarray | None, rows: int, *, samples: int, seed: int) -> list[np.ndarray]:
    """Row indices of each bootstrap resample, drawing whole groups (for statistics that are not
    sums of rows, such as AUPRC)."""
    counts, index = group_counts(groups, rows, samples=samples, seed=seed)
    members = [np.flatnonzero(index == group) for group in range(counts.shape[1])]
    return [
        np.concatenate([np.tile(members[g], int(c)) for g, c in enumerate(draw) if c] or [np.array([], int)])
        for draw in counts
    ]


def percentile_interval(estimate: float, values: np.ndarray, level: float = 0.95) -> Interval:
    return _interval(estimate, values, level)


def _per_group(index: np.ndarray, groups: int, sums: np.ndarray) -> np.ndarray:
    """Row sums added up per group: what each resample's group counts multiply."""
    totals = np.zeros((groups, 3))
    np.add.at(totals, index, sums)
    return totals


def _interval(estimate: float, values: np.ndarray, level: float) -> Interval:
    tail = (1 - level) / 2 * 100
    return Interval(
        float(estimate), float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))
    )


def micro_f1_interval(
    gold: np.ndarray,
    predicted: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    samples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    sums = f1_sums(gold, predicted, weights)
    counts, index = group_counts(groups, len(gold), samples=samples, seed=seed)
    per_group = _per_group(index, counts.shape[1], sums)
    return _interval(float(f1_of_sums(sums.sum(axis=0))), f1_of_sums(counts @ per_group), level)


def paired_difference_interval(
    gold: np.ndarray,
    predictions_a: list[np.ndarray],
    predictions_b: list[np.ndarray],
    *,
    groups: np.ndarray | None = None,
    samples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """mean micro-F1 of runs b − mean micro-F1 of runs a (e.g. seeds of +en vs of the baseline),
    all scored on the same validation rows; covers 0 ⇒ not distinguishable.

    A hierarchical bootstrap: each draw resamples the training seeds of each arm (runs, with
    replacement), then whole validation groups, so the interval holds both sources of noise. With
    one run per arm only the rows vary: such an interval says nothing about seed-to-seed spread."""
    counts, index = group_counts(groups, len(gold), samples=samples, seed=seed)
    generator = np.random.default_rng(seed + 1)

    def mean_f1(predictions: list[np.ndarray]) -> tuple[float, np.ndarray]:
        full, resampled = [], []
        for predicted in predictions:
            sums = f1_sums(gold, predicted)
            per_group = _per_group(index, counts.shape[1], sums)
            full.append(f1_of_sums(sums.sum(axis=0)))
            resampled.append(f1_of_sums(counts @ per_group))
        per_run = np.array(resampled)  # runs × draws
        chosen = generator.integers(0, len(predictions), (samples, len(predictions)))
        return float(np.mean(full)), per_run[chosen, np.arange(samples)[:, None]].mean(axis=1)

    (estimate_a, values_a), (estimate_b, values_b) = mean_f1(predictions_a), mean_f1(predictions_b)
    return _interval(estimate_b - estimate_a, values_b - values_a, level)


def reweighted_micro_f1_interval(
    gold: np.ndarray,
    predicted: np.ndarray,
    ratio: np.ndarray,
    sampled_ratios: np.ndarray,
    *,
    row_weights: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """micro-F1 with each row weighted by `ratio[gold]` (target prior / validation prior) times its
    own `row_weights` (e.g. covariate-shift importance weights), and its interval when the ratio is
    itself uncertain: draw b resamples validation groups and weighs them with `sampled_ratios[b]`
    (from a prior estimated on resampled test rows)."""
    labels = len(ratio)
    counts, index = group_counts(groups, len(gold), samples=len(sampled_ratios), seed=seed)
    per_group_label = np.zeros((counts.shape[1], labels, 3))  # group × gold label × (tp, pred, gold)
    np.add.at(per_group_label, (index, gold), f1_sums(gold, predicted, row_weights))
    resampled = (counts @ per_group_label.reshape(counts.shape[1], -1)).reshape(-1, labels, 3)
    values = f1_of_sums(np.einsum("bkc,bk->bc", resampled, sampled_ratios))
    estimate = float(f1_of_sums(np.einsum("kc,k->c", per_group_label.sum(axis=0), ratio)))
    return _interval(estimate, values, level)
