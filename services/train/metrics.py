"""KLUE-RE metrics exactly as KLUE defines them, plus per-label scores and the confusion matrix.

- micro-F1 over the 29 relation labels (`no_relation` excluded) ×100
  (`services.evidence.klue_f1`, the one implementation).
- AUPRC: for each of the 30 classes the area under its one-vs-rest precision-recall curve
  (trapezoid over recall), averaged without weights ×100.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import auc, confusion_matrix, precision_recall_curve, precision_recall_fscore_support

from services.evidence.bootstrap import Interval, percentile_interval, resampled_rows
from services.evidence.klue_f1 import micro_f1
from shared.re_data.labels import labels


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class REMetrics:
    micro_f1: float
    auprc: float
    accuracy: float
    per_label: list[LabelScore]
    confusion: list[list[int]]  # rows: gold, columns: predicted, in label order

    def summary(self) -> dict[str, float]:
        return {"micro_f1": self.micro_f1, "auprc": self.auprc, "accuracy": self.accuracy}


def auprc(gold: np.ndarray, probabilities: np.ndarray) -> float:
    """Unweighted mean over all 30 classes; a class absent from `gold` scores 0, as in KLUE."""
    scores = np.zeros(len(labels()))
    for label in range(len(labels())):
        targets = (gold == label).astype(int)
        if targets.sum() == 0:
            continue
        precision, recall, _ = precision_recall_curve(targets, probabilities[:, label])
        scores[label] = auc(recall, precision)
    return float(scores.mean() * 100)


def auprc_interval(
    gold: np.ndarray,
    probabilities: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    samples: int = 200,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Interval:
    """AUPRC with a 95% percentile interval over resamples of whole groups (as micro-F1's)."""
    values = []
    for rows in resampled_rows(groups, len(gold), samples=samples, seed=seed):
        values.append(auprc(gold[rows], probabilities[rows]))
        if progress:
            progress(1)
    return percentile_interval(auprc(gold, probabilities), np.array(values))


def compute(gold: np.ndarray, probabilities: np.ndarray, predicted: np.ndarray | None = None) -> REMetrics:
    """`gold` and `predicted` are label ids; `probabilities` has one column per label, in order."""
    predicted = probabilities.argmax(axis=1) if predicted is None else predicted
    ids = list(range(len(labels())))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=ids, zero_division=0
    )
    per_label = [
        LabelScore(name, float(p * 100), float(r * 100), float(f * 100), int(s))
        for name, p, r, f, s in zip(labels(), precision, recall, f1, support, strict=True)
    ]
    return REMetrics(
        micro_f1=micro_f1(gold, predicted),
        auprc=auprc(gold, probabilities),
        accuracy=float(np.mean(gold == predicted) * 100),
        per_label=per_label,
        confusion=confusion_matrix(gold, predicted, labels=ids).tolist(),
    )
