"""Leakage-safe splits: checked on made-up rows and on the real KLUE-RE training split."""

from collections import Counter
from pathlib import Path

import pytest
from factories import make_example

from services.train.args import ESTIMATE_FOLDS, DataArguments, default_estimate_folds
from services.train.split import (
    LeakageError,
    check_folds_fit,
    check_no_leak,
    common_words,
    fold_splits,
    row_copies,
    row_groups,
    seen_entity_shares,
    sentence_key,
    split,
)
from shared.re_data.io import read_examples
from shared.re_data.labels import labels
from shared.re_data.schema import Provenance, REExample, TranslationLegInfo

LEG = TranslationLegInfo(source_lang="ko", target_lang="en", model="m", revision="r")


def originals(n: int = 200) -> list[REExample]:
    rows = []
    for i in range(n):
        sentence = (
            f"회사{i // 2}는 도시{i % 7}에 본사를 둔 기업{i // 2}이다."  # pairs of rows share a sentence
        )
        label = labels()[1 + i % 5] if i % 3 else labels()[0]
        rows.append(
            make_example(sentence, f"회사{i // 2}", "ORG", f"도시{i % 7}", "LOC", label, guid=f"r{i}")
        )
    return rows


def augmented_from(rows: list[REExample], text: str = "다른 문장 {i}") -> list[REExample]:
    out = []
    for i, row in enumerate(rows):
        provenance = Provenance(
            source_id=row.guid, pivot="en", legs=(LEG, LEG), decoding={}, strategy="locate"
        )
        out.append(row.model_copy(update={"guid": f"{row.guid}:bt-en-0", "provenance": provenance,
                                          "sentence": row.sentence + " " + text.format(i=i)}))  # fmt: skip
    return out


def test_validation_is_grouped_by_sentence_and_originals_only() -> None:
    rows = originals()
    result = split(rows, augmented_from(rows), validation_fraction=0.2, seed=1)
    train_sentences = {sentence_key(e) for e in result.train}
    assert all(sentence_key(e) not in train_sentences for e in result.validation)
    assert all(e.provenance is None for e in result.validation)
    assert 30 <= len(result.validation) <= 50
    sources_in_train = {e.guid for e in result.train if e.provenance is None}
    assert all(e.provenance.source_id in sources_in_train for e in result.train if e.provenance)
    assert result.augmented_used == len(sources_in_train) and result.augmented_skipped == len(
        result.validation
    )


def test_validation_keeps_the_label_mix() -> None:
    result = split(originals(), validation_fraction=0.2, seed=3)
    share = Counter(e.label for e in result.validation)[labels()[0]] / len(result.validation)
    assert 0.2 <= share <= 0.5  # a third of the rows are no_relation


def test_same_seed_same_split_other_seed_other_split() -> None:
    rows = originals()
    first = [e.guid for e in split(rows, seed=5).validation]
    assert first == [e.guid for e in split(rows, seed=5).validation]
    assert first != [e.guid for e in split(rows, seed=6).validation]


def test_augmented_text_equal_to_a_validation_sentence_is_kept_out() -> None:
    rows = originals()
    result = split(rows, seed=2)
    held_out = result.validation[0]
    copy = augmented_from([r for r in rows if r.guid in {e.guid for e in result.train}][:1])[0]
    entities = {"subject_entity": held_out.subject_entity, "object_entity": held_out.object_entity}
    copy = copy.model_copy(update={"sentence": held_out.sentence, **entities})
    again = split(rows, [copy], seed=2)
    assert again.augmented_used == 0 and again.augmented_skipped == 1


def test_leaks_are_refused() -> None:
    rows = originals()
    with pytest.raises(LeakageError):
        split(augmented_from(rows[:2]))  # augmented rows passed as originals
    stranger = augmented_from(
        [make_example("다른 데이터의 문장이다.", "다른", "ORG", "문장", "POH", guid="x")]
    )
    with pytest.raises(LeakageError, match="does not come from"):
        split(rows, stranger)
    result = split(rows, seed=4)
    leaked = type(result)(result.train + result.validation[:1], result.validation, 4, 0, 0)
    with pytest.raises(LeakageError, match="share a sentence"):
        check_no_leak(leaked)


def test_real_klue_split_shares_no_sentence(klue_train: Path) -> None:
    rows = read_examples(klue_train)
    result = split(rows, validation_fraction=0.1, seed=42)
    validation_sentences = {sentence_key(e) for e in result.validation}
    assert not any(sentence_key(e) in validation_sentences for e in result.train)
    assert len(result.train) + len(result.validation) == 32470
    assert 0.09 <= len(result.validation) / 32470 <= 0.11


def words_of(rows) -> set[str]:  # type: ignore[no-untyped-def]
    return {w for e in rows for w in (e.subject_entity.word, e.object_entity.word)}


