"""All SQL on augmentation jobs, their chunks and results."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from shared.db.clock import aware, now
from shared.db.models import (
    FINISHED_JOB_STATES,
    AugmentationJob,
    AugmentedRow,
    ChunkState,
    Dataset,
    DroppedRow,
    JobChunk,
    JobState,
    Team,
)
from shared.dispatch import ChunkTask

LIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value, JobState.SUCCEEDED.value)


def find_live_job(session: Session, *, team_id: int, request_hash: str) -> AugmentationJob | None:
    return session.scalar(
        select(AugmentationJob).where(
            AugmentationJob.team_id == team_id,
            AugmentationJob.request_hash == request_hash,
            AugmentationJob.state.in_(LIVE_STATES),
        )
    )


def add_job(session: Session, *, job: AugmentationJob, chunks: Sequence[JobChunk]) -> None:
    session.add(job)
    session.flush()
    session.add_all(chunks)
    session.flush()


def get_for_team(session: Session, *, job_id: str, team_id: int) -> AugmentationJob | None:
    return session.scalar(
        select(AugmentationJob).where(AugmentationJob.id == job_id, AugmentationJob.team_id == team_id)
    )


def list_for_team(session: Session, *, team_id: int) -> Sequence[AugmentationJob]:
    return session.scalars(
        select(AugmentationJob)
        .where(AugmentationJob.team_id == team_id)
        .order_by(AugmentationJob.created_at.desc())
    ).all()


def chunk_progress(session: Session, *, job_id: str) -> Sequence[Any]:
    """Plain rows (no ORM objects): status polls are the hottest read of the service."""
    return session.execute(
        select(
            JobChunk.pivot, JobChunk.state, JobChunk.row_start, JobChunk.row_end, JobChunk.rows_out,
            JobChunk.cache_hits, JobChunk.cache_misses, JobChunk.drop_counts,
        ).where(JobChunk.job_id == job_id)
    ).all()  # fmt: skip


def unsent_chunk_tasks(session: Session, *, job_id: str) -> list[ChunkTask]:
    rows = session.execute(
        select(JobChunk.id, JobChunk.pivot, JobChunk.task_id).where(
            JobChunk.job_id == job_id, JobChunk.state == ChunkState.PENDING.value, JobChunk.sent_at.is_(None)
        )
    )
    return [ChunkTask(chunk_id, pivot, task_id or chunk_id) for chunk_id, pivot, task_id in rows]


def claim_chunk(
    session: Session, *, chunk_id: str, task_id: str | None, lapsed_before: datetime, max_attempts: int
) -> tuple[JobChunk, AugmentationJob, str, bool] | None:
    """Lock a chunk and its job for this delivery; None when there is nothing to do here: the
    chunk is finished, or a delivery holds it and its lease has not lapsed (even a redelivery of
    the same message waits: its first holder may still be at work). The flag: its tries are spent
    (max_attempts of them ran), so this delivery only ends it and is not counted as a try."""
    chunk = session.scalar(select(JobChunk).where(JobChunk.id == chunk_id).with_for_update())
    if chunk is None or chunk.state in (ChunkState.DONE.value, ChunkState.FAILED.value):
        return None
    if chunk.state == ChunkState.RUNNING.value and not _lapsed(chunk, lapsed_before):
        return None
    job = session.scalar(select(AugmentationJob).where(AugmentationJob.id == chunk.job_id).with_for_update())
    if job is None or job.state in FINISHED_JOB_STATES:
        return None
    team_name = session.scalar(select(Team.name).where(Team.id == job.team_id)) or ""
    if chunk.attempts >= max_attempts:
        return chunk, job, team_name, True
    chunk.attempts += 1
    chunk.state, chunk.task_id = ChunkState.RUNNING.value, task_id
    chunk.started_at = chunk.heartbeat_at = now()
    if job.state == JobState.QUEUED.value:
        job.state = JobState.RUNNING.value
        job.started_at = now()
    return chunk, job, team_name, False


def _lapsed(chunk: JobChunk, lapsed_before: datetime) -> bool:
    renewed = chunk.heartbeat_at or chunk.started_at
    return renewed is None or aware(renewed) < lapsed_before


def renew_lease(session: Session, *, chunk_id: str, task_id: str | None) -> bool:
    """The holder's heartbeat; False when the chunk is no longer this delivery's."""
    renewed = session.execute(
        update(JobChunk)
        .where(
            JobChunk.id == chunk_id, JobChunk.task_id == task_id, JobChunk.state == ChunkState.RUNNING.value
        )
        .values(heartbeat_at=now())
    )
    return bool(renewed.rowcount)  # type: ignore[attr-defined]


def release_chunk(session: Session, *, chunk_id: str, error: str) -> None:
    """Back to pending for another try (its attempts stay counted), saying why."""
    session.execute(
        update(JobChunk)
        .where(JobChunk.id == chunk_id, JobChunk.state == ChunkState.RUNNING.value)
        .values(state=ChunkState.PENDING.value, error=error)
    )


def mark_sent(session: Session, *, chunk_ids: Sequence[str]) -> None:
    if chunk_ids:
        session.execute(update(JobChunk).where(JobChunk.id.in_(list(chunk_ids))).values(sent_at=now()))


def _live_job_chunks() -> Any:
    return (
        select(JobChunk)
        .join(AugmentationJob, AugmentationJob.id == JobChunk.job_id)
        .where(AugmentationJob.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]))
    )


def unsent_chunks(session: Session, *, accepted_before: datetime) -> Sequence[JobChunk]:
    """Pending chunks of live jobs whose task was never sent (the broker was down, the API died)."""
    return session.scalars(
        _live_job_chunks()
        .where(
            JobChunk.state == ChunkState.PENDING.value,
            JobChunk.sent_at.is_(None),
            AugmentationJob.created_at < accepted_before,
        )
        .with_for_update(of=JobChunk, skip_locked=True)
    ).all()


def lapsed_chunks(session: Session, *, lapsed_before: datetime) -> Sequence[JobChunk]:
    """Running chunks of live jobs whose holder stopped renewing its lease."""
    renewed = func.coalesce(JobChunk.heartbeat_at, JobChunk.started_at)
    return session.scalars(
        _live_job_chunks()
        .where(JobChunk.state == ChunkState.RUNNING.value, renewed < lapsed_before)
        .with_for_update(of=JobChunk, skip_locked=True)
    ).all()


def waiting_chunks(session: Session, *, sent_before: datetime) -> Sequence[JobChunk]:
    """Pending chunks of live jobs sent a while ago: their message waits in a queue, or is lost."""
    return session.scalars(
        _live_job_chunks()
        .where(JobChunk.state == ChunkState.PENDING.value, JobChunk.sent_at < sent_before)
        .with_for_update(of=JobChunk, skip_locked=True)
    ).all()


def dataset_of(session: Session, *, job: AugmentationJob) -> Dataset:
    dataset = session.get(Dataset, job.dataset_id)
    assert dataset is not None
    return dataset


def complete_chunk(
    session: Session,
    *,
    chunk_id: str,
    rows: Sequence[dict[str, Any]],
    drops: Sequence[dict[str, Any]],
    stats: dict[str, Any],
) -> bool:
    """Store a chunk's results once, count it, and finalise the job exactly once.

    Returns True when this call finished the job."""
    marked = session.execute(
        update(JobChunk)
        .where(JobChunk.id == chunk_id, JobChunk.state == ChunkState.RUNNING.value)
        .values(state=ChunkState.DONE.value, finished_at=now(), **stats)
        .returning(JobChunk.job_id)
    ).first()
    if marked is None:  # another attempt already completed it
        return False
    job_id = marked[0]
    session.execute(delete(AugmentedRow).where(AugmentedRow.chunk_id == chunk_id))
    session.execute(delete(DroppedRow).where(DroppedRow.chunk_id == chunk_id))
    if rows:
        session.execute(
            insert(AugmentedRow), [row | {"chunk_id": chunk_id, "job_id": job_id} for row in rows]
        )
    if drops:
        session.execute(insert(DroppedRow), [drop | {"chunk_id": chunk_id} for drop in drops])
    session.execute(
        update(AugmentationJob)
        .where(AugmentationJob.id == job_id)
        .values(chunks_done=AugmentationJob.chunks_done + 1)
    )
    finished = session.execute(
        update(AugmentationJob)
        .where(
            AugmentationJob.id == job_id,
            AugmentationJob.state == JobState.RUNNING.value,
            AugmentationJob.chunks_done == AugmentationJob.chunks_total,
        )
        .values(state=JobState.SUCCEEDED.value, finished_at=now())
    )
    return bool(finished.rowcount)  # type: ignore[attr-defined]


def fail_chunk_and_job(session: Session, *, chunk_id: str, error: str) -> None:
    chunk = session.get(JobChunk, chunk_id)
    if chunk is None:
        return
    chunk.state, chunk.finished_at, chunk.error = ChunkState.FAILED.value, now(), error
    session.execute(
        update(AugmentationJob)
        .where(AugmentationJob.id == chunk.job_id, AugmentationJob.state.not_in(FINISHED_JOB_STATES))
        .values(state=JobState.FAILED.value, error=error, finished_at=now())
    )


def cancel(session: Session, *, job: AugmentationJob) -> bool:
    if job.state in FINISHED_JOB_STATES:
        return False
    job.state, job.finished_at = JobState.CANCELLED.value, now()
    return True


def result_records(session: Session, *, job_id: str) -> Iterator[dict[str, Any]]:
    """Augmented rows in a stable order: pivot chunks in order, source position, variant."""
    query = (
        select(AugmentedRow.record)
        .join(JobChunk, JobChunk.id == AugmentedRow.chunk_id)
        .where(AugmentedRow.job_id == job_id)
        .order_by(JobChunk.pivot, JobChunk.index, AugmentedRow.position, AugmentedRow.variant)
        .execution_options(yield_per=500)
    )
    yield from session.scalars(query)
