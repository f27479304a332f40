"""Advisory locks: one sweeper at a time across every worker on every machine."""

from sqlalchemy import text
from sqlalchemy.orm import Session


def try_transaction_lock(session: Session, key: int) -> bool:
    """Takes a Postgres advisory lock held until the transaction ends; False if another holds it.
    Other stores have one process, so the lock is always had."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))
