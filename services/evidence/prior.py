"""Label-shift tools: estimate a test set's label prior, and score validation as if it had that prior.

- `em_prior`: EM on a model's predicted probabilities (Saerens, Latinne & Decaestecker, 2002):
  rescale every posterior by the ratio of the current prior estimate to the training prior,
  renormalise, average; repeat until the estimate stops moving.
- `reweighted_micro_f1`: validation micro-F1 with each row weighted by target/validation prior of
  its gold label, i.e. the score validation would get under the test prior.
- `bootstrap_interval` and `paired_bootstrap`: percentile intervals over resampled rows, the
  paired one for the difference between two runs scored on the same validation rows.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from shared.re_data.labels import NO_RELATION, labels

NO_RELATION_ID = labels().index(NO_RELATION)


def em_prior(
    probabilities: np.ndarray, train_prior: np.ndarray, *, iterations: int = 1000, tolerance: float = 1e-8
) -> np.ndarray:
    """The label prior of the rows behind `probabilities` (model posteriors under `train_prior`)."""
    train_prior = np.clip(train_prior, 1e-12, None)
    prior = train_prior.copy()
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


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


def bootstrap_interval(
    score: Callable[[np.ndarray], float],
    rows: int,
    *,
    samples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """`score(indices)` on the full set, and its percentile interval over resampled row sets."""
    generator = np.random.default_rng(seed)
    values = [score(generator.integers(0, rows, rows)) for _ in range(samples)]
    tail = (1 - level) / 2 * 100
    return Interval(
        score(np.arange(rows)), float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))
    )


def paired_bootstrap(
    gold: np.ndarray, predicted_a: np.ndarray, predicted_b: np.ndarray, *, samples: int = 1000, seed: int = 0
) -> Interval:
    """micro-F1(b) − micro-F1(a) on the same rows, resampled together; covers 0 ⇒ not distinguishable."""
    ones = np.ones(len(gold))

    def difference(index: np.ndarray) -> float:
        return weighted_micro_f1(gold[index], predicted_b[index], ones[index]) - weighted_micro_f1(
            gold[index], predicted_a[index], ones[index]
        )

    return bootstrap_interval(difference, len(gold), samples=samples, seed=seed)
