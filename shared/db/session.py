"""Engines and sessions. The caller that owns the unit of work (a request, a task, a CLI command) commits."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from shared.settings import get_common_settings

SQLITE_BUSY_TIMEOUT_S = 60


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A database that accepts TCP but never answers is an error in seconds, not a hang:
        # libpq's connect timeout covers the whole handshake, the pool timeout a starved pool,
        # and the statement timeout a query the server never finishes.
        limits = get_common_settings()
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_timeout=limits.db_pool_timeout_s,
            connect_args={
                "connect_timeout": limits.db_connect_timeout_s,
                "options": f"-c statement_timeout={limits.db_statement_timeout_s * 1000}",
            },
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once; several CLI processes may share one cache file.
    # WAL is stored in the file: only the first connection switches it, so later ones never need
    # the exclusive lock that switching takes (which would fail while others write).
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def _drop_inherited_connections() -> None:
    """In a forked child (a Celery pool process, forked again after one dies), the parent's pooled
    connections are the parent's: two processes on one socket read each other's results (seen as
    ResourceClosedError in a healthy chunk while the worker's sweeper thread used the pool). The
    child starts new pools and leaves the parent's sockets open for the parent."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_drop_inherited_connections)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
