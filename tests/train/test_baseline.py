"""Typed markers and the CPU baseline on made-up rows."""

import numpy as np
from factories import make_example, tiny_examples

from services.train.baseline import train_baseline
from services.train.markers import mark
from services.train.metrics import compute
from shared.re_data.labels import label_to_id


def test_markers_wrap_both_entities_with_their_types() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    assert mark(example) == "@ * PER * 이순신 @은 # ^ ORG ^ 조선 #의 장군이다."
    nested = make_example("서울대학교 총장", "서울대학교", "ORG", "서울", "LOC")
    assert mark(nested) == "@ * ORG * # ^ LOC ^ 서울 #대학교 @ 총장"


def test_baseline_learns_the_training_rows_and_is_reproducible() -> None:
    rows = tiny_examples() * 4
    first, second = train_baseline(rows, seed=1), train_baseline(rows, seed=1)
    probabilities = first.predict_proba(rows)
    assert probabilities.shape == (len(rows), 30)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert np.array_equal(probabilities, second.predict_proba(rows))
    gold = np.array([label_to_id()[str(e.label)] for e in rows])
    assert compute(gold, probabilities).accuracy > 90
