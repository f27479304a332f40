import numpy as np
import pytest

from services.evidence.compare import ComparedRun, NotComparable, compare
from services.train.metrics import compute
from services.train.run_artifacts import ValidationPredictions
from shared.re_data.labels import labels

WIDTH = len(labels())


def run(run_id: str, arm: str, gold: np.ndarray, predicted: np.ndarray, ids: list[str]) -> ComparedRun:
    probabilities = np.full((len(gold), WIDTH), 0.1 / (WIDTH - 1))
    probabilities[np.arange(len(gold)), predicted] = 0.9
    scores = compute(gold, probabilities)
    metrics = {"micro_f1": scores.micro_f1, "auprc": scores.auprc,
               "per_label": [vars(score) for score in scores.per_label]}  # fmt: skip
    groups = np.array([f"g{i // 2}" for i in range(len(gold))])
    return ComparedRun(run_id, arm, 0, metrics, ValidationPredictions(ids, gold, probabilities, groups))


def test_labels_without_validation_rows_get_no_delta() -> None:
    gold = np.array([0, 0, 1, 1, 2, 2, 3, 3] * 5)  # labels 4 … 29 have no validation rows
    ids = [str(i) for i in range(len(gold))]
    baseline = gold.copy()
    baseline[gold == 3] = 0  # the baseline misses label 3; the other arm finds it but predicts a 29 once
    better = gold.copy()
    better[0] = 29
    result = compare([run("a", "baseline", gold, baseline, ids), run("b", "+en", gold, better, ids)])

    assert result["validation_support"][labels()[3]] == 10 and result["validation_support"][labels()[29]] == 0
    assert sum(result["validation_support"].values()) == len(gold)
    plus = result["arms"][1]
    assert set(plus["per_label_f1_delta"]) == {labels()[i] for i in range(4)}
    assert plus["per_label_f1_delta"][labels()[3]] == pytest.approx(100.0)
    assert len(plus["per_label_f1"]) == WIDTH  # the scores themselves are all kept
    assert "per_label_f1_delta" not in result["arms"][0]


def test_runs_validated_on_other_rows_are_refused() -> None:
    gold = np.array([0, 1, 2, 3] * 4)
    ids = [str(i) for i in range(len(gold))]
    first = run("a", "baseline", gold, gold, ids)
    with pytest.raises(NotComparable, match="other rows"):
        compare([first, run("b", "+ja", gold, gold, [*ids[:-1], "other"])])
    with pytest.raises(NotComparable, match="arms: baseline"):
        compare([first], baseline="+ja")
