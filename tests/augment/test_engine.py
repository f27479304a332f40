"""The whole back-translation run with deterministic test translators, on SQLite and Postgres."""

import pytest
from factories import tiny_examples
from fakes import FunctionTranslator, fake_factory
from sqlalchemy.orm import Session, sessionmaker

from services.augment.config import EngineSettings
from services.augment.engine import cache_repository
from services.augment.engine.augmenter import Engine
from services.augment.engine.drops import DropReason


def run(sessions, strategy: str = "locate", variants: int = 1, overrides=None):  # type: ignore[no-untyped-def]
    factory = fake_factory(overrides)
    engine = Engine(EngineSettings(), sessions, translator_factory=factory)
    report = engine.augment(tiny_examples(), pivots=["en", "ja"], strategy=strategy, variants=variants)
    return report, factory.made  # type: ignore[attr-defined]


@pytest.mark.parametrize("strategy", ["locate", "protect"])
def test_rows_keep_label_types_and_checked_spans(sessions: sessionmaker[Session], strategy: str) -> None:
    report, _ = run(sessions, strategy)
    sources = {example.guid: example for example in tiny_examples()}
    assert report.rows_out == {"en": 16, "ja": 16}
    for row in report.rows:
        source = sources[row.provenance.source_id]
        assert row.sentence != source.sentence
        assert row.sentence.startswith("한편 ")
        assert row.label == source.label
        for new, old in (
            (row.subject_entity, source.subject_entity),
            (row.object_entity, source.object_entity),
        ):
            assert new.span_in(row.sentence) == old.word
            assert new.type == old.type
        assert row.provenance.strategy == strategy
        assert [leg.source_lang for leg in row.provenance.legs] == ["ko", row.provenance.pivot]
        assert row.guid == f"{source.guid}:bt-{row.provenance.pivot}-0"


def test_second_run_is_served_from_the_cache(sessions: sessionmaker[Session]) -> None:
    first, _ = run(sessions)
    second, made = run(sessions)
    assert [row.sentence for row in second.rows] == [row.sentence for row in first.rows]
    assert all(translator.calls == 0 for translator in made.values())
    assert all(misses == 0 for _, misses in second.cache.values())
    with sessions.begin() as session:  # one row per distinct text and leg
        distinct_sources = len({e.sentence for e in tiny_examples()})
        assert cache_repository.count_rows(session) == 4 * distinct_sources


def test_variants_give_distinct_rows(sessions: sessionmaker[Session]) -> None:
    report, _ = run(sessions, variants=2)
    assert report.rows_out == {"en": 32, "ja": 32}
    assert {row.provenance.variant for row in report.rows} == {0, 1}


def test_failures_are_dropped_with_reasons(sessions: sessionmaker[Session]) -> None:
    def in_english(text: str, _variant: int) -> str:  # as long as the source, but not Korean
        return " ".join(f"word{i}" for i in range(len(text)))[: len(text)]

    english = FunctionTranslator("en", "ko", in_english)
    echo = FunctionTranslator("ja", "ko", lambda text, v: text.split(">", 1)[1])
    report, _ = run(sessions, overrides={"en-ko": english, "ja-ko": echo})
    assert report.rows == []
    assert report.drop_counts[("en", DropReason.LOW_HANGUL.value)] == 16
    assert report.drop_counts[("ja", DropReason.IDENTICAL_TO_SOURCE.value)] == 16
    assert {drop.source_id for drop in report.drops} == {e.guid for e in tiny_examples()}
