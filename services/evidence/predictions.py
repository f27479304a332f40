"""A run's validation predictions as numbers: what every comparison and estimate starts from."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ValidationPredictions:
    ids: list[str]
    gold: np.ndarray
    probabilities: np.ndarray
    groups: np.ndarray | None  # entity cluster or sentence of each row; None for runs saved before groups

    @property
    def predicted(self) -> np.ndarray:
        return np.asarray(self.probabilities.argmax(axis=1))
