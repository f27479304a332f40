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


def weighted_micro_f1(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> float:
    """KLUE micro-F1 (no_relation excluded) with a weight per row, ×100."""
    relation_pred, relation_gold = predicted != NO_RELATION_ID, gold != NO_RELATION_ID
    true_positive = np.sum(weights * ((predicted == gold) & relation_gold))
    if true_positive == 0:
        return 0.0
    precision = true_positive / np.sum(weights * relation_pred)
    recall = true_positive / np.sum(weights * relation_gold)
    return float(2 * precision * recall / (precision + recall) * 100)


def prior_weights(gold: np.ndarray, target_prior: np.ndarray) -> np.ndarray:
    """Row weights that turn the validation label mix into `target_prior`."""
    counts = np.bincount(gold, minlength=len(target_prior)).astype(float)
    validation_prior = counts / counts.sum()
    ratio = np.divide(
        target_prior, validation_prior, out=np.zeros_like(target_prior), where=validation_prior > 0
    )
    return np.asarray(ratio[gold])


def reweighted_micro_f1(gold: np.ndarray, predicted: np.ndarray, target_prior: np.ndarray) -> float:
    return weighted_micro_f1(gold, predicted, prior_weights(gold, target_prior))
