"""Matrix scaling (Guo et al., 2017) fitted on validation rows: a multinomial logistic regression on a
model's log-probabilities, its L2 strength chosen by held-out log-loss.

EM prior estimation trusts the calibrated probabilities; an SVM's scaled margins or an
over-confident network are not calibrated, and EM then lands far from the truth. Temperature and
per-label bias (Alexandari et al., 2020) cannot learn that a relation the model rarely predicts shows
up as a neighbour's score (`org:members` as `org:member_of`); a full matrix can.

The matrix has labels² weights, so how strongly they are pulled to 0 matters: too weak and the
calibration learns validation's own clusters. The strength is the one whose calibration predicts
held-out validation groups best (log-loss, grouped folds, so rows of one article stay together)."""

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

FLOOR = 1e-12  # probabilities of labels a model never predicts (unseen in training) are exact zeros
STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0)  # inverse L2 strengths (sklearn's C) tried, weakest last
FOLDS = 3
MAX_ITERATIONS = 2000


def _features(probabilities: np.ndarray) -> np.ndarray:
    """Log-probabilities centred per row: what a softmax sees, without the row's normaliser."""
    logs = np.log(np.clip(probabilities, FLOOR, None))
    return np.asarray(logs - logs.mean(axis=1, keepdims=True))


@dataclass(frozen=True)
class Calibration:
    regression: LogisticRegression | None  # None: validation had a single label
    labels: np.ndarray  # the labels seen in validation; the others get probability 0
    width: int

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        calibrated = np.zeros((len(probabilities), self.width))
        if self.regression is None:
            calibrated[:, self.labels] = 1.0
        else:
            calibrated[:, self.labels] = self.regression.predict_proba(_features(probabilities))
        return calibrated


def fit_calibration(
    probabilities: np.ndarray, gold: np.ndarray, groups: np.ndarray | None = None
) -> Calibration:
    """`groups` (entity clusters or sentences, one per row) keep related rows in one fold while the
    strength is chosen; without them every row is its own group."""
    seen = np.unique(gold)
    if len(seen) < 2:
        return Calibration(None, seen, probabilities.shape[1])
    features = _features(probabilities)
    strength = held_out_best_strength(features, gold, np.arange(len(gold)) if groups is None else groups)
    regression = LogisticRegression(C=strength, max_iter=MAX_ITERATIONS).fit(features, gold)
    return Calibration(regression, regression.classes_, probabilities.shape[1])


def held_out_best_strength(features: np.ndarray, gold: np.ndarray, groups: np.ndarray) -> float:
    """The strength with the lowest log-loss on held-out groups, summed over the folds. Too few
    groups to hold any out: the weakest pull, as a plain fit would use."""
    if len(np.unique(groups)) < FOLDS:
        return STRENGTHS[-1]
    losses = np.zeros(len(STRENGTHS))
    for fit_rows, held_rows in GroupKFold(n_splits=FOLDS).split(features, gold, groups):
        if len(np.unique(gold[fit_rows])) < 2:
            continue
        # strongest pull first, each fit starting from the last: the path costs little more than one fit
        regression = LogisticRegression(max_iter=MAX_ITERATIONS, warm_start=True)
        for position, strength in enumerate(STRENGTHS):
            regression.set_params(C=strength).fit(features[fit_rows], gold[fit_rows])
            held = np.zeros((len(held_rows), features.shape[1]))  # a label absent from the fit rows: 0
            held[:, regression.classes_] = regression.predict_proba(features[held_rows])
            losses[position] -= np.log(
                np.clip(held[np.arange(len(held_rows)), gold[held_rows]], FLOOR, None)
            ).sum()
    return STRENGTHS[int(np.argmin(losses))]
