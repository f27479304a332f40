"""All SQL on the translation cache. Callers own the transaction."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db.models import TranslationLeg
from shared.db.upsert import dialect_insert

LOOKUP_CHUNK = 500


def get_outputs(session: Session, *, keys: Iterable[str]) -> dict[str, list[str]]:
    """Bulk lookup: key → cached outputs, for the keys that are cached."""
    unique = list(dict.fromkeys(keys))
    found: dict[str, list[str]] = {}
    for start in range(0, len(unique), LOOKUP_CHUNK):
        chunk = unique[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(TranslationLeg.key, TranslationLeg.outputs).where(TranslationLeg.key.in_(chunk))
        )
        found.update({key: outputs for key, outputs in rows})
    return found


def insert_missing(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert; a key another writer stored first is kept as it is (`ON CONFLICT DO NOTHING`)."""
    if not rows:
        return
    # Sorted keys: concurrent writers take row locks in one order and never deadlock.
    ordered = sorted(rows, key=lambda row: row["key"])
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        statement = dialect_insert(session, TranslationLeg).on_conflict_do_nothing(index_elements=["key"])
        session.execute(statement, ordered[start : start + LOOKUP_CHUNK])


def count_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(TranslationLeg)) or 0
