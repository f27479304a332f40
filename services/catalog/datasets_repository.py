"""All SQL on datasets and their rows."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shared.db.models import Dataset, DatasetRow

INSERT_CHUNK = 1000


def add_dataset(session: Session, *, dataset: Dataset, records: Sequence[dict[str, Any]]) -> Dataset:
    session.add(dataset)
    session.flush()
    rows = [
        {"dataset_id": dataset.id, "position": i, "guid": r["guid"], "record": r}
        for i, r in enumerate(records)
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(DatasetRow), rows[start : start + INSERT_CHUNK])
    return dataset


def get_for_team(session: Session, *, dataset_id: str, team_id: int) -> Dataset | None:
    return session.scalar(select(Dataset).where(Dataset.id == dataset_id, Dataset.team_id == team_id))


def list_for_team(session: Session, *, team_id: int) -> Sequence[Dataset]:
    return session.scalars(
        select(Dataset).where(Dataset.team_id == team_id).order_by(Dataset.created_at.desc())
    ).all()


def records(session: Session, *, dataset_id: str, start: int, end: int) -> list[dict[str, Any]]:
    """Rows at positions [start, end), in order."""
    return list(
        session.scalars(
            select(DatasetRow.record)
            .where(
                DatasetRow.dataset_id == dataset_id, DatasetRow.position >= start, DatasetRow.position < end
            )
            .order_by(DatasetRow.position)
        )
    )
