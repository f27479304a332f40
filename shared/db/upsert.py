"""`INSERT … ON CONFLICT` for the dialect of a session: Postgres and SQLite spell it alike."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_insert(session: Session, table: Any) -> Any:
    """An insert offering `on_conflict_do_nothing/update` (the generic insert has neither)."""
    return _INSERTS[session.get_bind().dialect.name](table)
