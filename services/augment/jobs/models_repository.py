"""All SQL on the model revisions workers record at start-up."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import ModelRevision
from shared.db.upsert import dialect_insert


def record_revisions(session: Session, *, rows: list[dict[str, Any]]) -> None:
    statement = dialect_insert(session, ModelRevision).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["direction", "model"], set_={"revision": statement.excluded.revision}
        )
    )


def recorded_revision(session: Session, *, direction: str, model: str) -> str | None:
    return session.scalar(
        select(ModelRevision.revision).where(
            ModelRevision.direction == direction, ModelRevision.model == model
        )
    )
