"""Trade recall for precision: predict `no_relation` whenever its probability reaches a threshold."""

from dataclasses import dataclass

import numpy as np

from services.evidence.klue_f1 import NO_RELATION_ID, precision_recall_f1


@dataclass(frozen=True)
class ThresholdPoint:
    threshold: float
    precision: float
    recall: float
    micro_f1: float


def apply_threshold(probabilities: np.ndarray, threshold: float | None) -> np.ndarray:
    """argmax, except rows whose no_relation probability is at least `threshold` (None: plain argmax);
    rows under it take their best relation."""
    if threshold is None:
        return np.asarray(probabilities.argmax(axis=1))
    relations = probabilities.copy()
    relations[:, NO_RELATION_ID] = -np.inf
    return np.where(probabilities[:, NO_RELATION_ID] >= threshold, NO_RELATION_ID, relations.argmax(axis=1))


def sweep(gold: np.ndarray, probabilities: np.ndarray, steps: int = 19) -> list[ThresholdPoint]:
    points = []
    for threshold in np.linspace(0.05, 0.95, steps):
        predicted = apply_threshold(probabilities, float(threshold))
        precision, recall, f1 = precision_recall_f1(gold, predicted)
        points.append(ThresholdPoint(float(threshold), precision, recall, f1))
    return points


def best(points: list[ThresholdPoint]) -> ThresholdPoint:
    return max(points, key=lambda point: point.micro_f1)
