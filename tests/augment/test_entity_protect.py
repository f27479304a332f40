"""Entity protection with placeholders: prepare, translate (by hand here), restore."""

import pytest
from factories import make_example, tiny_examples

from services.augment.engine.drops import DropReason
from services.augment.engine.entities import make_strategy
from services.augment.engine.entities.base import Prepared
from services.augment.engine.entities.korean import harmonise_particle

PROTECT = make_strategy("protect")


def prepared(example) -> Prepared:  # type: ignore[no-untyped-def]
    ready = PROTECT.prepare(example)
    assert isinstance(ready, Prepared)
    return ready


def test_entities_are_swapped_for_placeholders_before_translation() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    assert prepared(example).text == "ZSUBJ은 ZOBJ의 장군이다."


def test_placeholders_are_restored_with_particles_fixed() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    outcome = PROTECT.relocate(example, prepared(example), "ZOBJ의 장군 ZSUBJ는 유명하다.")
    assert outcome.reason is None
    assert outcome.sentence == "조선의 장군 이순신은 유명하다."
    assert outcome.subject.span_in(outcome.sentence) == "이순신"
    assert outcome.object.span_in(outcome.sentence) == "조선"


def test_placeholder_case_changes_survive_and_offsets_follow_longer_particles() -> None:
    example = make_example("부산으로 간 김철수는 웃었다.", "김철수", "PER", "부산", "LOC")
    outcome = PROTECT.relocate(example, prepared(example), "zobj로 간 Zsubj가 웃었다.")
    assert outcome.sentence == "부산으로 간 김철수가 웃었다."
    assert (outcome.object.start_idx, outcome.subject.start_idx) == (0, 7)


def test_nested_entities_become_one_placeholder() -> None:
    example = make_example("서울대학교 총장은 말했다.", "서울대학교", "ORG", "서울", "LOC")
    ready = prepared(example)
    assert ready.text == "ZSUBJ 총장은 말했다."
    outcome = PROTECT.relocate(example, ready, "총장이 ZSUBJ에 대해 말했다.")
    assert outcome.reason is None
    assert outcome.subject.start_idx == outcome.object.start_idx == 4


def test_lost_or_doubled_placeholders_drop_the_row() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    ready = prepared(example)
    assert PROTECT.relocate(example, ready, "ZOBJ의 장군이다.").reason is DropReason.ENTITY_MISSING
    doubled = PROTECT.relocate(example, ready, "ZSUBJ와 ZSUBJ는 ZOBJ의 장군이다.")
    assert doubled.reason is DropReason.ENTITY_AMBIGUOUS
    assert "이순신와 이순신" in doubled.sentence  # the reader sees words, not placeholders


def test_a_sentence_already_holding_a_placeholder_is_refused() -> None:
    example = make_example("ZSUBJ라는 회사는 삼성의 자회사이다.", "삼성", "ORG", "회사", "ORG")
    assert PROTECT.prepare(example) is DropReason.PLACEHOLDER_COLLISION


def test_entities_at_both_edges() -> None:
    example = make_example("삼성 본사는 서울", "삼성", "ORG", "서울", "LOC")
    ready = prepared(example)
    assert ready.text == "ZSUBJ 본사는 ZOBJ"
    outcome = PROTECT.relocate(example, ready, "ZOBJ에 ZSUBJ")
    assert outcome.sentence == "서울에 삼성"
    assert outcome.object.start_idx == 0 and outcome.subject.end_idx == len(outcome.sentence) - 1


def test_identity_round_trip_restores_every_tiny_row_exactly() -> None:
    for example in tiny_examples():
        ready = prepared(example)
        outcome = PROTECT.relocate(example, ready, ready.text)
        assert outcome.sentence == example.sentence
        assert outcome.subject == example.subject_entity
        assert outcome.object == example.object_entity


def test_particle_harmonisation_rules() -> None:
    assert harmonise_particle("이순신", "는 장군") == "은 장군"
    assert harmonise_particle("삼성", "가 ") == "이 "
    assert harmonise_particle("서울", "으로") == "로"  # ㄹ final takes 로
    assert harmonise_particle("부산", "로") == "으로"
    assert harmonise_particle("이순신", "이다") == "이다"  # not a paired particle on its own
    assert harmonise_particle("KBS", "는") == "는"  # no Hangul final to agree with


PARTICLE_TABLE = [
    # (as the translator wrote it, after 이순신 (final ㄴ), after 세조 (no final), after 서울 (final ㄹ))
    ("는", "은", "는", "은"),
    ("가", "이", "가", "이"),
    ("를", "을", "를", "을"),
    ("와", "과", "와", "과"),
    ("와의", "과의", "와의", "과의"),
    ("로", "으로", "로", "로"),
    ("로서", "으로서", "로서", "로서"),
    ("으로써", "으로써", "로써", "로써"),
    ("로부터", "으로부터", "로부터", "로부터"),
    ("나", "이나", "나", "이나"),
    ("랑", "이랑", "랑", "이랑"),
    ("며", "이며", "며", "이며"),
    ("다", "이다", "다", "이다"),
    ("야", "이야", "야", "이야"),
    ("라는", "이라는", "라는", "이라는"),
    ("였다", "이었다", "였다", "이었다"),
    ("처럼", "처럼", "처럼", "처럼"),  # no allomorphs: unchanged
]


@pytest.mark.parametrize(("written", "after_consonant", "after_vowel", "after_rieul"), PARTICLE_TABLE)
def test_every_particle_with_allomorphs_fits_the_restored_word(
    written: str, after_consonant: str, after_vowel: str, after_rieul: str
) -> None:
    assert harmonise_particle("이순신", written + " 말했다") == after_consonant + " 말했다"
    assert harmonise_particle("세조", written + " 말했다") == after_vowel + " 말했다"
    assert harmonise_particle("서울", written) == after_rieul
