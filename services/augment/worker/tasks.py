"""Celery tasks of the augmentation worker: thin wrappers that take ids and call the runner."""

from functools import cache
from typing import Any

import structlog
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import DBAPIError

from services.augment.config import get_service_settings
from services.augment.engine.augmenter import Engine
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.registry import effective_revision, model_spec, public_name
from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.jobs import models_repository
from services.augment.jobs.chunk_runner import ChunkOutcome, Delivery, fail_job, retry_later, run_chunk
from shared.db.session import session_factory
from shared.queues import TaskName

log = structlog.get_logger(__name__)
settings = get_service_settings()
TRANSIENT = (DBAPIError, ConnectionError, TimeoutError)


@cache
def engine() -> Engine:
    """One engine per worker process: each model is loaded once, on first use."""
    return Engine(settings, session_factory(settings.database_url))


@shared_task(
    name=TaskName.BACK_TRANSLATE_CHUNK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def back_translate_chunk(self: Task, chunk_id: str) -> str:
    """Every way a chunk ends is recorded: done; back to pending after its time limit (retried,
    its attempts counted); failed with the reason for a missing model or any other error. A
    transient backend error is retried with backoff, and if it outlasts the retries the chunk's
    lease lapses and the sweeper sends it again."""
    sessions = session_factory(settings.database_url)
    delivery = Delivery(
        task_id=self.request.id,
        max_attempts=settings.chunk_max_attempts,
        lease_s=settings.lease_s,
        heartbeat_s=settings.heartbeat_s,
    )
    try:
        outcome = run_chunk(chunk_id, engine=engine(), sessions=sessions, delivery=delivery)
    except SoftTimeLimitExceeded:
        retry_later(chunk_id, sessions, f"went over its time limit of {settings.chunk_time_limit_s} s")
        raise self.retry(countdown=1, max_retries=None) from None
    except TRANSIENT:
        raise
    except ModelUnavailableError as error:  # retrying cannot help: fail the job with the reason
        log.error("model_unavailable", chunk_id=chunk_id, error=str(error))  # the full reason, for operators
        fail_job(chunk_id, sessions, unavailable_for_users(error))
        return ChunkOutcome.GAVE_UP.value
    except Exception as error:  # a bug or a bad input: retrying would fail the same way
        log.exception("chunk_failed", chunk_id=chunk_id)
        fail_job(chunk_id, sessions, f"failed: {type(error).__name__}: {str(error)[:500]}")
        return ChunkOutcome.GAVE_UP.value
    log.info("chunk_finished", chunk_id=chunk_id, outcome=outcome.value, task_id=self.request.id)
    return outcome.value


def unavailable_for_users(error: ModelUnavailableError) -> str:
    """What a job's `error` says: the model by its public name (a local copy by its folder), the
    setting that fixes it; the reason (which may hold a server path) stays in the worker's log."""
    return (
        f"model {public_name(error.model)!r} is not available on the worker; its operator sets "
        f"{error.setting} to a local copy (the worker's log says why)"
    )


@shared_task(
    name=TaskName.TRANSLATE_TEXTS, acks_late=True, ignore_result=False, autoretry_for=TRANSIENT, max_retries=3
)
def translate_texts(
    source_lang: str, target_lang: str, texts: list[str], decoding: dict[str, Any], team: str
) -> list[list[str]]:
    try:
        leg = engine().leg(model_spec(settings, source_lang, target_lang))
    except ModelUnavailableError as error:  # the API shows this reason to the caller (a 503)
        log.error("model_unavailable", direction=f"{source_lang}-{target_lang}", error=str(error))
        raise RuntimeError(unavailable_for_users(error)) from None
    return leg.translate(texts, DecodingSettings.model_validate(decoding), produced_by=team)


def record_model_revisions() -> None:
    """Tell the API which model and revision serve each direction here (local copies: content hash)."""
    rows = []
    for source, target in (("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko")):
        spec = model_spec(settings, source, target)
        rows.append({"direction": spec.direction, "model": spec.model, "revision": effective_revision(spec)})
    with session_factory(settings.database_url).begin() as session:
        models_repository.record_revisions(session, rows=rows)
