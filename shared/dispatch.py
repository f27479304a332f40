"""Sending work to the queues. Every send names its task id (the delivery that may hold the work);
a send the broker refuses is logged and left to the outbox: the sweeper sends it later."""

from collections.abc import Sequence
from typing import NamedTuple

import structlog
from celery import Celery

from shared.queues import Queue, TaskName, queue_for_language

log = structlog.get_logger(__name__)

# Why a chunk or run failed when its worker was lost on every try, whichever path gives up first: a
# redelivery claiming it (the worker died) or a sweeper (its lease lapsed); which one wins is a race.
WORKER_LOST = "its worker died or stopped answering each time"


class ChunkTask(NamedTuple):
    chunk_id: str
    pivot: str
    task_id: str


def send_chunks(celery: Celery, tasks: Sequence[ChunkTask]) -> list[str]:
    """The chunk ids sent; stops at the first refusal (the broker is down for the rest too)."""
    sent: list[str] = []
    for task in tasks:
        try:
            celery.send_task(
                TaskName.BACK_TRANSLATE_CHUNK,
                args=[task.chunk_id],
                queue=queue_for_language(task.pivot),
                task_id=task.task_id,
                ignore_result=True,  # job state lives in Postgres; no result-store round trip
            )
        except Exception as error:
            log.warning("send_failed", chunk_id=task.chunk_id, error=f"{type(error).__name__}: {error}")
            break
        sent.append(task.chunk_id)
    return sent


def send_run(celery: Celery, run_id: str, task_id: str) -> bool:
    try:
        celery.send_task(
            TaskName.RUN_EXPERIMENT, args=[run_id], queue=Queue.TRAIN, task_id=task_id, ignore_result=True
        )
    except Exception as error:
        log.warning("send_failed", run_id=run_id, error=f"{type(error).__name__}: {error}")
        return False
    return True
