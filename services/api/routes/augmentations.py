"""Augmentation jobs: request, watch, cancel, download."""

import io
import itertools
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from celery import Celery
from fastapi import APIRouter, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from services.api.deps import CeleryDep, ReaderDep, SettingsDep, UnitOfWork, UowDep, WriterDep
from services.api.ttl_cache import TTLCache
from services.augment.jobs import service as jobs_service
from services.augment.jobs.schemas import AugmentationCreate, AugmentationList, AugmentationRead
from services.evidence.report import build_report
from shared.dispatch import ChunkTask, send_chunks
from shared.re_data.hf import save_hf_dataset
from shared.re_data.io import write_csv, write_jsonl
from shared.re_data.schema import REExample

router = APIRouter(prefix="/v1/augmentations", tags=["augmentations"])
RENDER_BATCH = 500


@router.post("", response_model=AugmentationRead, status_code=status.HTTP_202_ACCEPTED)
def create_augmentation(
    request: AugmentationCreate,
    response: Response,
    uow: UowDep,
    caller: WriterDep,
    settings: SettingsDep,
    celery: CeleryDep,
) -> AugmentationRead:
    """202 with a new job; 200 with the existing job when an identical request is live."""
    job, created = jobs_service.create_job(
        session=uow.session,
        team_id=caller.team_id,
        request=request,
        chunk_rows=settings.chunk_rows,
        settings=settings,
    )
    if created:
        tasks = jobs_service.unsent_tasks(uow.session, job)
        uow.after_commit(lambda: _send(uow, celery, tasks))
    else:
        response.status_code = status.HTTP_200_OK
    uow.commit()
    response.headers["Location"] = f"/v1/augmentations/{job.id}"
    return jobs_service.job_status(uow.session, job)


def _send(uow: UnitOfWork, celery: Celery, tasks: list[ChunkTask]) -> None:
    """After the job is committed: send its chunks and record which went out. A broker that is
    down leaves the rest unsent; the workers' sweeper sends them when it is back (the outbox)."""
    sent = send_chunks(celery, tasks)
    if sent:
        jobs_service.mark_sent(uow.session, sent)
        uow.session.commit()


@router.get("", response_model=AugmentationList)
def list_augmentations(uow: UowDep, caller: ReaderDep) -> AugmentationList:
    items = jobs_service.list_jobs(uow.session, caller.team_id)
    return AugmentationList(items=items, total=len(items))


# Many clients poll the same job: each status is computed (and serialised) at most once per second.
_statuses: TTLCache[bytes] = TTLCache(ttl_s=1.0)


@router.get("/{job_id}", response_model=AugmentationRead)
async def get_augmentation(job_id: str, uow: UowDep, caller: ReaderDep) -> Response:
    """State, progress per pivot, cache hit ratio, drops per reason, ETA. At most 1 s old."""
    key = (job_id, caller.team_id)
    found, body = _statuses.peek(key)
    if not found or body is None:

        def compute() -> bytes:
            job = jobs_service.get_job(uow.session, job_id, caller.team_id)
            return jobs_service.job_status(uow.session, job).model_dump_json().encode()

        body = await run_in_threadpool(_statuses.get_or_compute, key, compute)
    return Response(content=body, media_type="application/json")


@router.post("/{job_id}/cancel", response_model=AugmentationRead)
def cancel_augmentation(job_id: str, uow: UowDep, caller: WriterDep) -> AugmentationRead:
    cancelled = jobs_service.cancel_job(uow.session, job_id, caller.team_id)
    uow.commit()
    _statuses.forget((job_id, caller.team_id))
    return cancelled


@router.get("/{job_id}/report")
def augmentation_report(job_id: str, uow: UowDep, caller: ReaderDep) -> dict[str, Any]:
    """The data report of the job's rows: yield per pivot and label, drop reasons per pivot."""
    job = jobs_service.finished_job(uow.session, job_id, caller.team_id, "its report is")
    rows = jobs_service.result_rows(uow.session, job.id)
    drops = jobs_service.job_status(uow.session, job).drops
    return build_report(rows, drop_reasons=drops).as_dict()


@router.get("/{job_id}/result", response_model=None)
def download_result(
    job_id: str, uow: UowDep, caller: ReaderDep, format: Literal["jsonl", "csv", "hf"] = "jsonl"
) -> StreamingResponse | Response:
    """The augmented rows, streamed as JSONL or competition CSV, or (`hf`) a tar.gz of a Hugging
    Face dataset directory: unpack it and `datasets.load_from_disk(DIR)` reads it with its
    KLUE-RE features (the label a ClassLabel in the official order) and provenance columns."""
    job = jobs_service.finished_job(uow.session, job_id, caller.team_id, "results are")
    if format == "hf":
        archive = hf_archive(jobs_service.result_rows(uow.session, job.id), f"augmentation-{job.id}")
        headers = {"Content-Disposition": f'attachment; filename="augmentation-{job.id}-hf.tar.gz"'}
        return Response(archive, media_type="application/gzip", headers=headers)
    records = jobs_service.result_records(uow.session, job.id)
    media = "application/x-ndjson" if format == "jsonl" else "text/csv"
    headers = {"Content-Disposition": f'attachment; filename="augmentation-{job.id}.{format}"'}
    return StreamingResponse(_render(records, format), media_type=media, headers=headers)


def hf_archive(rows: list[REExample], name: str) -> bytes:
    """`save_to_disk` into a scratch folder, packed as NAME/… in a tar.gz."""
    with tempfile.TemporaryDirectory() as scratch:
        save_hf_dataset(rows, Path(scratch) / name)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            archive.add(Path(scratch) / name, arcname=name)
        return buffer.getvalue()


def _render(records: Iterator[dict[str, Any]], fmt: str) -> Iterator[str]:
    """Rows in batches, so a large result never sits in memory whole."""
    batch: list[REExample] = []
    first = True
    for record in itertools.chain(records, [None]):
        if record is not None:
            batch.append(REExample.model_validate(record))
        if len(batch) == RENDER_BATCH or (record is None and (batch or first)):
            stream = io.StringIO()
            if fmt == "csv":
                write_csv(batch, stream, header=first)
            else:
                write_jsonl(batch, stream)
            batch, first = [], False
            yield stream.getvalue()
