"""The training workers' sweeper: every `sweep_interval_s`, one of them (an advisory lock)
re-sends runs that are not on their way."""

import structlog
from celery import Celery

from services.train import runs_repository
from services.train.sweeper import RunSweepRules, sweep_runs
from shared.broker import waiting_messages
from shared.db.locks import try_transaction_lock
from shared.db.session import session_factory
from shared.dispatch import send_run
from shared.queues import Queue
from shared.settings import CommonSettings

log = structlog.get_logger(__name__)
SWEEP_LOCK = 0x5254_5255  # "RTRU": one run sweeper at a time


def sweep_once(celery: Celery, settings: CommonSettings) -> dict[str, int] | None:
    rules = RunSweepRules(
        lease_s=settings.lease_s,
        outbox_grace_s=settings.outbox_grace_s,
        max_attempts=settings.run_max_attempts,
    )
    with session_factory(settings.database_url).begin() as session:
        if not try_transaction_lock(session, SWEEP_LOCK):
            return None
        sweep = sweep_runs(session, rules, lambda: waiting_messages(settings.redis_url, Queue.TRAIN))
        session.flush()
        sent = [run_id for run_id, task_id in sweep.to_send if send_run(celery, run_id, task_id)]
        runs_repository.mark_sent(session, run_ids=sent)
    counts = dict(sweep.counts)
    if counts:
        log.info("runs_swept", sent=len(sent), **counts)
    return counts
