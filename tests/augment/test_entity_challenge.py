"""The entity challenge corpus through the whole engine: every case is kept with exactly the marked
spans or dropped with exactly the stated reason. A kept row with a span on another word fails."""

import pytest
from entity_challenge_cases import Case, all_cases, parse
from fakes import FunctionTranslator

from services.augment.config import EngineSettings
from services.augment.engine.augmenter import Engine
from shared.db.migrate import upgrade
from shared.db.session import session_factory
from shared.re_data.schema import Entity, REExample

CASES = all_cases()


def test_the_corpus_is_large_and_every_case_is_well_formed() -> None:
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)
    for case in CASES:
        parse(case.source)
        if not case.expect.startswith("DROP "):
            parse(case.expect)


def source_row(case: Case) -> REExample:
    sentence, (s_start, s_end), (o_start, o_end) = parse(case.source)
    subject_type, object_type = case.types

    def entity(start: int, end: int, kind: str) -> Entity:
        return Entity(word=sentence[start:end], start_idx=start, end_idx=end - 1, type=kind)

    return REExample(
        guid=case.name,
        sentence=sentence,
        subject_entity=entity(s_start, s_end, subject_type),
        object_entity=entity(o_start, o_end, object_type),
        label="no_relation",
        source="wikipedia",
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('challenge') / 'cache.db'}"
    upgrade(url)
    return url


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_challenge_case(case: Case, store: str) -> None:
    # Each case gets its own scripted model revision, so cached legs never cross cases.
    revision = f"case-{CASES.index(case)}"
    legs = {
        "ko-en": FunctionTranslator("ko", "en", lambda text, _: f"<pivot>{text}", revision=revision),
        "en-ko": FunctionTranslator("en", "ko", lambda _text, _v: case.output, revision=revision),
    }
    engine = Engine(
        EngineSettings(), session_factory(store), translator_factory=lambda spec: legs[spec.direction]
    )
    report = engine.augment([source_row(case)], pivots=["en"], strategy=case.strategy)

    if case.expect.startswith("DROP "):
        assert report.rows == []
        assert [drop.reason.value for drop in report.drops] == [case.expect.removeprefix("DROP ")]
        return
    assert report.drops == [], [(drop.reason, drop.candidate) for drop in report.drops]
    (row,) = report.rows
    sentence, subject, obj = parse(case.expect)
    assert row.sentence == sentence
    assert (row.subject_entity.start_idx, row.subject_entity.end_idx + 1) == subject
    assert (row.object_entity.start_idx, row.object_entity.end_idx + 1) == obj
