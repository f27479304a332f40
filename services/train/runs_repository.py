"""All SQL on training runs."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import TrainingRun


def add(session: Session, *, run: TrainingRun) -> TrainingRun:
    session.add(run)
    session.flush()
    return run


def get(session: Session, *, run_id: str) -> TrainingRun | None:
    return session.get(TrainingRun, run_id)


def update(session: Session, *, run_id: str, **fields: Any) -> TrainingRun:
    run = session.get(TrainingRun, run_id)
    if run is None:
        raise LookupError(f"no training run {run_id!r}")
    for name, value in fields.items():
        setattr(run, name, value)
    return run


def finish(session: Session, *, run_id: str, status: str, **fields: Any) -> None:
    update(session, run_id=run_id, status=status, finished_at=datetime.now(UTC), **fields)


def get_for_team(session: Session, *, run_id: str, team_id: int) -> TrainingRun | None:
    return session.scalar(select(TrainingRun).where(TrainingRun.id == run_id, TrainingRun.team_id == team_id))


def list_runs(
    session: Session, *, team_id: int | None = None, dataset_id: str | None = None, ids: Sequence[str] = ()
) -> Sequence[TrainingRun]:
    query = select(TrainingRun).order_by(TrainingRun.created_at.desc())
    if team_id is not None:
        query = query.where(TrainingRun.team_id == team_id)
    if dataset_id is not None:
        query = query.where(TrainingRun.dataset_id == dataset_id)
    if ids:
        query = query.where(TrainingRun.id.in_(list(ids)))
    return session.scalars(query).all()
