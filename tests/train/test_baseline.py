"""Typed markers and the CPU baseline on made-up rows."""

import pickle

import numpy as np
from factories import make_example, tiny_examples
from sklearn.preprocessing import OneHotEncoder
from sklearn.svm import LinearSVC

from services.train.baseline import BaselineModel, between_text, train_baseline
from services.train.markers import mark
from services.train.metrics import compute
from shared.re_data.labels import label_to_id
from shared.re_data.schema import REExample


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


def test_between_text_is_what_lies_between_the_entities_tagged_with_their_order() -> None:
    subject_first = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    assert between_text(subject_first) == "SO 은  SO"
    object_first = make_example("조선의 장군 이순신은 유명하다.", "이순신", "PER", "조선", "ORG")
    assert between_text(object_first) == "OS 의 장군  OS"
    nested = make_example("서울대학교 총장", "서울대학교", "ORG", "서울", "LOC")
    assert between_text(nested) == "SO  SO"


def test_baseline_tells_relations_apart_by_the_words_between_the_entities() -> None:
    """Both labels use the same words, so a bag of the whole sentence's n-grams cannot tell them
    apart; which word sits between the entities can, on names never seen in training."""

    def rows(names: list[tuple[str, str]], prefix: str) -> list[REExample]:
        made = []
        for i, (person, company) in enumerate(names):
            for label, between in (("per:employee_of", "대표"), ("no_relation", "친구")):
                other = "친구" if between == "대표" else "대표"
                sentence = f"{person} {between} {company} {other}"
                guid = f"{prefix}-{label}-{i}"
                made.append(make_example(sentence, person, "PER", company, "ORG", label, guid=guid))
        return made

    people = ["김철수", "이영희", "박민수", "최지우", "정하늘", "한가람"]
    companies = ["삼성", "카카오", "네이버"]
    train = rows([(p, c) for p in people for c in companies], "t")
    unseen = rows([("윤서준", "현대"), ("장보라", "엘지"), ("오세훈", "쿠팡")], "u")
    assert sorted(mark(unseen[0]).split()) == sorted(mark(unseen[1]).split())  # the same bag of words
    model = train_baseline(train, seed=1)
    gold = np.array([label_to_id()[str(e.label)] for e in unseen])
    assert np.array_equal(model.predict_proba(unseen).argmax(axis=1), gold)


def test_a_model_saved_before_between_entity_features_still_predicts() -> None:
    rows = tiny_examples() * 4
    fitted = train_baseline(rows, seed=1)
    type_rows = [[e.subject_entity.type, e.object_entity.type] for e in rows]
    old_types = OneHotEncoder(handle_unknown="ignore").fit([[s, o, f"{s}-{o}"] for s, o in type_rows])
    old = BaselineModel(fitted.vectoriser, old_types, LinearSVC(C=0.3, random_state=1))
    gold = np.array([label_to_id()[str(e.label)] for e in rows])
    old.classifier.fit(old.features(rows), gold)
    restored = pickle.loads(pickle.dumps(old))
    assert restored.between is None
    assert compute(gold, restored.predict_proba(rows)).accuracy > 90
