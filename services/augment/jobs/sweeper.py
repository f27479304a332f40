"""Finds accepted work that is not on its way and hands it out again, so no job is ever stuck.

Three kinds: chunks whose task was never sent (the broker was down when the job was accepted),
chunks whose holder stopped renewing its lease (a dead worker, a lost message after a broker
restart), and pending chunks whose messages the broker no longer holds (fewer messages wait in
their queue than chunks do). Celery-free: the caller sends what this returns, after committing.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from services.augment.jobs import repository as jobs_repository
from services.augment.jobs.chunk_runner import describe
from shared.db.clock import now
from shared.db.models import ChunkState, JobChunk
from shared.dispatch import WORKER_LOST, ChunkTask
from shared.queues import queue_for_language

WaitingMessages = Callable[[str], int | None]  # queue → messages the broker holds (None: unknown)


@dataclass(frozen=True)
class SweepRules:
    lease_s: float
    outbox_grace_s: float
    max_attempts: int


@dataclass
class Sweep:
    to_send: list[ChunkTask] = field(default_factory=list)
    failed_jobs: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def sweep_chunks(session: Session, rules: SweepRules, waiting: WaitingMessages) -> Sweep:
    moment = now()
    lease_cut = moment - timedelta(seconds=rules.lease_s)  # a holder silent since then has lapsed
    sweep = Sweep()
    for chunk in jobs_repository.lapsed_chunks(session, lapsed_before=lease_cut):
        if chunk.attempts >= rules.max_attempts:
            why = chunk.error or WORKER_LOST
            jobs_repository.fail_chunk_and_job(
                session,
                chunk_id=chunk.id,
                error=f"{describe(chunk)} was tried {chunk.attempts} times and {why}",
            )
            sweep.failed_jobs.append(chunk.job_id)
            sweep.counts["gave_up"] += 1
            continue
        chunk.state = ChunkState.PENDING.value
        sweep.to_send.append(_resend(chunk))
        sweep.counts["lease_lapsed"] += 1
    for chunk in jobs_repository.unsent_chunks(
        session, accepted_before=moment - timedelta(seconds=rules.outbox_grace_s)
    ):
        sweep.to_send.append(ChunkTask(chunk.id, chunk.pivot, chunk.task_id or chunk.id))
        sweep.counts["never_sent"] += 1
    by_queue: dict[str, list[JobChunk]] = defaultdict(list)
    for chunk in jobs_repository.waiting_chunks(session, sent_before=lease_cut):
        by_queue[queue_for_language(chunk.pivot)].append(chunk)
    for queue, chunks in by_queue.items():
        held = waiting(queue)
        if held is not None and held < len(chunks):  # the broker lost some: which, it cannot say
            sweep.to_send += [_resend(chunk) for chunk in chunks]
            sweep.counts["message_lost"] += len(chunks)
    return sweep


def _resend(chunk: JobChunk) -> ChunkTask:
    """A new delivery: a fresh task id, not sent until the caller has sent it."""
    chunk.task_id, chunk.sent_at = str(uuid.uuid4()), None
    return ChunkTask(chunk.id, chunk.pivot, chunk.task_id)
