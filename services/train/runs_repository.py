"""All SQL on training runs."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from shared.db.clock import aware, now
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
    update(session, run_id=run_id, status=status, finished_at=now(), **fields)


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


LIVE = ("queued", "running")


def claim(
    session: Session, *, run_id: str, task_id: str | None, lapsed_before: datetime
) -> TrainingRun | None:
    """Lock a run for this delivery: a queued run, or a running one whose holder's lease lapsed
    (its worker died: the run starts over). None when it is finished or held."""
    run = session.scalar(select(TrainingRun).where(TrainingRun.id == run_id).with_for_update())
    if run is None or run.status not in LIVE:
        return None
    renewed = run.heartbeat_at or run.created_at
    if run.status == "running" and aware(renewed) >= lapsed_before:
        return None
    run.attempts += 1
    run.status, run.task_id, run.heartbeat_at = "running", task_id, now()
    return run


def renew_lease(session: Session, *, run_id: str, task_id: str | None) -> None:
    session.execute(
        update_rows(TrainingRun)
        .where(TrainingRun.id == run_id, TrainingRun.task_id == task_id, TrainingRun.status == "running")
        .values(heartbeat_at=now())
    )


def mark_sent(session: Session, *, run_ids: Sequence[str]) -> None:
    if run_ids:
        session.execute(
            update_rows(TrainingRun).where(TrainingRun.id.in_(list(run_ids))).values(sent_at=now())
        )


def unsent(session: Session, *, accepted_before: datetime) -> Sequence[TrainingRun]:
    return session.scalars(
        select(TrainingRun)
        .where(
            TrainingRun.task_id.is_not(None),  # queued through the API; CLI runs have no delivery
            TrainingRun.status == "queued",
            TrainingRun.sent_at.is_(None),
            TrainingRun.created_at < accepted_before,
        )
        .with_for_update(skip_locked=True)
    ).all()


def lapsed(session: Session, *, lapsed_before: datetime) -> Sequence[TrainingRun]:
    renewed = func.coalesce(TrainingRun.heartbeat_at, TrainingRun.created_at)
    return session.scalars(
        select(TrainingRun)
        .where(TrainingRun.task_id.is_not(None), TrainingRun.status == "running", renewed < lapsed_before)
        .with_for_update(skip_locked=True)
    ).all()


def waiting(session: Session, *, sent_before: datetime) -> Sequence[TrainingRun]:
    return session.scalars(
        select(TrainingRun)
        .where(
            TrainingRun.task_id.is_not(None),
            TrainingRun.status == "queued",
            TrainingRun.sent_at < sent_before,
        )
        .with_for_update(skip_locked=True)
    ).all()
