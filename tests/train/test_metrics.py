"""KLUE-RE metrics against scikit-learn and against KLUE's reference formulas, on fixed predictions."""

import numpy as np
import pytest
from sklearn.metrics import auc, f1_score, precision_recall_curve

from services.evidence.klue_f1 import micro_f1
from services.train.metrics import auprc, compute
from shared.re_data.labels import labels

N_LABELS = 30


@pytest.fixture
def fixed() -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(7)
    gold = generator.integers(0, N_LABELS, size=400)
    gold[:120] = 0  # plenty of no_relation, as in KLUE-RE
    logits = generator.normal(size=(400, N_LABELS))
    logits[np.arange(400), gold] += generator.uniform(0, 3, size=400)  # better than chance
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return gold, probabilities


def test_micro_f1_matches_sklearn_without_no_relation(fixed) -> None:  # type: ignore[no-untyped-def]
    gold, probabilities = fixed
    predicted = probabilities.argmax(axis=1)
    expected = f1_score(gold, predicted, average="micro", labels=list(range(1, N_LABELS))) * 100
    assert micro_f1(gold, predicted) == pytest.approx(expected)


def test_micro_f1_by_hand() -> None:
    gold = np.array([0, 1, 2, 2, 0])
    predicted = np.array([1, 1, 2, 0, 0])
    # relations: tp=2 (1, 2); predicted relations=3; gold relations=3 → P=R=2/3
    assert micro_f1(gold, predicted) == pytest.approx(200 / 3)


def test_auprc_matches_klue_reference(fixed) -> None:  # type: ignore[no-untyped-def]
    gold, probabilities = fixed
    one_hot = np.eye(N_LABELS)[gold]
    reference = np.zeros(N_LABELS)
    for c in range(N_LABELS):  # KLUE's klue_re_auprc
        precision, recall, _ = precision_recall_curve(one_hot[:, c], probabilities[:, c])
        reference[c] = auc(recall, precision)
    assert auprc(gold, probabilities) == pytest.approx(np.average(reference) * 100)


def test_perfect_predictions_score_100(fixed) -> None:  # type: ignore[no-untyped-def]
    gold, _ = fixed
    probabilities = np.eye(N_LABELS)[gold]
    metrics = compute(gold, probabilities)
    assert metrics.micro_f1 == pytest.approx(100) and metrics.accuracy == pytest.approx(100)
    present = set(gold.tolist())
    assert metrics.auprc == pytest.approx(len(present) / N_LABELS * 100)  # absent classes score 0, as in KLUE


def test_per_label_scores_and_confusion(fixed) -> None:  # type: ignore[no-untyped-def]
    gold, probabilities = fixed
    metrics = compute(gold, probabilities)
    predicted = probabilities.argmax(axis=1)
    assert [s.label for s in metrics.per_label] == list(labels())
    assert sum(s.support for s in metrics.per_label) == len(gold)
    assert np.array(metrics.confusion).sum() == len(gold)
    assert np.trace(np.array(metrics.confusion)) == int((gold == predicted).sum())
    title = labels().index("per:title")
    expected = f1_score(gold, predicted, labels=[title], average="micro") * 100
    assert metrics.per_label[title].f1 == pytest.approx(expected)
