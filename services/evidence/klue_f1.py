"""KLUE-RE micro-F1, the one implementation every package uses.

Over the 29 relation labels (`no_relation` excluded), ×100: a prediction of `no_relation` is never a
true positive, and gold `no_relation` rows count only as false positives when predicted as a relation.
Kept as three sums per row (true positive, predicted relation, gold relation) so that sums over rows,
weighted rows, groups or bootstrap resamples all give the score.
"""

import numpy as np

from shared.re_data.labels import NO_RELATION, labels

NO_RELATION_ID = labels().index(NO_RELATION)


def f1_sums(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per row: weighted true positive, predicted relation, gold relation (columns of the result)."""
    weights = np.ones(len(gold)) if weights is None else weights
    relation_gold, relation_pred = gold != NO_RELATION_ID, predicted != NO_RELATION_ID
    return np.stack([weights * ((predicted == gold) & relation_gold), weights * relation_pred,
                     weights * relation_gold], axis=-1)  # fmt: skip


def f1_of_sums(sums: np.ndarray) -> np.ndarray:
    """Micro-F1 ×100 from [..., 3] sums (2·tp / (pred + gold)); 0 where nothing is positive."""
    true_positive, denominator = sums[..., 0], sums[..., 1] + sums[..., 2]
    zero = np.zeros_like(true_positive, dtype=float)
    return np.asarray(np.divide(200 * true_positive, denominator, out=zero, where=denominator > 0))


def precision_recall_f1(
    gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over relations, each ×100 (0 where undefined)."""
    true_positive, predicted_positive, gold_positive = f1_sums(gold, predicted, weights).sum(axis=0)
    precision = 100 * true_positive / predicted_positive if predicted_positive > 0 else 0.0
    recall = 100 * true_positive / gold_positive if gold_positive > 0 else 0.0
    f1 = float(f1_of_sums(np.array([true_positive, predicted_positive, gold_positive])))
    return float(precision), float(recall), f1


def micro_f1(gold: np.ndarray, predicted: np.ndarray, weights: np.ndarray | None = None) -> float:
    """KLUE micro-F1 ×100, optionally with a weight per row."""
    return float(f1_of_sums(f1_sums(gold, predicted, weights).sum(axis=0)))
