"""The augmentation workers' sweeper: every `sweep_interval_s`, in each worker's main process,
one of them (an advisory lock) re-sends chunks that are not on their way."""

import structlog
from celery import Celery

from services.augment.config import ServiceSettings
from services.augment.jobs import repository as jobs_repository
from services.augment.jobs.sweeper import SweepRules, sweep_chunks
from shared.broker import waiting_messages
from shared.db.locks import try_transaction_lock
from shared.db.session import session_factory
from shared.dispatch import send_chunks

log = structlog.get_logger(__name__)
SWEEP_LOCK = 0x5254_4348  # "RTCH": one chunk sweeper at a time, on every machine


def sweep_once(celery: Celery, settings: ServiceSettings) -> dict[str, int] | None:
    """One sweep; None when another worker is sweeping. Sends inside the transaction that holds
    the chunks locked, so a worker that receives a message sees its committed task id."""
    rules = SweepRules(
        lease_s=settings.lease_s,
        outbox_grace_s=settings.outbox_grace_s,
        max_attempts=settings.chunk_max_attempts,
    )
    with session_factory(settings.database_url).begin() as session:
        if not try_transaction_lock(session, SWEEP_LOCK):
            return None
        sweep = sweep_chunks(session, rules, lambda queue: waiting_messages(settings.redis_url, queue))
        session.flush()
        sent = send_chunks(celery, sweep.to_send)
        jobs_repository.mark_sent(session, chunk_ids=sent)
    counts = dict(sweep.counts)
    if counts:
        log.info("chunks_swept", sent=len(sent), **counts)
    return counts
