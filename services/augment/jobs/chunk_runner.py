"""One chunk of an augmentation job, start to finish. Celery-free, so it is easy to test.

Idempotent: a chunk already done is skipped, and a chunk's rows are written in the same
transaction that marks it done, so a redelivered task never stores a row twice.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.augment.engine.augmenter import Engine
from services.augment.engine.entities import make_strategy
from services.augment.jobs import repository as jobs_repository
from services.augment.jobs.schemas import AugmentationCreate
from services.catalog import datasets_service
from shared.background import Every
from shared.db.clock import now
from shared.db.models import JobChunk
from shared.dispatch import WORKER_LOST
from shared.re_data.io import to_record
from shared.re_data.schema import REExample


class ChunkOutcome(StrEnum):
    DONE = "done"
    JOB_DONE = "job_done"
    SKIPPED = "skipped"
    GAVE_UP = "gave_up"


@dataclass(frozen=True)
class ChunkWork:
    chunk_id: str
    dataset_id: str
    pivot: str
    row_start: int
    row_end: int
    request: AugmentationCreate
    team: str


@dataclass(frozen=True)
class Delivery:
    """Who runs the chunk (the task id of this delivery) and the lease rules it holds it under."""

    task_id: str | None
    max_attempts: int
    lease_s: float
    heartbeat_s: float


def run_chunk(
    chunk_id: str, *, engine: Engine, sessions: sessionmaker[Session], delivery: Delivery
) -> ChunkOutcome:
    work = _claim(chunk_id, sessions, delivery)
    if isinstance(work, ChunkOutcome):
        return work
    with sessions.begin() as session:
        records = datasets_service.row_records(session, work.dataset_id, work.row_start, work.row_end)
    examples = [REExample.model_validate(record) for record in records]
    position = {example.guid: work.row_start + i for i, example in enumerate(examples)}

    def renew() -> None:
        with sessions.begin() as session:
            jobs_repository.renew_lease(session, chunk_id=chunk_id, task_id=delivery.task_id)

    with Every(delivery.heartbeat_s, renew, name=f"lease-{chunk_id}"):
        result = engine.run_pivot(
            examples,
            pivot=work.pivot,
            strategy=make_strategy(work.request.strategy),
            decoding=work.request.decoding,
            variants=work.request.variants,
            produced_by=work.team,
        )
    rows: list[dict[str, Any]] = [
        {
            "position": position[row.provenance.source_id],
            "variant": row.provenance.variant,
            "record": to_record(row),
        }
        for row in result.rows
        if row.provenance is not None
    ]
    drops = [
        {"source_id": d.source_id, "variant": d.variant, "reason": d.reason.value, "candidate": d.candidate}
        for d in result.drops
    ]
    stats = {
        "rows_out": len(rows),
        "cache_hits": result.cache_hits,
        "cache_misses": result.cache_misses,
        "drop_counts": dict(Counter(d.reason.value for d in result.drops)),
    }
    with sessions.begin() as session:
        finished = jobs_repository.complete_chunk(
            session, chunk_id=chunk_id, rows=rows, drops=drops, stats=stats
        )
    return ChunkOutcome.JOB_DONE if finished else ChunkOutcome.DONE


def _claim(chunk_id: str, sessions: sessionmaker[Session], delivery: Delivery) -> ChunkWork | ChunkOutcome:
    with sessions.begin() as session:
        lapsed_before = now() - timedelta(seconds=delivery.lease_s)
        claimed = jobs_repository.claim_chunk(
            session, chunk_id=chunk_id, task_id=delivery.task_id, lapsed_before=lapsed_before,
            max_attempts=delivery.max_attempts,
        )  # fmt: skip
        if claimed is None:
            return ChunkOutcome.SKIPPED
        chunk, job, team, spent = claimed
        if spent:
            why = chunk.error or WORKER_LOST
            jobs_repository.fail_chunk_and_job(
                session,
                chunk_id=chunk_id,
                error=f"{describe(chunk)} was tried {delivery.max_attempts} times and {why}",
            )
            return ChunkOutcome.GAVE_UP
        return ChunkWork(
            chunk_id=chunk.id,
            dataset_id=job.dataset_id,
            pivot=chunk.pivot,
            row_start=chunk.row_start,
            row_end=chunk.row_end,
            request=AugmentationCreate.model_validate(job.request),
            team=team,
        )


def describe(chunk: JobChunk) -> str:
    return f"chunk {chunk.index} ({chunk.pivot}, rows {chunk.row_start}-{chunk.row_end - 1})"


def fail_job(chunk_id: str, sessions: sessionmaker[Session], error: str) -> None:
    """Fails the chunk and its job, the reason prefixed with which chunk it was."""
    with sessions.begin() as session:
        chunk = session.get(JobChunk, chunk_id)
        where = f"{describe(chunk)}: " if chunk is not None else ""
        jobs_repository.fail_chunk_and_job(session, chunk_id=chunk_id, error=f"{where}{error}")


def retry_later(chunk_id: str, sessions: sessionmaker[Session], why: str) -> None:
    """Back to pending for another try, remembering why this one ended."""
    with sessions.begin() as session:
        jobs_repository.release_chunk(session, chunk_id=chunk_id, error=why)
