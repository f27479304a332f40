"""The fast CPU baseline: character n-grams of the marked sentence plus entity types, a linear model.

Experiments in seconds, same data, split and metrics as the transformer family."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder
from sklearn.svm import LinearSVC

from services.train.markers import mark
from shared.re_data.labels import label_to_id, labels
from shared.re_data.schema import REExample

# Margins of a linear SVM become probabilities through a softmax; the scale sharpens them, since
# margins are small numbers. Only rankings matter for AUPRC; thresholds are swept on validation.
SOFTMAX_SCALE = 5.0


@dataclass
class BaselineModel:
    vectoriser: TfidfVectorizer
    types: OneHotEncoder
    classifier: LinearSVC

    def features(self, examples: Sequence[REExample]):
        text = self.vectoriser.transform([mark(e) for e in examples])
        return hstack([text, self.types.transform(_type_pairs(examples))]).tocsr()

    def predict_proba(self, examples: Sequence[REExample]) -> np.ndarray:
        """Probabilities for all 30 labels in official order (labels unseen in training get 0)."""
        scores = self.classifier.decision_function(self.features(examples)) * SOFTMAX_SCALE
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = np.zeros((len(examples), len(labels())))
        probabilities[:, self.classifier.classes_] = scores / scores.sum(axis=1, keepdims=True)
        return probabilities


def _type_pairs(examples: Sequence[REExample]) -> list[list[str]]:
    return [[e.subject_entity.type, e.object_entity.type, f"{e.subject_entity.type}-{e.object_entity.type}"]
            for e in examples]  # fmt: skip


def train_baseline(
    examples: Sequence[REExample],
    *,
    seed: int = 42,
    class_weight: str | dict[int, float] | None = None,
    c: float = 0.3,
) -> BaselineModel:
    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=200_000
    )
    vectoriser.fit([mark(e) for e in examples])
    types = OneHotEncoder(handle_unknown="ignore").fit(_type_pairs(examples))
    classifier = LinearSVC(C=c, class_weight=class_weight, random_state=seed)
    model = BaselineModel(vectoriser, types, classifier)
    gold = np.array([label_to_id()[str(e.label)] for e in examples])
    classifier.fit(model.features(examples), gold)
    return model
