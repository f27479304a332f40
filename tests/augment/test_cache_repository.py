"""The shared translation cache on SQLite and real Postgres: lookup, idempotent and concurrent inserts."""

import multiprocessing
import traceback

from fakes import FunctionTranslator
from sqlalchemy.orm import Session, sessionmaker

from services.augment.engine import cache_repository
from services.augment.engine.cached_leg import CachedLeg
from services.augment.engine.decoding import DecodingSettings
from shared.db.session import session_factory

DECODING = DecodingSettings()


def leg_row(key: str, output: str = "out") -> dict[str, object]:
    return {
        "key": key,
        "source_text": f"text {key}",
        "source_lang": "ko",
        "target_lang": "en",
        "model": "m",
        "revision": "r",
        "decoding": DECODING.canonical(),
        "outputs": [output],
    }


def test_insert_is_idempotent_and_first_writer_wins(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        cache_repository.insert_missing(session, rows=[leg_row("a", "first"), leg_row("b")])
    with sessions.begin() as session:
        cache_repository.insert_missing(session, rows=[leg_row("a", "second"), leg_row("c")])
    with sessions.begin() as session:
        assert cache_repository.count_rows(session) == 3
        found = cache_repository.get_outputs(session, keys=["a", "c", "missing"])
    assert found == {"a": ["first"], "c": ["out"]}


def test_bulk_lookup_spans_many_chunks(sessions: sessionmaker[Session]) -> None:
    rows = [leg_row(f"k{i:05d}") for i in range(1234)]
    with sessions.begin() as session:
        cache_repository.insert_missing(session, rows=rows)
        assert len(cache_repository.get_outputs(session, keys=[r["key"] for r in rows])) == 1234  # type: ignore[misc]


def test_cached_leg_translates_only_misses_and_keeps_order(sessions: sessionmaker[Session]) -> None:
    translator = FunctionTranslator("ko", "en", lambda text, v: text.upper())
    leg = CachedLeg(translator, sessions)
    assert leg.translate(["b", "a", "b"], DECODING) == [["B"], ["A"], ["B"]]
    assert translator.texts_seen == ["b", "a"]  # identical sources translated once
    assert leg.translate(["a", "c", "b"], DECODING) == [["A"], ["C"], ["B"]]
    assert translator.texts_seen == ["b", "a", "c"]
    assert (leg.stats.hits, leg.stats.misses) == (2, 3)


def _write_overlapping(url: str, worker: int, barrier, errors) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(url)
    translator = FunctionTranslator("ko", "en", lambda text, v: f"{text}/{worker}")
    leg = CachedLeg(translator, sessions)
    texts = [f"sentence {i}" for i in range(worker * 150, worker * 150 + 600)]  # each overlaps the next
    barrier.wait()
    try:
        for _ in range(3):
            leg.translate(texts, DECODING)
            with sessions.begin() as session:
                cache_repository.insert_missing(session, rows=[leg_row(f"shared-{i}") for i in range(300)])
    except Exception:
        errors.put(traceback.format_exc())
        raise


def test_concurrent_writers_never_fail_and_never_duplicate(database_url: str) -> None:
    workers = 4
    context = multiprocessing.get_context("fork")
    barrier, errors = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(target=_write_overlapping, args=(database_url, w, barrier, errors))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert errors.empty(), errors.get()
    assert [p.exitcode for p in processes] == [0] * workers
    distinct_texts = len({i for w in range(workers) for i in range(w * 150, w * 150 + 600)})
    with session_factory(database_url).begin() as session:
        assert cache_repository.count_rows(session) == distinct_texts + 300
