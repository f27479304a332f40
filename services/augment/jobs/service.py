"""Augmentation jobs: create (or find) a job, split it into chunks, report its progress."""

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.augment.config import ServiceSettings
from services.augment.engine.registry import PIVOTS, output_settings, pivot_legs
from services.augment.jobs import repository as jobs_repository
from services.augment.jobs.schemas import AugmentationCreate, AugmentationRead, PivotProgress
from services.augment.jobs.translations import served_model
from services.catalog import datasets_service
from shared.db.models import AugmentationJob, ChunkState, JobChunk, JobState
from shared.dispatch import ChunkTask
from shared.errors import Conflict, Unprocessable, found
from shared.re_data.schema import REExample

SendChunk = Callable[[str, str], None]  # chunk id, pivot


def request_hash(team_id: int, request: AugmentationCreate, models: dict[str, Any] | None = None) -> str:
    """The job's identity: the request, the team, and what serves each leg (model, revision and
    output settings), so after a model upgrade an identical request makes a new job."""
    canonical = request.model_dump(mode="json") | {
        "pivots": sorted(set(request.pivots)),
        "decoding": request.decoding.canonical(),
        "team": team_id,
        "models": models or {},
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def serving_legs(session: Session, settings: ServiceSettings, pivots: Sequence[str]) -> dict[str, Any]:
    """Per direction of the pivots: the model and revision workers serve (as they recorded them) and
    the settings that change its output."""
    legs: dict[str, Any] = {}
    for pivot in sorted(set(pivots)):
        for spec in pivot_legs(settings, pivot):
            model, revision = served_model(session, settings, spec.source_lang, spec.target_lang)
            legs[spec.direction] = {"model": model, "revision": revision} | output_settings(settings, spec)
    return legs


def create_job(
    *,
    session: Session,
    team_id: int,
    request: AugmentationCreate,
    chunk_rows: int,
    settings: ServiceSettings | None = None,
) -> tuple[AugmentationJob, bool]:
    """The job for this request: an identical live one if it exists (False), else a new one (True)."""
    bad = [p for p in request.pivots if p not in PIVOTS]
    if bad:
        raise Unprocessable(f"unsupported pivot {bad[0]!r}; choose from {', '.join(PIVOTS)}")
    dataset = datasets_service.get_dataset(session, request.dataset_id, team_id)
    models = serving_legs(session, settings, request.pivots) if settings is not None else None
    digest = request_hash(team_id, request, models)
    existing = jobs_repository.find_live_job(session, team_id=team_id, request_hash=digest)
    if existing is not None:
        return existing, False
    job_id = str(uuid.uuid4())
    chunks = [
        JobChunk(
            id=str(uuid.uuid4()),
            job_id=job_id,
            pivot=pivot,
            index=index,
            row_start=start,
            row_end=min(start + chunk_rows, dataset.row_count),
            task_id=str(uuid.uuid4()),
        )
        for pivot in sorted(set(request.pivots))
        for index, start in enumerate(range(0, dataset.row_count, chunk_rows))
    ]
    job = AugmentationJob(
        id=job_id,
        team_id=team_id,
        dataset_id=dataset.id,
        request_hash=digest,
        request=request.model_dump(mode="json"),
        state=JobState.QUEUED.value,
        chunks_total=len(chunks),
        chunks_done=0,
    )
    try:
        with session.begin_nested():
            jobs_repository.add_job(session, job=job, chunks=chunks)
    except IntegrityError:  # an identical request won the race
        existing = jobs_repository.find_live_job(session, team_id=team_id, request_hash=digest)
        assert existing is not None
        return existing, False
    return job, True


def unsent_tasks(session: Session, job: AugmentationJob) -> list[ChunkTask]:
    """The job's chunks whose task is not sent yet (all of them, for a new job)."""
    return jobs_repository.unsent_chunk_tasks(session, job_id=job.id)


def mark_sent(session: Session, chunk_ids: Sequence[str]) -> None:
    jobs_repository.mark_sent(session, chunk_ids=chunk_ids)


def job_status(session: Session, job: AugmentationJob) -> AugmentationRead:
    chunks = jobs_repository.chunk_progress(session, job_id=job.id)
    progress: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    drops: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hits = misses = 0
    for chunk in chunks:
        size = chunk.row_end - chunk.row_start
        entry = progress[chunk.pivot]
        entry["chunks_total"] += 1
        entry["sentences_total"] += size
        if chunk.state == ChunkState.DONE.value:
            entry["chunks_done"] += 1
            entry["sentences_done"] += size
            entry["rows_out"] += chunk.rows_out
            hits, misses = hits + chunk.cache_hits, misses + chunk.cache_misses
            for reason, count in chunk.drop_counts.items():
                drops[chunk.pivot][reason] += count
    done = sum(p["sentences_done"] for p in progress.values())
    total = sum(p["sentences_total"] for p in progress.values())
    return AugmentationRead(
        id=job.id,
        dataset_id=job.dataset_id,
        state=job.state,
        request=job.request,
        progress={pivot: _progress(p) for pivot, p in progress.items()},
        cache_hit_ratio=hits / (hits + misses) if hits + misses else None,
        cache_hits=hits,
        cache_misses=misses,
        drops={pivot: dict(reasons) for pivot, reasons in drops.items()},
        eta_seconds=_eta(job, done, total),
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _progress(counts: dict[str, int]) -> PivotProgress:
    fields = ("chunks_done", "chunks_total", "sentences_done", "sentences_total", "rows_out")
    return PivotProgress(**{name: counts.get(name, 0) for name in fields})


def _eta(job: AugmentationJob, done: int, total: int) -> float | None:
    if job.state != JobState.RUNNING.value or not done or job.started_at is None:
        return None if job.state != JobState.SUCCEEDED.value else 0.0
    started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=UTC)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    return elapsed / done * (total - done)


def get_job(session: Session, job_id: str, team_id: int) -> AugmentationJob:
    job = jobs_repository.get_for_team(session, job_id=job_id, team_id=team_id)
    return found(job, f"augmentation job {job_id!r}")


def list_jobs(session: Session, team_id: int) -> list[AugmentationRead]:
    return [job_status(session, job) for job in jobs_repository.list_for_team(session, team_id=team_id)]


def list_job_records(session: Session, team_id: int) -> Sequence[AugmentationJob]:
    return jobs_repository.list_for_team(session, team_id=team_id)


def cancel_job(session: Session, job_id: str, team_id: int) -> AugmentationRead:
    """Cancels a queued or running job (Conflict if it has already ended)."""
    job = get_job(session, job_id, team_id)
    if not jobs_repository.cancel(session, job=job):
        raise Conflict(f"job is already {job.state}")
    return job_status(session, job)


def finished_job(session: Session, job_id: str, team_id: int, what: str) -> AugmentationJob:
    """A team's job that has succeeded (Conflict otherwise: `what` is not ready yet)."""
    job = get_job(session, job_id, team_id)
    if job.state != JobState.SUCCEEDED.value:
        raise Conflict(f"job is {job.state}; {what} ready when it has succeeded")
    return job


def result_records(session: Session, job_id: str) -> Iterator[dict[str, Any]]:
    """The job's stored rows in source order, streamed."""
    return jobs_repository.result_records(session, job_id=job_id)


def result_rows(session: Session, job_id: str) -> list[REExample]:
    return [REExample.model_validate(record) for record in result_records(session, job_id)]
