"""Label-shift tools: estimate a test set's label prior, and score validation as if it had that prior.

- `weighted_prior`: the label mix of (weighted) rows; `adjusted_posteriors`: EM's E-step.
- `em_prior`: EM on a model's predicted probabilities (Saerens, Latinne & Decaestecker, 2002):
  rescale every posterior by the ratio of the current prior estimate to the training prior,
  renormalise, average; repeat until the estimate stops moving.
- `shared_relation_priors`: the same EM over rows of several sources at once, each source's
  `no_relation` share its own and one relation shift shared by all.
- `reweighted_micro_f1`: validation micro-F1 with each row weighted by target/validation prior of
  its gold label, i.e. the score validation would get under the test prior.
Intervals around these scores live in `services.evidence.bootstrap`.
"""

import numpy as np

from services.evidence.klue_f1 import micro_f1
from shared.re_data.labels import labels


def em_prior(
    probabilities: np.ndarray,
    train_prior: np.ndarray,
    *,
    iterations: int = 1000,
    tolerance: float = 1e-8,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """The label prior of the rows behind `probabilities` (model posteriors under `train_prior`).

    `weights` count each row (a bootstrap resample's draws), `start` warm-starts the iteration (a
    resample starts from the full data's estimate and converges in a few steps).
    Labels absent from `train_prior` stay at 0: the model's scores for them were never checked
    against a row, and EM would pour the test set into them (their prior ratio has no scale)."""
    support = train_prior > 0
    probabilities = np.where(support, probabilities, 0.0)
    probabilities = probabilities / np.clip(probabilities.sum(axis=1, keepdims=True), 1e-300, None)
    train_prior = np.where(support, train_prior, 1.0)  # any positive value: those columns are 0
    prior = np.where(support, train_prior if start is None else start, 0.0)
    weights = np.ones(len(probabilities)) if weights is None else np.asarray(weights, dtype=float)
    total = max(weights.sum(), 1e-300)
    for _ in range(iterations):
        adjusted = probabilities * (prior / train_prior)
        adjusted /= np.clip(adjusted.sum(axis=1, keepdims=True), 1e-300, None)
        updated = weights @ adjusted / total
        if np.abs(updated - prior).sum() < tolerance:
            return np.asarray(updated)
        prior = updated
    return np.asarray(prior)


def _relation_shapes(sources: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Per source: its validation relation shares scaled by the shared factors, summing to 1."""
    shapes = sources * factors
    shapes[:, 0] = 0.0
    return np.asarray(shapes / np.clip(shapes.sum(axis=1, keepdims=True), 1e-300, None))


def shared_relation_priors(
    probabilities: np.ndarray,
    strata: np.ndarray,
    sources: np.ndarray,
    *,
    iterations: int = 1000,
    tolerance: float = 1e-6,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """(sources × labels): each source's test prior, for rows of source `strata` (0 … S−1) whose
    posteriors are under `sources`[s] (source s's validation prior). EM whose M-step fits
    π_s(y) ∝ v_s(y)·a_s^[y=0]·b_y to the expected counts: each source's `no_relation` share is its
    own, the relation factors b are shared (one step of iterative scaling per EM step).

    Why not EM per source: its ~30 relation shares, fitted on a source's few hundred test rows, are
    noisy, and noise in a prior moves posterior mass off the labels predicted (the expected true
    positives came out low); one EM for all rows mixes sources whose `no_relation` shares differ
    (news rows are far less often `no_relation` than wikipedia's). Labels a source's validation
    lacks stay at 0 there, as in `em_prior`."""
    weights = np.ones(len(probabilities)) if weights is None else np.asarray(weights, dtype=float)
    factors = np.ones(sources.shape[1])
    priors = sources.copy()
    membership = np.zeros((len(sources), len(probabilities)))  # row weights, one line per source
    membership[strata, np.arange(len(probabilities))] = weights
    for _ in range(iterations):
        # every row's E-step at once, each row moved from its source's validation prior to its prior
        counts = membership @ adjusted_posteriors(probabilities, sources[strata], priors[strata])
        totals = counts.sum(axis=1)
        fitted = (totals - counts[:, 0]) @ _relation_shapes(sources, factors)
        factors = np.where(fitted > 0, factors * counts.sum(axis=0) / np.clip(fitted, 1e-300, None), factors)
        share = np.divide(counts[:, 0], totals, out=sources[:, 0].copy(), where=totals > 0)
        updated = _relation_shapes(sources, factors) * (1 - share[:, None])
        updated[:, 0] = share
        if np.abs(updated - priors).sum() < tolerance:
            return np.asarray(updated)
        priors = updated
    return np.asarray(priors)


def weighted_prior(gold: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Each label's share of the rows (of their weights)."""
    counts = np.bincount(gold, weights=weights, minlength=len(labels()))
    return np.asarray(counts / max(counts.sum(), 1e-12))


def adjusted_posteriors(posteriors: np.ndarray, source: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Calibrated posteriors moved from the `source` prior to `prior` (Saerens et al.'s E-step)."""
    ratio = np.where(source > 0, prior / np.where(source > 0, source, 1.0), 0.0)
    moved = posteriors * ratio
    return np.asarray(moved / np.clip(moved.sum(axis=1, keepdims=True), 1e-300, None))


def prior_ratio(target_prior: np.ndarray, validation_prior: np.ndarray) -> np.ndarray:
    """Per label: target / validation share (0 where validation has no row of the label)."""
    zero = np.zeros_like(target_prior)
    return np.asarray(np.divide(target_prior, validation_prior, out=zero, where=validation_prior > 0))


def prior_weights(gold: np.ndarray, target_prior: np.ndarray) -> np.ndarray:
    """Row weights that turn the validation label mix into `target_prior`."""
    counts = np.bincount(gold, minlength=len(target_prior)).astype(float)
    return np.asarray(prior_ratio(target_prior, counts / counts.sum())[gold])


def reweighted_micro_f1(gold: np.ndarray, predicted: np.ndarray, target_prior: np.ndarray) -> float:
    return micro_f1(gold, predicted, prior_weights(gold, target_prior))
