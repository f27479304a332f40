"""Engines across fork: a Celery pool child is forked from a worker whose sweeper thread already
holds pooled connections."""

import multiprocessing
from pathlib import Path

from sqlalchemy import text

from shared.db.session import engine_for


def _pooled_in_child(url: str, found) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(url)
    inherited = engine.pool.checkedin()
    with engine.connect() as connection:  # and the child can still talk to the database
        found.put((inherited, connection.execute(text("select 1")).scalar()))


def test_a_forked_child_opens_its_own_connections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fork.db'}"
    engine = engine_for(url)
    with engine.connect() as connection:
        connection.execute(text("select 1"))
    assert engine.pool.checkedin() == 1  # the parent keeps a pooled connection
    context = multiprocessing.get_context("fork")
    found = context.Queue()
    child = context.Process(target=_pooled_in_child, args=(url, found))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert found.get(timeout=5) == (0, 1)  # none of the parent's, and a working one of its own
    assert engine.pool.checkedin() == 1  # the parent's connection is still the parent's