def test_entity_cluster_split_keeps_subject_and_object_words_unseen() -> None:
    rows = originals()
    result = split(rows, validation_fraction=0.2, seed=7, group_by="entity_cluster")
    validation_words = words_of(result.validation) - common_words(rows)
    assert validation_words and not validation_words & words_of(result.train)
    with pytest.raises(ValueError, match="unknown grouping"):
        split(rows, group_by="article")


def test_calibration_folds_hold_out_disjoint_validations_each_unseen_by_its_training() -> None:
    rows = originals()
    augmented = augmented_from(rows)
    first = split(rows, augmented, validation_fraction=0.2, seed=7, group_by="entity_cluster")
    folds = fold_splits(rows, augmented, first, 3, validation_fraction=0.2, seed=7, group_by="entity_cluster")
    assert folds[0] is first and len(folds) == 3
    held = [{row.guid for row in fold.validation} for fold in folds]
    assert all(held) and not (held[0] & held[1] or held[0] & held[2] or held[1] & held[2])
    for fold, validation in zip(folds, held, strict=True):
        trained = {row.guid for row in fold.train}
        assert trained.isdisjoint(validation) and trained | validation >= {row.guid for row in rows}
        assert not any(row.provenance.source_id in validation for row in fold.train if row.provenance)
        assert not (words_of(fold.validation) - common_words(rows)) & words_of(fold.train)
        assert 0.1 <= len(validation) / len(rows) <= 0.3  # each fold is as large a share
    again = fold_splits(rows, augmented, first, 3, validation_fraction=0.2, seed=7, group_by="entity_cluster")
    assert [{row.guid for row in fold.validation} for fold in again] == held  # reproducible
    with pytest.raises(ValueError, match=r"estimate_folds 5 × validation_fraction 0\.2"):
        fold_splits(rows, augmented, first, 5, validation_fraction=0.2, seed=7, group_by="entity_cluster")


def test_real_klue_entity_cluster_split(klue_train: Path) -> None:
    """Through subject and object words, without the giant cluster common words would make: no
    validation word is seen in training unless it is common; what is seen is measured."""
    rows = read_examples(klue_train)
    result = split(rows, validation_fraction=0.1, seed=42, group_by="entity_cluster")
    common = common_words(rows)
    assert not (words_of(result.validation) - common) & words_of(result.train)
    assert 0.07 <= len(result.validation) / 32470 <= 0.13
    assert max(Counter(row_groups(rows)).values()) < 0.01 * len(rows)  # no giant cluster
    seen = seen_entity_shares(result.train, result.validation)
    seen_by_sentence = seen_entity_shares(*astuple_split(split(rows, validation_fraction=0.1, seed=42)))
    assert seen["either"] < seen_by_sentence["either"] and seen["pair"] < seen_by_sentence["pair"]
    assert words_of(result.validation) & words_of(result.train) <= common  # a seen word is a common word
    folds = fold_splits(
        rows, (), result, ESTIMATE_FOLDS, validation_fraction=0.1, seed=42, group_by="entity_cluster"
    )
    sizes = [len(fold.validation) / 32470 for fold in folds]
    assert len(sizes) == 5 and all(0.07 <= size <= 0.13 for size in sizes), sizes  # each about a tenth
    assert not (words_of(folds[-1].validation) - common) & words_of(folds[-1].train)


def test_default_calibration_folds_are_five_or_as_many_as_fit_beside_validation() -> None:
    assert [default_estimate_folds(f) for f in (0.05, 0.1, 0.2, 0.25, 0.3, 0.45)] == [5, 5, 4, 3, 3, 2]
    for fraction in (0.1, 0.2, 0.3, 0.45):
        check_folds_fit(default_estimate_folds(fraction), fraction)  # the default always fits
    asked = DataArguments(train_file="t.jsonl", validation_fraction=0.2)
    assert asked.estimate_folds == asked.calibration_folds() == 4  # recorded as trained
    explicit = DataArguments(train_file="t.jsonl", validation_fraction=0.2, estimate_folds=5)
    with pytest.raises(ValueError, match=r"estimate_folds 5 × validation_fraction 0\.2"):
        check_folds_fit(explicit.calibration_folds(), explicit.validation_fraction)  # never cut silently


def astuple_split(parts):  # type: ignore[no-untyped-def]
    return parts.train, parts.validation


def test_a_repeated_row_is_one_distinct_row_and_another_pair_in_its_sentence_is_not() -> None:
    sentence = "이순신은 조선 중기의 무신이다."
    first = make_example(sentence, "이순신", "PER", "무신", "POH", "per:title", guid="a")
    again = make_example(sentence, "이순신", "PER", "무신", "POH", "per:title", guid="b")  # another id
    other_pair = make_example(sentence, "이순신", "PER", "조선", "ORG", "no_relation", guid="c")
    copies = row_copies([first, other_pair, again, first])
    assert copies.tolist() == [0, 1, 0, 0]
