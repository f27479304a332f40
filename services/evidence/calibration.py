"""Bias-corrected temperature scaling (Alexandari et al., 2020) fitted on validation rows.

EM prior estimation trusts the model's probabilities; an SVM's scaled margins or an over-confident
network are not calibrated, and EM then lands far from the truth. One temperature and one bias per
label, fitted by log-loss on held-out rows, is the calibration that paper found EM needs."""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

FLOOR = 1e-12  # probabilities of labels a model never predicts (unseen in training) are exact zeros


@dataclass(frozen=True)
class Calibration:
    temperature: float
    bias: np.ndarray

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        logits = np.log(np.clip(probabilities, FLOOR, None)) / self.temperature + self.bias
        scaled = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(scaled / scaled.sum(axis=1, keepdims=True))


def fit_calibration(probabilities: np.ndarray, gold: np.ndarray) -> Calibration:
    log_probabilities = np.log(np.clip(probabilities, FLOOR, None))
    rows, labels = np.arange(len(gold)), probabilities.shape[1]

    one_hot = np.eye(labels)[gold]

    def log_loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        logits = log_probabilities / params[0] + params[1:]
        logits -= logits.max(axis=1, keepdims=True)
        normaliser = np.log(np.exp(logits).sum(axis=1))
        residual = np.exp(logits - normaliser[:, None]) - one_hot  # d loss / d logits, per row
        d_temperature = float((residual * -log_probabilities).sum(axis=1).mean() / params[0] ** 2)
        loss = float(-(logits[rows, gold] - normaliser).mean())
        return loss, np.r_[d_temperature, residual.mean(axis=0)]

    bounds = [(0.05, 20.0)] + [(None, None)] * labels
    start = np.r_[1.0, np.zeros(labels)]
    fitted = minimize(log_loss_and_gradient, start, jac=True, method="L-BFGS-B", bounds=bounds).x
    return Calibration(float(fitted[0]), fitted[1:])
