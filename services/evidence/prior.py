"""Label-shift tools: estimate a test set's label prior, and score validation as if it had that prior.

- `em_prior`: EM on a model's predicted probabilities (Saerens, Latinne & Decaestecker, 2002):
  rescale every posterior by the ratio of the current prior estimate to the training prior,
  renormalise, average; repeat until the estimate stops moving.
- `reweighted_micro_f1`: validation micro-F1 with each row weighted by target/validation prior of
  its gold label, i.e. the score validation would get under the test prior.
Intervals around these scores live in `services.evidence.bootstrap`.
"""

import numpy as np

from shared.re_data.labels import NO_RELATION, labels

NO_RELATION_ID = labels().index(NO_RELATION)


def em_prior(
    probabilities: np.ndarray, train_prior: np.ndarray, *, iterations: int = 1000, tolerance: float = 1e-8
) -> np.ndarray:
    """The label prior of the rows behind `probabilities` (model posteriors under `train_prior`).

    Labels absent from `train_prior` stay at 0: the model's scores for them were never checked
    against a row, and EM would pour the test set into them (their prior ratio has no scale)."""
    support = train_prior > 0
    probabilities = np.where(support, probabilities, 0.0)
    probabilities = probabilities / np.clip(probabilities.sum(axis=1, keepdims=True), 1e-300, None)
    train_prior = np.where(support, train_prior, 1.0)  # any positive value: those columns are 0
    prior = np.where(support, train_prior, 0.0)
    for _ in range(iterations):
        adjusted = probabilities * (prior / train_prior)
        adjusted /= np.clip(adjusted.sum(axis=1, keepdims=True), 1e-300, None)
        updated = adjusted.mean(axis=0)
        if np.abs(updated - prior).sum() < tolerance:
            return np.asarray(updated)
        prior = updated
    return np.asarray(prior)


def f1_sums(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per row: weighted true positive, predicted relation, gold relation (columns of the result).
    Micro-F1 is a ratio of their totals, so sums over rows, groups or resamples all give it."""
    weights = np.ones(len(gold)) if weights is None else weights
    relation_gold, relation_pred = gold != NO_RELATION_ID, predicted != NO_RELATION_ID
    return np.stack([weights * ((predicted == gold) & relation_gold), weights * relation_pred,
                     weights * relation_gold], axis=-1)  # fmt: skip


def f1_of_sums(sums: np.ndarray) -> np.ndarray:
    """KLUE micro-F1 ×100 from [..., 3] sums (2·tp / (pred + gold)); 0 where nothing is positive."""
    true_positive, denominator = sums[..., 0], sums[..., 1] + sums[..., 2]
    zero = np.zeros_like(true_positive)
    return np.divide(200 * true_positive, denominator, out=zero, where=denominator > 0)


def weighted_micro_f1(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> float:
    """KLUE micro-F1 (no_relation excluded) with a weight per row, ×100."""
    return float(f1_of_sums(f1_sums(gold, predicted, weights).sum(axis=0)))


def prior_ratio(target_prior: np.ndarray, validation_prior: np.ndarray) -> np.ndarray:
    """Per label: target / validation share (0 where validation has no row of the label)."""
    zero = np.zeros_like(target_prior)
    return np.divide(target_prior, validation_prior, out=zero, where=validation_prior > 0)


def prior_weights(gold: np.ndarray, target_prior: np.ndarray) -> np.ndarray:
    """Row weights that turn the validation label mix into `target_prior`."""
    counts = np.bincount(gold, minlength=len(target_prior)).astype(float)
    return np.asarray(prior_ratio(target_prior, counts / counts.sum())[gold])


def reweighted_micro_f1(gold: np.ndarray, predicted: np.ndarray, target_prior: np.ndarray) -> float:
    return weighted_micro_f1(gold, predicted, prior_weights(gold, target_prior))
