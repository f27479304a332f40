from services.augment.engine.drops import DropReason
from services.augment.engine.quality import QualityGates, hangul_share, has_repeated_ngram

GATES = QualityGates()
SOURCE = "이순신은 조선 중기의 무신이다."


def test_a_good_paraphrase_passes() -> None:
    assert GATES.check(SOURCE, "이순신은 조선 중기에 활동한 무신이다.") is None


def test_each_gate_names_its_reason() -> None:
    assert GATES.check(SOURCE, "  ") is DropReason.EMPTY_TRANSLATION
    assert GATES.check(SOURCE, " 이순신은  조선 중기의 무신이다. ") is DropReason.IDENTICAL_TO_SOURCE
    assert GATES.check(SOURCE, "이순신 무신 무신 무신 이다") is DropReason.REPETITION
    assert GATES.check(SOURCE, "무신.") is DropReason.LENGTH_RATIO
    assert GATES.check(SOURCE, SOURCE * 3) is DropReason.LENGTH_RATIO
    assert GATES.check(SOURCE, "Yi Sun-sin, Joseon 무신.") is DropReason.LOW_HANGUL


def test_latin_entities_do_not_count_against_the_hangul_share() -> None:
    sentence = "IBM은 Armonk에 있다."
    assert hangul_share(sentence) < 0.5
    assert hangul_share(sentence, ("IBM", "Armonk")) == 1.0
    assert GATES.check("IBM은 뉴욕주 Armonk에 본사를 둔다.", sentence, ("IBM", "Armonk")) is None


def test_repeated_ngrams_of_several_words() -> None:
    assert has_repeated_ngram("가 나 가 나 가 나".split(), 3)
    assert not has_repeated_ngram("가 나 가 나 다".split(), 3)


def test_hangul_share_is_measured_against_the_source_own_share() -> None:
    latin_source = "The Beatles는 Liverpool에서 결성된 rock band이다."
    paraphrase = "The Beatles는 Liverpool에서 만들어진 rock band이다."
    assert hangul_share(paraphrase) < 0.5  # a fixed half would have dropped it
    assert GATES.check(latin_source, paraphrase) is None
    assert (
        GATES.check(latin_source, "The Beatles formed in Liverpool as a rock band.") is DropReason.LOW_HANGUL
    )
    assert GATES.check(SOURCE, "Yi Sun-sin은 Joseon의 officer다.") is DropReason.LOW_HANGUL


def test_sources_without_letters_do_not_divide_by_zero() -> None:
    assert GATES.check("1990 - 2000", "1990 ~ 2000") is None
