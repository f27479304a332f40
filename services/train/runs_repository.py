"""All SQL on training runs."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import TrainingRun


def add(session: Session, run: TrainingRun) -> TrainingRun:
    session.add(run)
    session.flush()
    return run


def get(session: Session, run_id: str) -> TrainingRun | None:
    return session.get(TrainingRun, run_id)


def finish(session: Session, run_id: str, *, status: str, **fields: Any) -> None:
    run = session.get(TrainingRun, run_id)
    assert run is not None
    run.status, run.finished_at = status, datetime.now(UTC)
    for name, value in fields.items():
        setattr(run, name, value)


def list_runs(session: Session, team_id: int | None = None) -> Sequence[TrainingRun]:
    query = select(TrainingRun).order_by(TrainingRun.created_at.desc())
    if team_id is not None:
        query = query.where(TrainingRun.team_id == team_id)
    return session.scalars(query).all()
