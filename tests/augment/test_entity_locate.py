"""Entity re-location after translation: a table of tricky cases, one translated sentence each."""

import pytest
from factories import make_example

from services.augment.engine.drops import DropReason
from services.augment.engine.entities import make_strategy
from services.augment.engine.entities.base import Prepared

LOCATE = make_strategy("locate")


def relocate(example, translated: str):  # type: ignore[no-untyped-def]
    return LOCATE.relocate(example, Prepared(example.sentence), translated)


def spans(outcome) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return outcome.subject.span_in(outcome.sentence), outcome.object.span_in(outcome.sentence)


CASES = [
    pytest.param(
        make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG"),
        "조선의 장군 이순신은 유명하다.",
        (16 - 9, 0),
        id="particle attached, words reordered",
    ),
    pytest.param(
        make_example("삼성은 서울에 본사를 둔 기업이다.", "삼성", "ORG", "서울", "LOC"),
        "서울에 본사를 둔 삼성.",
        (10, 0),
        id="entity at the very end and the very start",
    ),
    pytest.param(
        make_example("IBM은 1911년에 설립되었다.", "IBM", "ORG", "1911년", "DAT"),
        "1911년 IBM이 설립됐다.",
        (6, 0),
        id="Latin and numeric entities",
    ),
    pytest.param(
        make_example("김 씨는 김치를 좋아하는 김민수이다.", "김민수", "PER", "김", "PER"),
        "김민수는 김치를 좋아하는 김 씨다.",
        (0, 14),
        id="short entity not matched inside longer words",
    ),
    pytest.param(
        make_example("서울대학교는 서울에 있다.", "서울대학교", "ORG", "서울", "LOC", object_occurrence=1),
        "서울에 위치한 서울대학교.",
        (8, 0),
        id="object text inside the subject's word is not a mention",
    ),
]


@pytest.mark.parametrize(("example", "translated", "starts"), CASES)
def test_entities_are_relocated(example, translated: str, starts: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    outcome = relocate(example, translated)
    assert outcome.reason is None
    assert (outcome.subject.start_idx, outcome.object.start_idx) == starts
    assert spans(outcome) == (example.subject_entity.word, example.object_entity.word)
    assert outcome.subject.type == example.subject_entity.type


def test_subject_inside_object_keeps_its_offset() -> None:
    example = make_example("서울대학교 총장은 말했다.", "서울대학교", "ORG", "서울", "LOC")
    outcome = relocate(example, "총장이 말하길, 서울대학교는 좋다.")
    assert outcome.reason is None
    assert outcome.subject.start_idx == outcome.object.start_idx == 9
    assert spans(outcome) == ("서울대학교", "서울")


def test_entity_occurring_twice_keeps_its_ordinal_when_counts_match() -> None:
    example = make_example(
        "박지성은 박지성 재단을 세웠다.", "박지성", "PER", "박지성 재단", "ORG", subject_occurrence=0
    )
    outcome = relocate(example, "박지성은 이후 박지성 재단을 설립했다.")
    assert outcome.reason is None
    assert (outcome.subject.start_idx, outcome.object.start_idx) == (0, 8)


def test_entity_occurring_more_often_than_in_the_source_is_ambiguous() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    assert relocate(example, "이순신과 이순신은 조선의 장군이다.").reason is DropReason.ENTITY_AMBIGUOUS


def test_missing_entity_is_dropped_with_its_reason() -> None:
    example = make_example("이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG")
    assert relocate(example, "충무공은 조선의 장군이다.").reason is DropReason.ENTITY_MISSING


def test_a_word_that_merely_starts_with_the_entity_is_not_a_mention() -> None:
    example = make_example("조선은 오래된 나라이다.", "조선", "ORG", "나라", "LOC")
    assert relocate(example, "조선소는 오래된 나라이다.").reason is DropReason.ENTITY_MISSING


def test_same_word_for_both_entities_found_once_is_ambiguous() -> None:
    example = make_example(
        "한국과 한국은 같다.", "한국", "LOC", "한국", "LOC", subject_occurrence=0, object_occurrence=1
    )
    assert relocate(example, "한국은 같다.").reason is DropReason.ENTITY_AMBIGUOUS


def test_entity_glued_inside_a_word_in_the_source_may_be_glued_in_the_output() -> None:
    example = make_example("민생당(가칭)으로 재탄생한 삼성전자우는 주식이다.", "삼성", "ORG", "민생당", "ORG")
    outcome = relocate(example, "주식인 삼성전자우는 민생당(가칭)으로 바뀌었다.")
    assert outcome.reason is None
    assert spans(outcome) == ("삼성", "민생당")


def test_reordering_translator_over_many_rows() -> None:
    """A translator that swaps the first two words: every row is relocated, every span checks."""
    from factories import tiny_examples

    for example in tiny_examples():
        words = example.sentence.split()
        reordered = " ".join([words[1], words[0], *words[2:]])
        outcome = relocate(example, reordered)
        if outcome.reason is None:
            assert spans(outcome) == (example.subject_entity.word, example.object_entity.word)
        else:  # only rows whose entity spans the swapped words may fail
            assert outcome.reason is DropReason.ENTITY_MISSING
